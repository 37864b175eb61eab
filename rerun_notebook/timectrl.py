"""Time control: which timeline, where the cursor is, playback, looping and following new data.

Kept free of widgets and renderers so it can be tested with plain dictionaries of time ranges.
The semantics are Rerun 0.41's `TimeControl`:

- Play states: paused, playing, following (= playing at the newest data). Following is the
  default; new data moves the cursor only while following. Space toggles play / pause and never
  turns following back on; any explicit seek leaves following.
- Play from the end restarts at the beginning. Reaching the end while playing with loop off
  pauses there, unless more data is coming (then it waits at the end, still playing).
- Loop modes: off, selection (the user's time range on this timeline), all. Turning a loop on
  while following switches to playing; following turns looping off.
- Step back / forward go to the previous / next time with data (wrapping around; inside the
  loop selection when looping it), and pause.
- Sequence timelines play at `fps` frames per second (per timeline, default 30) times the
  speed; temporal timelines play in real time times the speed.

One deliberate difference: scrubbing (seek) also drops the follow flag, so play resumes from the
scrubbed time rather than jumping back to the newest data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from rerun_core.viewer.timelines import default_timeline

DEFAULT_FPS = 30.0  # Rerun's default playback rate for sequence timelines
SEQUENCE_FPS = DEFAULT_FPS  # kept for older imports
LOOP_MODES = ("off", "selection", "all")
MAX_DT = 0.25  # seconds of wall time one playback tick may cover (a stalled kernel does not jump)


class TimeIndex(Protocol):
    """Exact data times on a timeline, for stepping (see `time_ticks.TimeTicks`)."""

    def next_after(self, timeline: str, t: int) -> int | None: ...

    def prev_before(self, timeline: str, t: int) -> int | None: ...


@dataclass
class TimeControl:
    timeline: str | None = None
    time: int | None = None
    playing: bool = True
    following: bool = True
    loop_mode: str = "off"
    speed: float = 1.0
    more_data_coming: bool = False  # set by the session while data keeps arriving
    kinds: dict[str, str] = field(default_factory=dict)  # timeline -> sequence/duration/timestamp
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    fps_by_timeline: dict[str, float] = field(default_factory=dict)
    selections: dict[str, tuple[int, int]] = field(default_factory=dict)  # loop selection per timeline
    events: list[dict[str, Any]] = field(default_factory=list)  # drained by the session
    _saved: dict[str, int] = field(default_factory=dict)  # cursor per timeline, kept across switches
    _carry: float = 0.0
    _last_tick: float | None = None
    _user_timeline: bool = False
    _pending: bool = False  # the user's timeline has no data yet: kept until it has (Rerun's Pending)

    # --- derived state ----------------------------------------------------------------------

    @property
    def play_state(self) -> str:
        if not self.playing:
            return "paused"
        return "following" if self.following else "playing"

    @property
    def looping(self) -> bool:
        return self.loop_mode != "off"

    @property
    def fps(self) -> float:
        return self.fps_by_timeline.get(self.timeline or "", DEFAULT_FPS)

    @property
    def range(self) -> tuple[int, int] | None:
        return self.ranges.get(self.timeline or "")

    @property
    def loop_selection(self) -> tuple[int, int] | None:
        return self.selections.get(self.timeline or "")

    def loop_range(self) -> tuple[int, int] | None:
        """The range playback wraps around in, if looping."""
        if self.loop_mode == "all":
            return self.range
        if self.loop_mode == "selection":
            return self.loop_selection
        return None

    # --- data ------------------------------------------------------------------------------

    def update_ranges(
        self, kinds: dict[str, str], ranges: dict[str, tuple[int, int]], counts: dict[str, int] | None = None
    ) -> bool:
        """New data arrived (`counts`: rows per timeline); returns True when the cursor moved."""
        self.kinds, self.ranges = dict(kinds), dict(ranges)
        before = (self.timeline, self.time)
        if self._pending and self.timeline in kinds:
            self._pending = False
        if not self._pending and (self.timeline not in kinds or not self._user_timeline):
            picked = default_timeline(kinds, counts)
            if picked != self.timeline:
                self._switch(picked, emit=self.timeline is not None or picked is not None)
        rng = self.range
        if rng is not None:
            if self.play_state == "following" and self.time is not None:
                self._set_time(rng[1])  # a time_update, as Rerun reports every cursor move
            elif self.play_state == "following":
                self.time = rng[1]
            elif self.time is None:
                self.time = rng[1] if self.following else rng[0]
        return (self.timeline, self.time) != before

    # --- user actions ----------------------------------------------------------------------

    def set_timeline(self, name: str) -> None:
        """The user's pick; one without data yet stays until its data arrives, as in Rerun."""
        self._user_timeline = True
        self._pending = name not in self.kinds
        if name != self.timeline:
            self._switch(name, emit=True)

    def seek(self, time: int | float) -> None:
        """Scrubbing pauses and stops following, as dragging Rerun's time cursor does."""
        self.pause()
        self.following = False
        self._set_time(int(time))

    def play(self) -> None:
        """Playing (not following); from the start when parked at the end."""
        rng = self.range
        if rng is not None and (self.time is None or self.time >= rng[1]):
            self._set_time(rng[0])
        self.following = False
        self._set_playing(True)

    def pause(self) -> None:
        self._set_playing(False)

    def toggle(self) -> None:
        """Space: pause, or play (from the start at the end); never back to following (0.31.3)."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def resume(self) -> None:
        """Playing again where the cursor is, after a scrub paused it for the drag (Rerun 0.33.1)."""
        self.following = False
        self._set_playing(True)

    def follow(self) -> None:
        """Jump to the newest data and stay there while more arrives (looping turns off)."""
        self.following = True
        self.loop_mode = "off"
        rng = self.range
        if rng is not None:
            self._set_time(rng[1])
        self._set_playing(True)

    def restart(self) -> None:
        """Back to the beginning, keeping the play state (following stops)."""
        rng = self.range
        if rng is not None:
            self.following = False
            self._set_time(rng[0])

    def step(self, forward: bool, index: TimeIndex) -> None:
        """To the next / previous time with data (wrapping; inside the loop selection), paused."""
        rng, tl = self.range, self.timeline
        if rng is None or tl is None:
            return
        self.pause()
        self.following = False
        t = self.time if self.time is not None else rng[0]
        sel = self.loop_selection if self.loop_mode == "selection" else None
        if sel is not None:
            new = _step_looped(forward, t, sel, tl, index, rng)
        else:
            new = _step(forward, t, tl, index, rng)
        self._set_time(new)

    def move(self, steps: int) -> None:
        """Arrow keys: a frame (sequence) or 0.1 s (temporal) per step, paused, within the data."""
        rng = self.range
        if rng is None or self.time is None:
            return
        unit = 1 if self.kinds.get(self.timeline or "") == "sequence" else 100_000_000
        self.pause()
        self.following = False
        self._set_time(min(rng[1], max(rng[0], self.time + int(steps) * unit)))

    def set_speed(self, speed: float) -> None:
        self.speed = min(100.0, max(0.01, float(speed)))

    def set_fps(self, fps: float) -> None:
        fps = float(fps)
        if not fps > 0:
            raise ValueError(f"fps must be positive, got {fps}")
        if self.timeline is not None:
            self.fps_by_timeline[self.timeline] = min(1000.0, fps)

    def set_loop(self, looping: bool | str) -> None:
        """True/False (loop all / off, the old toggle) or a mode name."""
        self.set_loop_mode(looping if isinstance(looping, str) else ("all" if looping else "off"))

    def set_loop_mode(self, mode: str) -> None:
        if mode not in LOOP_MODES:
            raise ValueError(f"unknown loop mode {mode!r} (expected one of {', '.join(LOOP_MODES)})")
        if mode == self.loop_mode:
            return
        self.loop_mode = mode
        if mode != "off":
            if self.play_state == "following":
                self.play()
            self.following = False  # following makes no sense while looping

    def set_loop_selection(self, selection: Any, *, activate: bool = True) -> None:
        """The time range to loop in on this timeline (None removes it); dragging one loops it."""
        if self.timeline is None:
            return
        if selection is None:
            self.selections.pop(self.timeline, None)
            if self.loop_mode == "selection":
                self.loop_mode = "off"
            return
        a, b = (int(v) for v in selection)
        self.selections[self.timeline] = (min(a, b), max(a, b))
        if activate:
            self.set_loop_mode("selection")

    # --- playback ----------------------------------------------------------------------------

    def advance(self, now: float) -> bool:
        """Move the cursor while playing; True when it moved (or playback stopped)."""
        last, self._last_tick = self._last_tick, now
        if self.play_state != "playing" or self.time is None:
            return False
        rng = self.range
        if rng is None or last is None:
            return False
        loop = self.loop_range()  # a selection mode without a selection plays as loop off
        if loop is None and self.time >= rng[1]:
            return self._at_the_end(rng)
        dt = min(max(0.0, now - last), MAX_DT) * self.speed
        rate = self.fps if self.kinds.get(self.timeline or "") == "sequence" else 1e9
        self._carry += dt * rate
        step = int(self._carry + 1e-9)  # float sums of dt land a hair short of whole frames
        if step == 0:
            return False
        self._carry -= step
        new = self.time + step
        if loop is not None and new > loop[1]:
            new = loop[0]  # loop!
        if loop is None and new >= rng[1]:
            self._set_time(rng[1])
            self._at_the_end(rng)
            return True
        self._set_time(new)
        return True

    def _at_the_end(self, rng: tuple[int, int]) -> bool:
        """Loop off and at the end: wait for more data if it is coming, else pause."""
        self._set_time(rng[1])
        if not self.more_data_coming:
            self.pause()
            return True
        return False

    # --- helpers ---------------------------------------------------------------------------

    def _at_end(self) -> bool:
        rng = self.range
        return rng is not None and self.time is not None and self.time >= rng[1]

    def _switch(self, name: str | None, *, emit: bool) -> None:
        if self.timeline is not None and self.time is not None:
            self._saved[self.timeline] = self.time
        self.timeline = name
        rng = self.ranges.get(name or "")
        saved = self._saved.get(name or "")
        if self.play_state == "following" and rng is not None:
            self.time = rng[1]
        elif saved is not None:
            self.time = saved
        else:
            self.time = None if rng is None else (rng[1] if self.following else rng[0])
        self._carry = 0.0
        if emit and name is not None:
            self._emit("timeline_change", timeline=name, time=self.time if self.time is not None else 0)

    def _set_time(self, time: int) -> None:
        if time != self.time:
            self.time = time
            self._emit("time_update", time=time)

    def _set_playing(self, playing: bool) -> None:
        if playing != self.playing:
            self.playing = playing
            self._carry = 0.0
            self._emit("play" if playing else "pause")

    def _emit(self, kind: str, **fields: Any) -> None:
        self.events.append({"type": kind, **fields})
        if len(self.events) > 256:  # nobody drains while hidden: keep the newest only
            del self.events[:-256]

    def drain_events(self) -> list[dict[str, Any]]:
        events, self.events = self.events, []
        return events

    def state(self) -> dict[str, Any]:
        """What the time panel in the browser shows."""
        return {
            "timeline": self.timeline,
            "time": self.time,
            "play_state": self.play_state,
            "playing": self.play_state == "playing",
            "following": self.play_state == "following",
            "looping": self.looping,
            "loop_mode": self.loop_mode,
            "loop_selection": list(self.loop_selection) if self.loop_selection else None,
            "speed": self.speed,
            "fps": self.fps,
            "timelines": [
                {"name": n, "kind": k, "range": self.ranges.get(n)} for n, k in sorted(self.kinds.items())
            ],
        }


def _step(forward: bool, t: int, tl: str, index: TimeIndex, rng: tuple[int, int]) -> int:
    """Rerun's step: the next/previous data time, wrapping to the first/last."""
    if forward:
        nxt = index.next_after(tl, t)
        return rng[0] if nxt is None else nxt
    prev = index.prev_before(tl, t)
    return rng[1] if prev is None else prev


