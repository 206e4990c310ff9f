"""Code generated from the model's tables into the kernels' own files.

Numba compiles and caches only functions whose callees are known when it compiles, so what a
table implies for compiled code (the dispatch of events, the steps of the month, the run
state's allocation) is written into the modules as plain source between marker comments
(``# <name>:begin (generated from <table>)`` ... ``# <name>:end``), not built at run time.
``uv run python -m sim.codegen`` rewrites every block; ``tests/test_codegen.py`` fails when
one is stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Block", "BLOCKS", "markers", "current", "rewrite"]

PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Block:
    """A generated block: its name, file (in the package), source table and renderer."""

    name: str
    path: str
    table: str
    render: Callable[[], str]


def _dispatch() -> str:
    from .rules.dispatch import render_dispatch

    return render_dispatch()


def _clearing() -> str:
    from .plan import render_clearing

    return render_clearing()


def _new_state() -> str:
    from .state import render_new_state

    return render_new_state()


def _borrow_state() -> str:
    from .state import render_borrow_state

    return render_borrow_state()


BLOCKS = (
    Block("dispatch", "rules/dispatch.py", "sim.events.EVENT_TABLE", _dispatch),
    Block("plan", "engine/fast.py", "sim.plan.MONTH_PLAN", _clearing),
    Block("new_state", "state.py", "sim.state.STATE_FIELDS", _new_state),
    Block("borrow_state", "state.py", "sim.state.STATE_FIELDS", _borrow_state),
)


def markers(block: Block) -> tuple[str, str]:
    """The begin and end lines of ``block`` (inside a function body)."""
    return (
        f"    # {block.name}:begin (generated from {block.table})\n",
        f"    # {block.name}:end\n",
    )


def _split(block: Block) -> tuple[str, str, str]:
    text = (PACKAGE / block.path).read_text()
    begin, end = markers(block)
    head, rest = text.split(begin, 1)
    body, tail = rest.split(end, 1)
    return head, body, tail


def current(block: Block) -> str:
    """The code between ``block``'s markers now."""
    return _split(block)[1]


def rewrite() -> list[str]:
    """Rewrite every stale block; the names of those rewritten."""
    done = []
    for block in BLOCKS:
        head, body, tail = _split(block)
        new = block.render()
        if body != new:
            begin, end = markers(block)
            (PACKAGE / block.path).write_text(head + begin + new + end + tail)
            done.append(block.name)
    return done


if __name__ == "__main__":
    print("rewritten:", ", ".join(rewrite()) or "nothing (every block is current)")
