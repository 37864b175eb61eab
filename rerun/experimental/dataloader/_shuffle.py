"""Epoch orders (``SampleShuffle``, ``BlockShuffle``, ``NoShuffle``), sharding and fetch blocks.

An order is ``(indices, block_bounds)``: every global sample position once, and the cumulative
ends of its blocks (each block a contiguous run within one segment). Seeds feed numpy's
``default_rng`` as 0.41 does, so the same seed gives 0.41's order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

import numpy as np

if TYPE_CHECKING:
    from ._sample_index import SampleIndex

T = TypeVar("T")


class ShuffleStrategy(ABC):
    """The order an epoch's samples are fetched in (and, for BlockShuffle, emitted in)."""

    RECIPE_TAG: ClassVar[str]

    @abstractmethod
    def epoch_order(
        self, sample_index: SampleIndex, *, fetch_block_size: int, seed: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(indices, block_bounds)`` for one epoch."""

    def emission_buffer(self) -> ShuffleBuffer | None:
        """The post-decode buffer samples pass through, or None (emit in fetch order)."""
        return None


@dataclass(frozen=True)
class SampleShuffle(ShuffleStrategy):
    """A uniform permutation of all samples (each its own block)."""

    RECIPE_TAG: ClassVar[str] = "sample"

    def epoch_order(
        self, sample_index: SampleIndex, *, fetch_block_size: int, seed: int
    ) -> tuple[np.ndarray, np.ndarray]:
        del fetch_block_size
        total = sample_index.total_samples
        order = np.random.default_rng(seed=seed).permutation(total).astype(np.int64)
        return order, np.arange(1, total + 1, dtype=np.int64)


@dataclass(frozen=True)
class BlockShuffle(ShuffleStrategy):
    """Fetch-sized blocks of consecutive samples in shuffled order; ``buffer_size`` adds a
    post-decode shuffle buffer (``min_fill`` samples before the first is emitted)."""

    RECIPE_TAG: ClassVar[str] = "block"
    buffer_size: int | None = None
    min_fill: int | None = None

    def __post_init__(self) -> None:
        if self.buffer_size is None and self.min_fill is not None:
            raise ValueError("min_fill requires buffer_size to be set")
        self.emission_buffer()  # checks buffer_size / min_fill now

    def epoch_order(
        self, sample_index: SampleIndex, *, fetch_block_size: int, seed: int
    ) -> tuple[np.ndarray, np.ndarray]:
        return block_order(sample_index, block_size=fetch_block_size, shuffle=True, seed=seed)

    def emission_buffer(self) -> ShuffleBuffer | None:
        return None if self.buffer_size is None else ShuffleBuffer(self.buffer_size, min_fill=self.min_fill)


@dataclass(frozen=True)
class NoShuffle(ShuffleStrategy):
    """Natural order: segment by segment, along the timeline."""

    RECIPE_TAG: ClassVar[str] = "none"

    def epoch_order(
        self, sample_index: SampleIndex, *, fetch_block_size: int, seed: int
    ) -> tuple[np.ndarray, np.ndarray]:
        return block_order(sample_index, block_size=fetch_block_size, shuffle=False, seed=seed)


class ShuffleBuffer:
    """A streaming shuffle through at most ``buffer_size`` items (emits once ``min_fill`` held)."""

    def __init__(self, buffer_size: int, *, min_fill: int | None = None) -> None:
        if buffer_size < 2:
            raise ValueError(f"buffer_size must be at least 2, got {buffer_size}")
        if min_fill is not None and not 1 <= min_fill <= buffer_size:
            raise ValueError(f"min_fill must be in [1, buffer_size], got {min_fill}")
        self.buffer_size = buffer_size
        self.min_fill = buffer_size // 2 if min_fill is None else min_fill

    def shuffle(
        self, items: Generator[T, None, None], *, rng: np.random.Generator
    ) -> Generator[T, None, None]:
        """``items`` in buffer-shuffled order; ``items`` is closed at the end."""
        held: list[T] = []
        try:
            for item in items:
                held.append(item)
                if len(held) < self.buffer_size:  # fill two per step while below capacity
                    nxt = next(items, _END)
                    if nxt is not _END:
                        held.append(nxt)  # type: ignore[arg-type]
                if len(held) >= self.min_fill:
                    yield _take_random(held, rng)
            while held:
                yield _take_random(held, rng)
        finally:
            items.close()

    def emit_order(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """The emission permutation of ``n`` positions through this buffer."""
        return np.fromiter(self.shuffle((i for i in range(n)), rng=rng), dtype=np.int64, count=n)


_END = object()


def _take_random(held: list[T], rng: np.random.Generator) -> T:
    j = int(rng.integers(len(held)))
    held[j], held[-1] = held[-1], held[j]
    return held.pop()


def block_order(
    sample_index: SampleIndex, *, block_size: int, shuffle: bool, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Segment-local blocks of ``block_size`` samples, in natural or shuffled block order."""
    offsets = sample_index.segment_offsets
    total = int(offsets[-1])
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    block_of = np.empty(total, dtype=np.int64)
    n_blocks = 0
    for lo, hi in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True):
        block_of[lo:hi] = n_blocks + np.arange(hi - lo, dtype=np.int64) // block_size
        n_blocks += -(-(hi - lo) // block_size)
    order = np.random.default_rng(seed=seed).permutation(n_blocks) if shuffle else np.arange(n_blocks)
    rank = np.empty(n_blocks, dtype=np.int64)
    rank[order] = np.arange(n_blocks)
    indices = np.argsort(rank[block_of], kind="stable").astype(np.int64)
    bounds = np.cumsum(np.bincount(block_of, minlength=n_blocks)[order])
    return indices, bounds


def contiguous_shard(
    indices: np.ndarray, block_bounds: np.ndarray, *, rank: int, world_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shard ``rank`` of ``world_size`` equal contiguous slices (the last takes the remainder)."""
    size = len(indices) // world_size
    lo = rank * size
    hi = lo + size if rank < world_size - 1 else len(indices)
    inner = block_bounds[(block_bounds > lo) & (block_bounds < hi)] - lo
    return indices[lo:hi], np.append(inner, hi - lo)


def fetch_blocks(indices: np.ndarray, block_bounds: np.ndarray, *, fetch_block_size: int) -> list[np.ndarray]:
    """Whole blocks packed up to ``fetch_block_size`` per fetch; longer blocks cut at that stride."""
    out: list[np.ndarray] = []
    start = packed = 0
    for bound in block_bounds.tolist():
        if bound - start <= fetch_block_size:
            packed = bound
            continue
        if packed > start:
            out.append(indices[start:packed])
            start = packed
        while bound - start > fetch_block_size:
            out.append(indices[start : start + fetch_block_size])
            start += fetch_block_size
        packed = bound
    if start < len(indices):
        out.append(indices[start:])
    return out
