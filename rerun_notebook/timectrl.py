"""Time control: which timeline, where the cursor is, playback, and following the newest data.

Kept free of widgets and renderers so it can be tested with plain dictionaries of time ranges.
As in Rerun, the cursor follows the newest data until the user scrubs or pauses, and reaching
the end while playing switches back to following (or wraps around when looping).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEQUENCE_FPS = 30.0  # sequence timelines advance this many steps per second at speed 1
_NON_USER_TIMELINES = ("log_time", "log_tick")


def default_timeline(kinds: dict[str, str]) -> str | None:
    """The first user timeline by name, else log_time, as the viewer picks by default."""
    user = sorted(name for name in kinds if name not in _NON_USER_TIMELINES)
    if user:
        return user[0]
    for name in _NON_USER_TIMELINES:
        if name in kinds:
            return name
    return None


@dataclass
class TimeControl:
    timeline: str | None = None
    time: int | None = None
    playing: bool = False
    following: bool = True
    looping: bool = False
    speed: float = 1.0
    kinds: dict[str, str] = field(default_factory=dict)  # timeline -> sequence/duration/timestamp
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)  # drained by the session
    _carry: float = 0.0
    _last_tick: float | None = None
    _user_timeline: bool = False

    # --- data ------------------------------------------------------------------------------

    def update_ranges(self, kinds: dict[str, str], ranges: dict[str, tuple[int, int]]) -> bool:
        """New data arrived; returns True when the cursor moved as a result."""
        self.kinds, self.ranges = dict(kinds), dict(ranges)
        before = (self.timeline, self.time)
        if self.timeline not in kinds or not self._user_timeline:
            picked = default_timeline(kinds)
            if picked != self.timeline:
                self._switch(picked, emit=self.timeline is not None or picked is not None)
        rng = self.ranges.get(self.timeline or "")
        if rng is not None:
            if self.following and not self.playing:
                self.time = rng[1]
            elif self.time is None:
                self.time = rng[0]
        return (self.timeline, self.time) != before

    # --- user actions ----------------------------------------------------------------------

    def set_timeline(self, name: str) -> None:
        self._user_timeline = True
        if name != self.timeline:
            self._switch(name, emit=True)

    def seek(self, time: int | float) -> None:
        """Scrubbing stops following, as dragging Rerun's time cursor does."""
        self.following = False
        self._set_time(int(time))

    def play(self) -> None:
        if not self.playing:
            self.playing = True
            self.following = False
            rng = self.ranges.get(self.timeline or "")
            if rng is not None and self.time is not None and self.time >= rng[1]:
                self.time = rng[0]  # play from the start when parked at the end
            self._last_tick = None
            self._emit("play")

    def pause(self) -> None:
        if self.playing:
            self.playing = False
            self.following = False
            self._emit("pause")

    def follow(self) -> None:
        """Jump to the newest data and stay there while more arrives."""
        self.playing = False
        self.following = True
        rng = self.ranges.get(self.timeline or "")
        if rng is not None:
            self._set_time(rng[1])

    def set_speed(self, speed: float) -> None:
        self.speed = max(0.01, float(speed))

    def set_loop(self, looping: bool) -> None:
        self.looping = bool(looping)

    # --- playback ----------------------------------------------------------------------------

    def advance(self, now: float) -> bool:
        """Move the cursor while playing; True when it moved."""
        if not self.playing or self.time is None:
            self._last_tick = now
            return False
        rng = self.ranges.get(self.timeline or "")
        last, self._last_tick = self._last_tick, now
        if rng is None or last is None:
            return False
        rate = SEQUENCE_FPS if self.kinds.get(self.timeline or "") == "sequence" else 1e9
        self._carry += (now - last) * rate * self.speed
        step = int(self._carry)
        if step == 0:
            return False
        self._carry -= step
        new = self.time + step
        if new > rng[1]:
            if self.looping:
                new = rng[0]
            else:
                self.playing = False
                self.following = True
                self._emit("pause")
                new = rng[1]
        self._set_time(new)
        return True

    # --- helpers ---------------------------------------------------------------------------

    def _switch(self, name: str | None, *, emit: bool) -> None:
        self.timeline = name
        rng = self.ranges.get(name or "")
        self.time = None if rng is None else (rng[1] if self.following else rng[0])
        if emit and name is not None:
            self._emit("timeline_change", timeline=name, time=self.time if self.time is not None else 0)

    def _set_time(self, time: int) -> None:
        if time != self.time:
            self.time = time
            self._emit("time_update", time=time)

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
            "playing": self.playing,
            "following": self.following,
            "looping": self.looping,
            "speed": self.speed,
            "timelines": [
                {"name": n, "kind": k, "range": self.ranges.get(n)} for n, k in sorted(self.kinds.items())
            ],
        }
