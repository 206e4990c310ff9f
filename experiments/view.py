"""``aimarket view``: start the Streamlit viewer (viz/app.py) on a loopback port."""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

__all__ = ["add_view_parser", "cmd_view", "DEFAULT_PORT"]

DEFAULT_PORT = 8501
HOST = "127.0.0.1"
GRACE_SECONDS = 15.0  # after a signal, how long the server has to stop before it is killed
# Host headers the server accepts (a foreign name reaching the loopback port, as in DNS
# rebinding, is refused); the toolbar without Streamlit's Deploy button
SERVER_OPTIONS = (
    ("--server.allowedHosts", "127.0.0.1"),
    ("--server.allowedHosts", "localhost"),
    ("--client.toolbarMode", "viewer"),
)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port 1-65535, found {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port 1-65535, found {text!r}")
    return value


def add_view_parser(sub: argparse._SubParsersAction) -> None:
    """Declare the ``view`` subcommand on the CLI's subparsers."""
    view = sub.add_parser("view", help="open the viewer (Streamlit) on 127.0.0.1")
    view.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    view.add_argument(
        "--results",
        default="results",
        help="folder of results folders; the viewer's batches go there too (default results)",
    )


def _app_path() -> Path:
    spec = importlib.util.find_spec("viz.app")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("viz/app.py")
    return Path(spec.origin)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def cmd_view(args: argparse.Namespace) -> int:
    """Run Streamlit in the foreground until interrupted."""
    results = Path(args.results)
    if results.exists() and not results.is_dir():
        print(f"error: --results {results}: expected a folder, found a file", file=sys.stderr)
        return 2
    if not _port_free(args.port):
        print(
            f"error: --port {args.port}: expected a free port on {HOST}, found it in use",
            file=sys.stderr,
        )
        return 2
    env = dict(os.environ, AIMARKET_RESULTS=str(results.resolve()))
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(_app_path()),
        "--server.address",
        HOST,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *(part for option in SERVER_OPTIONS for part in option),
    ]
    print(f"aimarket viewer on http://{HOST}:{args.port} (results in {results})", flush=True)
    return _run_child(cmd, env)


def _run_child(cmd: list[str], env: dict[str, str]) -> int:
    """Run ``cmd`` until it ends; SIGTERM, SIGINT and SIGHUP to this process are passed on to it
    and waited for (then it is killed), so stopping the launcher stops the server."""
    proc = subprocess.Popen(cmd, env=env)
    received: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)

    caught = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {s: signal.signal(s, forward) for s in caught}
    try:
        deadline = None
        while True:
            try:
                code = proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if received and deadline is None:
                    deadline = time.monotonic() + GRACE_SECONDS
                if deadline is not None and time.monotonic() > deadline:
                    proc.kill()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if received:
        return 128 + received[0]
    return code
