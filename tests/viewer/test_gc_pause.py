"""The cyclic collector paused while a viewer opens a URL: back on when resumed, after a delay,
or at the deadline; a collector turned off by the caller stays off."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest

from rerun_core import gc_pause


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc_pause.resume()
    gc.enable()


def test_pause_then_resume() -> None:
    assert gc_pause.pause()
    assert not gc.isenabled() and gc_pause.paused()
    gc_pause.resume()
    assert gc.isenabled() and not gc_pause.paused()
    gc_pause.resume()  # nothing in force: nothing happens
    assert gc.isenabled()


def test_resume_after_a_delay() -> None:
    gc_pause.pause()
    gc_pause.resume(0.2)
    assert not gc.isenabled()  # not yet
    deadline = time.monotonic() + 10
    while not gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert gc.isenabled() and not gc_pause.paused()


def test_the_deadline_resumes() -> None:
    gc_pause.pause(max_s=0.1)
    deadline = time.monotonic() + 10
    while not gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    assert not gc_pause.pause()
    gc_pause.resume()
    assert not gc.isenabled()


def test_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RERUN_GC_PAUSE", "0")
    assert not gc_pause.pause()
    assert gc.isenabled()


def test_a_timer_replaced_as_it_fires_does_not_end_the_later_pause() -> None:
    """A resume timer that fires just as a new `pause` replaces it (it waited for the lock) leaves
    that new pause in force."""
    gc_pause.pause()
    gc_pause.resume(60.0)
    stale = gc_pause._timer
    assert stale is not None
    gc_pause.pause()  # a second viewer opens: its pause replaces the timer
    stale.function(*stale.args, **stale.kwargs)  # what the replaced timer runs, had it fired then
    assert not gc.isenabled() and gc_pause.paused()


def test_frames_after_the_first_do_not_put_the_resume_off() -> None:
    """A viewer resumes after each frame it draws (``resume(delay)``); frames coming faster than
    the delay (playback) must not push the collector's return further and further out."""
    gc_pause.pause()
    deadline = time.monotonic() + 10.0
    while not gc.isenabled() and time.monotonic() < deadline:
        gc_pause.resume(0.3)  # a frame every 50 ms
        time.sleep(0.05)
    assert gc.isenabled() and not gc_pause.paused()
