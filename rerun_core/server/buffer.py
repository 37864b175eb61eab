"""The proxy's replay buffer: every message received, bounded by a memory limit.

Late viewers get the history first (store infos, then static chunks, then temporal chunks in
arrival order) and then everything new. When the buffer exceeds its limit the oldest temporal
messages are dropped; store infos, static chunks and blueprint commands are never dropped,
because a viewer cannot make sense of a recording without them (Rerun does the same).

The limit is the one budget for everything the process holds for data: a message being
appended reserves its bytes first (it is already held: the gRPC handler has it), and so does
whatever else holds messages (`reserve`/`release`: each stream's next message inside gRPC, the
`--save` writer's queue and decoding). A headroom of one message (the biggest so far, at most a
quarter of the limit) stands for what the allocators keep between trims. The history gets what
is left, so the oldest temporal messages are evicted to make room: late viewers get less
history, the resident memory stays within the limit.

Readers hold a sequence-number cursor rather than a queue of their own. What a connected reader
has not taken yet is kept up to `LIVE_SLACK` beyond the limit (so a tiny limit still forwards
everything live); a reader slower than that skips whatever was evicted before it got there.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .wire import MsgKind, WireMsg

Listener = Callable[[WireMsg], None]
Gate = Callable[[WireMsg], None]  # called before an append, outside the lock; may block

# How far a buffer may exceed its limit to hold what connected readers have not taken yet.
LIVE_SLACK = 128 * 1024 * 1024

# Per-message bookkeeping on top of the payload bytes (the entry, dict slot, deque slot).
_OVERHEAD = 200


@dataclass(frozen=True, slots=True)
class BufferStats:
    messages: int
    bytes: int
    dropped_messages: int
    dropped_bytes: int
    received_messages: int
    received_bytes: int


class MessageBuffer:
    """Thread-safe history of `WireMsg`s with live fan-out to readers and listeners."""

    def __init__(self, memory_limit: int, *, newest_first: bool = False) -> None:
        self.memory_limit = memory_limit
        self.newest_first = newest_first
        self._cond = threading.Condition()
        self._entries: dict[int, WireMsg] = {}
        self._temporal: deque[int] = deque()
        self._next_seq = 0
        self._bytes = 0
        self._reserved = 0  # held outside the history: messages being appended, consumer queues
        # What the allocators keep between trims (gRPC's freed slices, Arrow's pool): about one
        # message, so the biggest seen, up to a quarter of the limit (one giant message must not
        # take the history for good).
        self._headroom = 0
        self._dropped = (0, 0)
        self._received = (0, 0)
        self._closed = False
        self._listeners: list[Listener] = []
        self._gates: list[Gate] = []
        self._waiting = 0  # readers blocked in `read`, so `append` only notifies when needed
        self._cursors: dict[object, int] = {}  # live readers -> the next sequence number they need

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(msg)` for every message appended from now on (under the lock: keep it cheap)."""
        with self._cond:
            self._listeners.append(listener)

    def add_gate(self, gate: Gate) -> None:
        """Call `gate(msg)` before each append: a consumer that is behind blocks the appender
        (a gRPC handler, hence its client, through HTTP/2 flow control) instead of queueing."""
        with self._cond:
            self._gates.append(gate)

    def reserve(self, nbytes: int) -> None:
        """Count `nbytes` held outside the history against the limit (evicting history for it)."""
        with self._cond:
            self._reserved += nbytes
            if self._over():
                self._evict()

    def _over(self) -> bool:
        return self._bytes + self._reserved + self._headroom > self.memory_limit

    def release(self, nbytes: int) -> None:
        """Give back what `reserve` took (the holder let go of it)."""
        with self._cond:
            self._reserved -= nbytes

    @property
    def reserved_bytes(self) -> int:
        return self._reserved

    def append(self, msg: WireMsg) -> None:
        cost = len(msg.request) + _OVERHEAD
        self.reserve(cost)  # in flight from here until it is in the history
        try:
            for gate in self._gates:
                gate(msg)
        except BaseException:
            self.release(cost)
            raise
        with self._cond:
            self._reserved -= cost
            if self._closed:
                return
            seq = self._next_seq
            self._next_seq += 1
            self._entries[seq] = msg
            self._bytes += cost
            self._received = (self._received[0] + 1, self._received[1] + cost - _OVERHEAD)
            if not msg.is_static:
                self._temporal.append(seq)
            self._headroom = max(self._headroom, min(cost, self.memory_limit // 4))
            if self._over():
                self._evict()
            for listener in self._listeners:
                listener(msg)
            if self._waiting:
                self._cond.notify_all()

    def _evict(self) -> None:
        """Drop the oldest temporal messages until history, reservations and headroom fit.

        Messages a connected reader has not taken yet stay while the history alone exceeds the
        limit by at most `LIVE_SLACK` (reservations do not eat into it), so a small limit (even
        0) still forwards everything to live viewers, as it did before reservations counted.
        """
        n, b = self._dropped
        floor = min(self._cursors.values(), default=None)
        while self._over() and self._temporal:
            if (
                floor is not None
                and self._temporal[0] >= floor
                and self._bytes <= self.memory_limit + LIVE_SLACK
            ):
                break
            old = self._entries.pop(self._temporal.popleft())
            self._bytes -= old.nbytes + _OVERHEAD
            n, b = n + 1, b + old.nbytes
        self._dropped = (n, b)

    def stats(self) -> BufferStats:
        with self._cond:
            return BufferStats(len(self._entries), self._bytes, *self._dropped, *self._received)

    def close(self) -> None:
        """Wake every reader; they finish after what they already hold."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _history(self, token: object) -> tuple[list[WireMsg], list[WireMsg], int]:
        """(store infos + static, temporal) as of now, and the cursor of what comes next."""
        with self._cond:
            infos: list[WireMsg] = []
            static: list[WireMsg] = []
            temporal: list[WireMsg] = []
            for msg in self._entries.values():
                if msg.kind == MsgKind.SET_STORE_INFO:
                    infos.append(msg)
                elif msg.is_static:
                    static.append(msg)
                else:
                    temporal.append(msg)
            cursor = self._next_seq
            self._cursors[token] = cursor
        return infos + static, temporal, cursor

    def read(self, is_active: Callable[[], bool] = lambda: True, poll_s: float = 0.5) -> Iterator[WireMsg]:
        """Replay the history, then stream new messages until closed or `is_active()` is false.

        With `newest_first`, new messages go out as soon as they arrive and the temporal
        history follows newest first in between (store infos and static data still lead).
        """
        token = object()
        head, temporal, cursor = self._history(token)
        try:
            yield from head
            del head
            if self.newest_first:
                while temporal:  # pop() from the end: newest first, O(1) each
                    batch, cursor = self._take(token, cursor)
                    yield from batch
                    yield temporal.pop()
            yield from temporal
            del temporal
            yield from self._live(token, cursor, is_active, poll_s)
        finally:
            with self._cond:
                self._cursors.pop(token, None)

    def _take(self, token: object, cursor: int) -> tuple[list[WireMsg], int]:
        """Whatever arrived since `cursor` (maybe nothing), without waiting."""
        with self._cond:
            end = self._next_seq
            batch = [m for s in range(cursor, end) if (m := self._entries.get(s)) is not None]
            self._cursors[token] = end
        return batch, end

    def _live(
        self, token: object, cursor: int, is_active: Callable[[], bool], poll_s: float
    ) -> Iterator[WireMsg]:
        while True:
            with self._cond:
                while self._next_seq == cursor and not self._closed and is_active():
                    self._waiting += 1
                    try:
                        self._cond.wait(poll_s)
                    finally:
                        self._waiting -= 1
                if self._next_seq == cursor:
                    return
            batch, cursor = self._take(token, cursor)
            yield from batch

    def wake(self) -> None:
        """Make waiting readers re-check `is_active()` (e.g. after a client cancels)."""
        with self._cond:
            self._cond.notify_all()
