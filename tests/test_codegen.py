"""Generated code: every block is what its table implies, and the run state is one table."""

from __future__ import annotations

import pytest

from sim.codegen import BLOCKS, current
from sim.state import STATE_FIELDS, RunState, new_state


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_generated_blocks_are_current(block):
    assert current(block) == block.render(), "run: uv run python -m sim.codegen"


def test_the_run_state_is_its_table(small):
    import numpy as np

    from sim.state import EVENT_DTYPE, MAX_EVENTS, S

    assert RunState._fields == tuple(name for name, _, _ in STATE_FIELDS)
    traj = np.zeros((small.months, int(S.N)))
    log = np.zeros(MAX_EVENTS, dtype=EVENT_DTYPE)
    st = new_state(
        small.global_vector(),
        small.lab_matrix(),
        small.cloud_matrix(),
        small.n_enterprises,
        small.n_developers,
        small.months,
        traj,
        log,
    )
    assert st.ents.shape == (small.n_enterprises,) and st.devs.shape == (small.n_developers,)
    assert st.traj is traj and np.shares_memory(st.log, log)
