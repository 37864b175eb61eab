"""TUIDs: Rerun's 128-bit ids (row ids, chunk ids), ordered by creation time.

Layout as Rerun 0.41: ``time_ns: u64`` then ``inc: u64``, stored big-endian so that the raw
16 bytes sort like the ids. String form: 16 uppercase hex digits of the time, then 16 lowercase
hex digits of the increment (``chunk_18E9F6501426DBBC7092923c9946425a``).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

import numpy as np

_INC_MASK = (1 << 63) - 1  # Rerun keeps the top bit of a fresh increment clear.

# numpy view of a TUID as stored in Arrow: two big-endian u64.
TUID_DTYPE = np.dtype([("time_ns", ">u8"), ("inc", ">u8")])


@dataclass(frozen=True, order=True, slots=True)
class Tuid:
    time_ns: int
    inc: int

    def to_bytes(self) -> bytes:
        return self.time_ns.to_bytes(8, "big") + self.inc.to_bytes(8, "big")

    @classmethod
    def from_bytes(cls, data: bytes) -> Tuid:
        if len(data) != 16:
            raise ValueError(f"a TUID is 16 bytes, got {len(data)}")
        return cls(int.from_bytes(data[:8], "big"), int.from_bytes(data[8:], "big"))

    def as_u128(self) -> int:
        return (self.time_ns << 64) | self.inc

    def __str__(self) -> str:
        return f"{self.time_ns:016X}{self.inc:016x}"

    @classmethod
    def parse(cls, text: str) -> Tuid:
        """Parse the string form, with or without a ``chunk_``/``row_`` prefix."""
        for prefix in ("chunk_", "row_"):
            if text.startswith(prefix):
                text = text[len(prefix) :]
        if len(text) != 32:
            raise ValueError(f"not a TUID: {text!r}")
        return cls(int(text[:16], 16), int(text[16:], 16))

    def next(self, n: int = 1) -> Tuid:
        return Tuid(self.time_ns, (self.inc + n) & 0xFFFF_FFFF_FFFF_FFFF)


class TuidGenerator:
    """Thread-safe source of strictly increasing TUIDs, as Rerun's ``Tuid::new``.

    Like Rerun: the increment starts at a random value (top bit clear) and goes up by one per
    id, while ``time_ns`` follows the wall clock but never goes backwards.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest = Tuid(0, int.from_bytes(os.urandom(8), "little") & _INC_MASK)
        self._pinned: int | None = None

    def _advance(self, n: int) -> Tuid:
        """Reserve ``n`` ids; return the first. Caller holds the lock."""
        now = self._pinned if self._pinned is not None else max(time.time_ns(), self._latest.time_ns)
        first = Tuid(now, self._latest.inc).next()
        self._latest = first.next(max(n - 1, 0))
        return first

    def new(self) -> Tuid:
        with self._lock:
            return self._advance(1)

    def new_block(self, n: int) -> np.ndarray:
        """``n`` consecutive TUIDs as a ``TUID_DTYPE`` array (one reservation, no Python loop)."""
        with self._lock:
            first = self._advance(n)
        out = np.empty(n, dtype=TUID_DTYPE)
        out["time_ns"] = first.time_ns
        out["inc"] = np.arange(n, dtype=np.uint64) + np.uint64(first.inc)
        return out

    def reserve_time(self) -> int:
        """A ``time_ns`` for another process to make ids at (:meth:`pin`): ids this generator
        makes afterwards come after all of them, and so do those at a later reserved time."""
        with self._lock:
            t = max(time.time_ns(), self._latest.time_ns + 1)
            self._latest = Tuid(t + 1, self._latest.inc)
            return t

    def pin(self, time_ns: int | None) -> None:
        """Make ids at ``time_ns`` (a reserved time; increments from a fresh random start)
        instead of the wall clock's, until ``pin(None)``: for a worker process making one part
        of a stream that its parent writes in the order of the parts' reserved times."""
        with self._lock:
            self._pinned = time_ns
            if time_ns is not None:
                self._latest = Tuid(time_ns, int.from_bytes(os.urandom(8), "little") & _INC_MASK)

    def reseed(self) -> None:
        """Pick a fresh random increment (after a fork, so parent and child never collide)."""
        self._latest = Tuid(self._latest.time_ns, int.from_bytes(os.urandom(8), "little") & _INC_MASK)


_GENERATOR = TuidGenerator()
# A forked child must not hand out the parent's ids again.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_GENERATOR.reseed)


def new_tuid() -> Tuid:
    return _GENERATOR.new()


def new_tuids(n: int) -> np.ndarray:
    return _GENERATOR.new_block(n)


def reserve_tuid_time() -> int:
    return _GENERATOR.reserve_time()


def pin_tuid_time(time_ns: int | None) -> None:
    _GENERATOR.pin(time_ns)


def tuids_to_bytes(tuids: np.ndarray) -> bytes:
    return np.ascontiguousarray(tuids, dtype=TUID_DTYPE).tobytes()


def tuids_from_buffer(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(data, dtype=TUID_DTYPE)
