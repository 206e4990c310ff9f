"""The viewer in a real browser: Debian's Chromium driven by Playwright against
``aimarket view`` on a free loopback port. Runs a batch from Explore, visits every page and
saves a screenshot of each (into docs/img/, which the README shows, when
AIMARKET_SCREENSHOTS=docs/img)."""

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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    port = _free_port()
    results = tmp_path_factory.mktemp("view-results")
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
        pg = browser.new_page(viewport={"width": 1400, "height": 2200})
        pg.set_default_timeout(TIMEOUT_MS)
        pg.goto(server)
        yield pg
        browser.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished the script run."""
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tmp = SHOTS / f".{name}.png"
    page.screenshot(path=str(tmp), full_page=True)
    shutil.move(tmp, SHOTS / f"{name}.png")


def _goto(page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for()
    _settle(page)


def test_every_page_in_a_browser(page):
    # Explore: a batch of 200 baseline runs, then its shares and charts
    page.get_by_role("heading", name="Explore").first.wait_for()
    runs = page.get_by_label("Runs")
    runs.fill("200")
    runs.press("Enter")
    _settle(page)
    page.get_by_role("button", name="Run batch").click()
    page.get_by_text("200 runs, seed").wait_for()
    _settle(page)
    body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
    for state in ("open_deepening", "bigtech_oligopoly", "gap_widens"):
        assert state in body
    assert "%" in body and "[" in body
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for()
    assert charts.count() >= 7
    _shot(page, "explore")

    # Story of a run: the batch just made, its typical open_deepening-or-other run
    _goto(page, "Story of a run")
    page.get_by_text("ends in").first.wait_for()
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 3
    page.get_by_text("End state:").first.wait_for()
    _shot(page, "story")

    # Agents: build the reference model and step a year
    _goto(page, "Agents")
    page.get_by_role("button", name="Start model").click()
    page.get_by_text("0 of 108 months").wait_for()
    page.get_by_role("button", name="+12 months").click()
    page.get_by_text("12 of 108 months").wait_for()
    _settle(page)
    page.get_by_role("tab", name="Enterprises").click()
    page.get_by_text("Enterprises matching").wait_for()
    _shot(page, "agents")

    # Scenarios: baseline against two others, 100 runs each
    _goto(page, "Scenarios")
    runs = page.get_by_label("Runs per scenario")
    runs.fill("100")
    runs.press("Enter")
    _settle(page)
    page.get_by_role("button", name="Compare").click()
    page.get_by_text("runs each").wait_for()
    _settle(page)
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 2
    _shot(page, "scenarios")

    # Sweeps: without a sweep folder, how to make one
    _goto(page, "Sweeps")
    page.get_by_text("No sweep folder found").wait_for()
    _shot(page, "sweeps")
    assert not page.locator("[data-testid='stException']").count()
