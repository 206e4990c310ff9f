"""``aimarket view`` as a real process: a signal stops the server with it, and a websocket
naming a foreign host (DNS rebinding) is refused while the loopback names are accepted."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from experiments.view import HOST

from .conftest import ROOT

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _upgrade(port: int, host: str, origin: str) -> str:
    """The status line of a websocket handshake on the app's stream with these headers."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\nOrigin: {origin}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection((HOST, port), timeout=10) as s:
        s.sendall(request.encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(1024)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n", 1)[0].decode()


@pytest.fixture
def viewer(tmp_path):
    port = _free_port()
    log = open(tmp_path / "view.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "view", "--port", str(port)]
        + ["--results", str(tmp_path / "results")],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while not _healthy(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail((tmp_path / "view.log").read_text())
        time.sleep(0.3)
    yield proc, port
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group
    except ProcessLookupError:
        pass
    proc.wait()
    log.close()


def test_sigterm_stops_the_server_too(viewer):
    proc, port = viewer
    os.kill(proc.pid, signal.SIGTERM)  # the launcher only, as a service manager would
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    with pytest.raises(ProcessLookupError):  # no process of its group is left
        os.killpg(proc.pid, 0)
    assert not _healthy(port)


def test_foreign_host_is_refused(viewer):
    _, port = viewer
    assert " 101 " in _upgrade(port, f"{HOST}:{port}", f"http://{HOST}:{port}")
    assert " 101 " in _upgrade(port, f"localhost:{port}", f"http://localhost:{port}")
    foreign = _upgrade(port, f"rebind.example:{port}", f"http://rebind.example:{port}")
    assert foreign and " 101 " not in foreign