def _step_looped(
    forward: bool, t: int, sel: tuple[int, int], tl: str, index: TimeIndex, rng: tuple[int, int]
) -> int:
    """Stepping while looping a selection: wrap at the selection's ends."""
    lo, hi = sel
    if forward:
        if t < lo or hi <= t:
            return lo
        nxt = index.next_after(tl, t)
        return nxt if nxt is not None and nxt <= hi else _step(True, t, tl, index, rng)
    if t <= lo or hi < t:
        return hi
    prev = index.prev_before(tl, t)
    return prev if prev is not None and prev >= lo else _step(False, t, tl, index, rng)


def apply_action(tc: TimeControl, action: str, value: Any, index: TimeIndex) -> None:
    """One time-panel action from the browser (or `Viewer` API); unknown ones are an error."""
    actions: dict[str, Callable[[], None]] = {
        "play": tc.play,
        "pause": tc.pause,
        "toggle": tc.toggle,
        "follow": tc.follow,
        "restart": tc.restart,
        "seek": lambda: tc.seek(float(value)),
        "step": lambda: tc.step(value != "back", index),
        "move": lambda: tc.move(int(value)),
        "resume": tc.resume,
        "beginning": tc.restart,  # Rerun's "Start of timeline"
        "end": tc.follow,  # "End of timeline": go there and follow the data as it streams in
        "timeline": lambda: tc.set_timeline(str(value)),
        "speed": lambda: tc.set_speed(float(value)),
        "fps": lambda: tc.set_fps(float(value)),
        "loop": lambda: tc.set_loop(value if isinstance(value, str) else bool(value)),
        "loop_mode": lambda: tc.set_loop_mode(str(value)),
        "loop_selection": lambda: tc.set_loop_selection(value),
    }
    if action not in actions:
        raise ValueError(f"unknown time action {action!r} (known: {', '.join(sorted(actions))})")
    actions[action]()
