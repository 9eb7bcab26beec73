"""Telling a real Ctrl-C from a ``KeyboardInterrupt`` that plugin code raises itself, and
saying where a plugin failed without repeating what it said."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_interrupts_tracked = False
_interrupt_received = False


def plugin_failure(exc: BaseException) -> bool:
    """Whether ``exc``, raised by plugin code, is the plugin's failure rather than the user's.

    Every exception is, ``SystemExit`` and ``GeneratorExit`` included: a plugin must not end
    the process. ``KeyboardInterrupt`` is a real Ctrl-C only when the process received SIGINT
    while :func:`tracking_interrupts` was active; one a plugin raised itself is its failure.
    Outside tracking (an embedding program) a ``KeyboardInterrupt`` is always passed on.
    """
    if isinstance(exc, KeyboardInterrupt):
        return _interrupts_tracked and not _interrupt_received
    return True


@contextmanager
def tracking_interrupts() -> Iterator[None]:
    """Tell a real Ctrl-C (SIGINT) from a ``KeyboardInterrupt`` that plugin code raises.

    Installs a SIGINT handler that notes the signal and raises ``KeyboardInterrupt`` as
    Python's default does; restores the previous handler on exit. Outside the main thread,
    or when SIGINT is not handled the default way, nothing is installed and nothing tracked.
    """
    global _interrupts_tracked, _interrupt_received
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return

    def note(signum: int, frame: object) -> None:
        global _interrupt_received
        _interrupt_received = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    _interrupts_tracked, _interrupt_received = True, False
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _interrupts_tracked = False


def where_raised(exc: BaseException) -> str:
    """``ValueError at plugins/x.py:12`` (in plugin ``x``): the exception's class and place,
    never its text, which may carry case data."""
    import traceback

    from .plugins import plugin_of

    frames = traceback.extract_tb(exc.__traceback__)
    text = type(exc).__name__
    if frames:
        text += f" at {frames[-1].filename}:{frames[-1].lineno}"
    plugin = next((p for f in reversed(frames) if (p := plugin_of(f.filename))), None)
    return text + (f" (in plugin {plugin})" if plugin else "")
