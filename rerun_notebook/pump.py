"""The frame pump: a rate-limited worker thread that pushes frames to the browser.

Frames are pulled by acknowledgements, as jupyter_rfb does: at most `max_in_flight` frames go
out beyond the last one the browser acknowledged, and nothing goes out while no view of the
widget is visible. A cell that logs in a long loop keeps the kernel's main thread busy, so the
browser's acks cannot be read until it ends; after `stall_timeout` without an ack the pump sends
one more frame anyway, so such a cell still updates the view at a few frames per second.

JPEG while the picture changes frame after frame, a lossless PNG once it has been still for
`still_delay` seconds (an isolated change goes straight out as PNG).

Latency: when the last full-resolution frame took longer than `preview_above` seconds (a big
point cloud on a software rasterizer), a change first goes out as a cheap preview (the
source's reduced rendering, as while dragging: lower resolution, strided point subsets) in
JPEG, and the lossless full-resolution frame follows once the picture has been still for
`still_delay` (or for as long as a full frame takes, if longer). So new data shows up within
one cheap frame instead of one slow one. Before any full frame (its cost unknown), the source's
``preview_pays()``, where it has one, says whether the first frame goes out as a preview too
(then the full frame right after it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .encoding import EncodedFrame, encode

log = logging.getLogger(__name__)

SendFn = Callable[[dict[str, Any], list[bytes]], None]


class FrameSource(Protocol):
    """What the pump draws from (the viewer session, or a fake in tests)."""

    def prepare(self, now: float) -> bool:
        """Apply pending input, playback and new data; True when the picture changed."""
        ...

    def render(self, *, lowres: bool = False) -> np.ndarray | None:
        """Draw the current picture as (H, W, 4) uint8, or None when there is nothing to draw.

        ``lowres``: a quick reduced preview is enough; the pump sends the full frame later."""
        ...

    # Optional: ``preview_pays() -> bool``, whether the first frame (no full frame drawn yet, so
    # its cost is unknown) should go out as a preview first (big point clouds on lavapipe).


@dataclass
class PumpStats:
    sent_frames: int = 0
    lossless_frames: int = 0
    preview_frames: int = 0
    acked_frames: int = 0
    stalled_sends: int = 0
    bytes_sent: int = 0
    render_s: float = 0.0
    encode_s: float = 0.0
    roundtrip_s: float = 0.0
    send_times: dict[int, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, float]:
        n = max(self.sent_frames, 1)
        return {
            "sent_frames": self.sent_frames,
            "lossless_frames": self.lossless_frames,
            "preview_frames": self.preview_frames,
            "acked_frames": self.acked_frames,
            "stalled_sends": self.stalled_sends,
            "bytes_sent": self.bytes_sent,
            "render_ms": 1000 * self.render_s / n,
            "encode_ms": 1000 * self.encode_s / n,
            "roundtrip_ms": 1000 * self.roundtrip_s / max(self.acked_frames, 1),
        }


class FramePump:
    """Decides when a frame goes out and how it is encoded; `tick()` is one step of the loop."""

    def __init__(
        self,
        source: FrameSource,
        send: SendFn,
        *,
        max_in_flight: int = 2,
        max_fps: float = 30.0,
        still_delay: float = 0.3,
        stall_timeout: float = 0.25,
        idle_poll: float = 0.05,
        lowres_while_moving: bool = False,
        preview_above: float | None = 0.05,
        clock: Callable[[], float] = time.monotonic,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._source = source
        self._send = send
        self.max_in_flight = max_in_flight
        self.max_fps = max_fps
        self.still_delay = still_delay
        self.stall_timeout = stall_timeout
        self.idle_poll = idle_poll
        self.lowres_while_moving = lowres_while_moving
        self.preview_above = preview_above  # None: never preview
        self._clock = clock
        self._timer = timer
        self._full_cost: float | None = None  # seconds the last full-resolution render took
        self._preview_cost: float | None = None  # ... and the last preview
        self._first_preview_sent = False  # a preview went out before any full frame
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._visible: set[str] = set()
        self._index = 0  # last frame sent
        self._acked = 0  # highest frame acknowledged
        self._last_ack_time = -1e9
        self._last_send_time = -1e9
        self._dirty = True
        self._last_change = -1e9
        self._prev_change = -1e9
        self._refine_pending = False  # the last frame sent was lossy or low-res
        self.stats = PumpStats()

    # --- inputs (any thread) -------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        return self._index - self._acked

    @property
    def visible(self) -> bool:
        return bool(self._visible)

    def set_visible(self, view_id: str, visible: bool) -> None:
        """A browser view reports whether it is on screen; frames go out while any one is."""
        with self._lock:
            if visible and view_id not in self._visible:
                self._dirty = True  # a view that (re)appears needs the current picture
            if visible:
                self._visible.add(view_id)
            else:
                self._visible.discard(view_id)
        self.wake()

    def ack(self, index: int, now: float | None = None) -> None:
        with self._lock:
            if index > self._acked:
                now = self._clock() if now is None else now
                for i in range(self._acked + 1, index + 1):
                    sent = self.stats.send_times.pop(i, None)
                    if sent is not None:
                        self.stats.roundtrip_s += now - sent
                        self.stats.acked_frames += 1
                self._acked = min(index, self._index)
                self._last_ack_time = now
        self.wake()

    def request(self) -> None:
        """Something changed (new data, a resize): draw at the next slot."""
        with self._lock:
            self._dirty = True
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    # --- the loop --------------------------------------------------------------------------

    def _can_send(self, now: float) -> tuple[bool, bool]:
        """(may send now, is this a stall-override send)."""
        if now - self._last_send_time < 1.0 / self.max_fps:
            return False, False
        if self.in_flight < self.max_in_flight:
            return True, False
        quiet_since = max(self._last_ack_time, self._last_send_time)
        return now - quiet_since >= self.stall_timeout, True

    def tick(self, now: float | None = None) -> bool:
        """One step: let the source catch up, then maybe render, encode and send. True if sent."""
        now = self._clock() if now is None else now
        changed = self._source.prepare(now)
        first_heavy = self._first_is_heavy(changed)  # outside the lock: it may wait for the GPU
        with self._lock:
            if changed:
                self._dirty = True
                if self._visible:  # changes while hidden are not motion the viewer saw
                    self._prev_change, self._last_change = self._last_change, now
            if not self._visible:
                return False
            ok, stalled = self._can_send(now)
            if not ok:
                return False
            refine = False
            if self._dirty:
                streaming = self._last_change - self._prev_change < self.still_delay
                lossless = not (streaming and now - self._last_change < self.still_delay)
            elif self._refine_pending and now - self._last_change >= self._quiet_needed():
                lossless = refine = True
            else:
                return False
            self._dirty = False
            preview = not refine and self._full_is_slow(first_heavy)
            lowres = preview or (self.lowres_while_moving and not lossless)
        return self._draw_and_send(now, lossless=lossless and not preview, lowres=lowres, stalled=stalled)

    def _quiet_needed(self) -> float:
        """Stillness before the lossless frame: `still_delay`, or as long as a full frame takes,
        so data arriving every second into a huge scene is not held up behind full renders."""
        return max(self.still_delay, self._full_cost or 0.0) if self._full_is_slow() else self.still_delay

    def _first_is_heavy(self, changed: bool) -> bool:
        """Before any full frame (its cost unknown): does the source say a preview pays?"""
        if self._full_cost is not None or self._first_preview_sent or self.preview_above is None:
            return False
        if not (self._visible and (changed or self._dirty)):
            return False
        pays = getattr(self._source, "preview_pays", None)
        return bool(pays()) if pays is not None else False

    def _full_is_slow(self, first_heavy: bool = False) -> bool:
        """Would a full frame now miss the latency budget while a preview is clearly cheaper?"""
        full, quick = self._full_cost, self._preview_cost
        if self.preview_above is None:
            return False
        if full is None:  # no full frame yet: as the source said (after one preview: full next)
            return first_heavy and not self._first_preview_sent
        if full <= self.preview_above:
            return False
        return quick is None or quick < 0.7 * full

    def _draw_and_send(self, now: float, *, lossless: bool, lowres: bool, stalled: bool) -> bool:
        t0 = self._timer()
        array = self._source.render(lowres=lowres)
        t1 = self._timer()
        if array is None:
            return False
        if lowres and self._full_cost is None:  # its cost includes the first frame's one-offs
            self._first_preview_sent = True
        elif lowres:
            self._preview_cost = t1 - t0
        else:
            self._full_cost = t1 - t0
        frame = encode(array, lossless=lossless)
        t2 = self._timer()
        with self._lock:
            self._index += 1
            index = self._index
            self._last_send_time = now
            self._refine_pending = not lossless or lowres
            st = self.stats
            st.sent_frames += 1
            st.lossless_frames += int(lossless)
            st.preview_frames += int(lowres)
            st.stalled_sends += int(stalled)
            st.bytes_sent += len(frame.data)
            st.render_s += t1 - t0
            st.encode_s += t2 - t1
            st.send_times[index] = now
            if len(st.send_times) > 64:
                st.send_times.pop(next(iter(st.send_times)))
        self._send(frame_message(frame, index), [frame.data])
        return True

    def _next_timeout(self) -> float:
        with self._lock:
            busy = self._dirty or self._refine_pending
        return min(self.idle_poll, 1.0 / self.max_fps) if busy else self.idle_poll

    def _run(self) -> None:
        _warm_up_encoders()
        while not self._closed:
            try:
                self.tick()
            except Exception:  # a broken frame must not kill the widget's pump for good
                log.exception("rerun notebook: drawing a frame failed")
                time.sleep(0.5)
            self._wake.wait(self._next_timeout())
            self._wake.clear()

    def start(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name="rerun-frame-pump", daemon=True)
            self._thread.start()

    def close(self, timeout: float = 2.0) -> None:
        self._closed = True
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)


def _warm_up_encoders() -> None:
    """Pillow loads its JPEG plugin on first use (~0.1 s): pay that before the first preview."""
    try:
        encode(np.zeros((8, 8, 4), np.uint8), lossless=False)
    except Exception:  # only a warm-up: the real frame reports real errors
        log.debug("warming up the JPEG encoder failed", exc_info=True)


def frame_message(frame: EncodedFrame, index: int) -> dict[str, Any]:
    """The JSON half of a frame message; the encoded bytes travel as its one binary buffer."""
    return {
        "type": "frame",
        "index": index,
        "mime": frame.mime,
        "width": frame.width,
        "height": frame.height,
        "timestamp": time.time(),
    }
