"""The viewer in a real browser: Debian's Chromium driven by Playwright against
``aimarket view`` on a free loopback port, with a batch and a sweep in its results root.
Every page must show its content (charts, tables) on arrival, before any button is pressed;
a screenshot of each is saved (into docs/img/, which the README shows, when
AIMARKET_SCREENSHOTS=docs/img: then the sweep is the full smoke sweep)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# screenshots go to a scratch folder, so a test run leaves the checkout clean; refresh the
# README's with AIMARKET_SCREENSHOTS=docs/img uv run pytest tests/test_viz_browser.py
SHOTS = Path(
    os.environ.get("AIMARKET_SCREENSHOTS")
    or Path(tempfile.gettempdir()) / f"aimarket-screenshots-{os.getpid()}"
)
TIMEOUT_MS = 300_000  # a cold numba cache compiles the kernels on the first batch

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SMOKE = ROOT / "experiments" / "sweeps" / "smoke.toml"


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "experiments.cli", *args], cwd=ROOT, check=True)


def _results(root: Path) -> Path:
    """A results root with a batch (aimarket run) and an analysed sweep (aimarket sweep): the
    smoke sweep for the README's pictures, a smaller one of the same parameters otherwise."""
    _cli(
        "run",
        str(ROOT / "scenarios" / "baseline.toml"),
        "--runs",
        "100",
        "--out",
        str(root / "base"),
    )
    spec = SMOKE
    if "AIMARKET_SCREENSHOTS" not in os.environ:
        text = SMOKE.read_text().replace("points = 48", "points = 24")
        text = text.replace("replications = 20", "replications = 3")
        text = text.replace('"../../scenarios/', f'"{(ROOT / "scenarios").as_posix()}/')
        spec = root / "smoke.toml"
        spec.write_text(text)
    _cli("sweep", str(spec), "--out", str(root / "smoke"))
    _cli("analyze", "sensitivity", str(root / "smoke"))
    if "AIMARKET_SCREENSHOTS" in os.environ:
        _cli("analyze", "discover", str(root / "smoke"), "--end-state", "gap_widens")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    port = _free_port()
    results = _results(tmp_path_factory.mktemp("view-results"))
    log = open(results / "server.log", "w")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "view", "--port", str(port)]
        + ["--results", str(results)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: teardown ends Streamlit too
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.close()
            pytest.fail(f"aimarket view did not start: {(results / 'server.log').read_text()}")
        time.sleep(0.5)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        pg = browser.new_page(viewport={"width": 1400, "height": 3400})
        pg.set_default_timeout(TIMEOUT_MS)
        pg.goto(server)
        yield pg
        browser.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished the script run."""
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")


def _shot(page, name: str) -> None:
    """A screenshot of the page as tall as its content (Streamlit scrolls inside its main
    block, so the viewport is sized to it)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tmp = SHOTS / f".{name}.png"
    height = page.evaluate(
        "document.querySelector(\"[data-testid='stMainBlockContainer']\")"
        ".getBoundingClientRect().bottom"
    )
    page.set_viewport_size({"width": 1400, "height": max(900, min(int(height) + 20, 6000))})
    page.wait_for_timeout(800)  # charts re-laid out
    page.screenshot(path=str(tmp), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 3400})
    shutil.move(tmp, SHOTS / f"{name}.png")


def _goto(page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for()
    _settle(page)


def _charts(page, at_least: int) -> None:
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for()
    assert charts.count() >= at_least


def _no_errors(page) -> None:
    assert not page.locator("[data-testid='stException']").count()
    assert not page.locator("[data-testid='stAlertContentError']").count()


def test_every_page_shows_results_on_arrival(page):
    # Explore: the baseline's batch at the default settings, no button pressed
    page.get_by_role("heading", name="Explore").first.wait_for()
    page.get_by_text("200 runs, seed").wait_for()
    _settle(page)
    body = page.locator("[data-testid='stMain']").first.inner_text()
    for state in ("open_deepening", "bigtech_oligopoly", "gap_widens"):
        assert state in body
    assert "%" in body and "[" in body
    _charts(page, 7)
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    assert not page.get_by_text("Deploy", exact=True).count()  # toolbarMode viewer
    _no_errors(page)
    _shot(page, "explore")

    # Story of a run: the newest batch's typical run
    _goto(page, "Story of a run")
    page.get_by_text("ends in").first.wait_for()
    _charts(page, 3)
    page.get_by_text("End state:").first.wait_for()
    _no_errors(page)
    _shot(page, "story")

    # Agents: the reference model after its first month; then a year on, the enterprises
    _goto(page, "Agents")
    page.get_by_text("1 of 108 months").wait_for()
    _charts(page, 1)
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    _no_errors(page)
    page.get_by_role("button", name="+12 months").click()
    page.get_by_text("13 of 108 months").wait_for()
    _settle(page)
    page.get_by_role("tab", name="Enterprises").click()
    page.get_by_text("Enterprises matching").wait_for()
    _shot(page, "agents")

    # Scenarios: the library's first scenarios compared, no button pressed
    _goto(page, "Scenarios")
    page.get_by_text("runs each").wait_for()
    _settle(page)
    _charts(page, 2)
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    _no_errors(page)
    _shot(page, "scenarios")

    # Sweeps: the sweep's sensitivity bars and heatmap
    _goto(page, "Sweeps")
    page.get_by_text("points").first.wait_for()
    _charts(page, 2)
    body = page.locator("[data-testid='stMain']").first.inner_text()
    assert "No sweep folder" not in body
    _no_errors(page)
    _shot(page, "sweeps")
