"""The examples run and say what they promise."""

from __future__ import annotations

import runpy

from .conftest import ROOT


def test_inspect_agents_example(capsys, monkeypatch):
    monkeypatch.setattr(
        "sys.argv",
        ["inspect_agents.py", "--run", "3", "--enterprises", "300", "--developers", "1500"],
    )
    runpy.run_path(str(ROOT / "examples" / "inspect_agents.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "following enterprise" in out and "2023-01" in out
    assert "open share of enterprise tokens, December of each year" in out
    assert "end state: " in out.splitlines()[-1]
