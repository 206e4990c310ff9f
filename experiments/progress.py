"""Progress on stderr: a bar with its total on a terminal, plain lines in a redirected log.

A log file gets no carriage returns: each update (a finished chunk, or a run on the
reference engine) is one line with the count, the total and the elapsed time.

Ctrl-C is remembered as well as raised: a library that catches the ``KeyboardInterrupt`` (SimPy
turns one inside a process into a failed event, which a finished run never re-raises) cannot
lose it, because the next progress update raises it again. Python reports an exception raised
in a finaliser or weakref callback as "Exception ignored in ..." with a traceback; a remembered
Ctrl-C that lands there is silenced, since it will be raised again anyway.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from typing import TextIO

__all__ = ["Progress", "catch_interrupts", "interrupt_requested", "is_terminal"]

_INTERRUPTED = threading.Event()


def _on_sigint(signum: int, frame: object) -> None:
    _INTERRUPTED.set()
    raise KeyboardInterrupt


def _quiet_unraisable(hook):
    """Wrap ``sys.unraisablehook`` so a remembered Ctrl-C prints no traceback."""

    def quiet(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _INTERRUPTED.is_set():
            return
        hook(unraisable)

    quiet.wraps_original = hook  # type: ignore[attr-defined]
    return quiet


def catch_interrupts() -> None:
    """Remember Ctrl-C (and still raise it) so that no library can swallow it.

    Leaves SIGINT alone when the process was started with it ignored (a background job) or
    when called outside the main thread.
    """
    _INTERRUPTED.clear()
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)
    if not hasattr(sys.unraisablehook, "wraps_original"):
        sys.unraisablehook = _quiet_unraisable(sys.unraisablehook)


def interrupt_requested() -> bool:
    """Whether Ctrl-C arrived since ``catch_interrupts``."""
    return _INTERRUPTED.is_set()


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal (bars and carriage returns are fine)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Counts finished runs out of ``total``; ``note`` prints a message line."""

    def __init__(self, total: int, unit: str = "runs", stream: TextIO | None = None) -> None:
        self.total, self.unit, self.done = total, unit, 0
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.perf_counter()
        self.bar = None
        if is_terminal(self.stream):
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                unit=unit.rstrip("s"),
                file=self.stream,
                dynamic_ncols=True,
                leave=False,
            )

    def update(self, n: int) -> None:
        if interrupt_requested():
            raise KeyboardInterrupt
        if not n:
            return
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        pct = 100.0 * self.done / self.total if self.total else 100.0
        elapsed = time.perf_counter() - self.start
        print(
            f"{self.unit} {self.done}/{self.total} ({pct:.0f}%), {elapsed:.0f} s",
            file=self.stream,
            flush=True,
        )

    def note(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
