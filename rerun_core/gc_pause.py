"""Python's cyclic garbage collector held off while a fresh viewer opens a server segment.

A viewer opening a URL imports a few hundred modules and builds its renderer in the same second
as it fetches and draws. Every object those imports leave behind is tracked by the collector, and
its collections walk them again and again: measured at 0.25-0.45 s of collections between
``Viewer(url=)`` and the first frame (two full collections of 0.06-0.2 s each, twenty of the
middle generation), out of a 1.5-2 s open.

``pause()`` (`PlanPrefetch`, as the viewer starts opening) turns the collector off; ``resume()``
turns it back on: just after the viewer's first frame that drew a view (when the renderer warm-up's
hold ends too), when the open is abandoned, or ``PAUSE_S`` after the pause at the latest.
Reference counting frees memory as always meanwhile; only garbage in reference cycles waits for
the next collection. A collector that was already off stays off (the caller's choice), and
``RERUN_GC_PAUSE=0`` turns the pause off.
"""

from __future__ import annotations

import gc
import os
import threading
import time

PAUSE_S = 10.0  # at most this long, should no first frame come (a window, an error)

_lock = threading.Lock()
_timer: threading.Timer | None = None
_due = 0.0  # when ``_timer`` ends the pause (time.monotonic)


def pause(max_s: float = PAUSE_S) -> bool:
    """Turn the collector off until `resume()` or ``max_s``; False when it was off already."""
    if os.environ.get("RERUN_GC_PAUSE", "1") == "0":
        return False
    with _lock:
        if _timer is not None:  # paused by us already: the later deadline holds
            _timer.cancel()
        elif not gc.isenabled():
            return False
        gc.disable()
        _start_timer(max_s)
        return True


def resume(delay: float = 0.0) -> None:
    """End a `pause()` (nothing if none is in force), now or ``delay`` seconds from now (or
    sooner, where an earlier call already made it due sooner).

    The first collection after a pause walks every object made during it (0.05-0.1 s after a
    viewer's imports): a viewer that has just drawn its first frame resumes a moment later, so
    that collection does not hold up the frame's encoding and sending."""
    global _timer
    with _lock:
        if _timer is None:
            return
        if delay > 0 and _due <= time.monotonic() + delay:
            return  # due as soon already: frames coming faster than ``delay`` do not put it off
        _timer.cancel()
        if delay > 0:
            _start_timer(delay)
            return
        _timer = None
        gc.enable()


def _start_timer(delay: float) -> None:
    """`_expire` in ``delay`` seconds (the caller holds ``_lock``)."""
    global _timer, _due
    timer = threading.Timer(delay, _expire)
    timer.args = (timer,)
    timer.name = "rerun-gc-resume"
    timer.daemon = True
    _timer, _due = timer, time.monotonic() + delay
    timer.start()


def _expire(timer: threading.Timer) -> None:
    """A timer's end: the pause ends, unless a later `pause` or `resume` replaced that timer (a
    timer that fired as it was cancelled must not end the pause that came after it)."""
    global _timer
    with _lock:
        if _timer is timer:
            _timer = None
            gc.enable()


def paused() -> bool:
    """Whether a `pause()` is in force."""
    return _timer is not None
