"""``OptimizationProfile`` (``collect(optimize=...)``) and ``IndexColumn`` (reader index specs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

TimeUnit = Literal["ns", "us", "ms", "s"]


@dataclass(frozen=True, kw_only=True)
class OptimizationProfile:
    """Chunk-size targets for ``LazyChunkStream.collect(optimize=...)``.

    ``LIVE``: small chunks for the live viewer; ``OBJECT_STORE``: large chunks for catalog
    servers. Threshold fields left ``None`` fall back to ``LIVE``'s.
    """

    LIVE: ClassVar[OptimizationProfile]
    OBJECT_STORE: ClassVar[OptimizationProfile]

    max_bytes: int | None = None
    max_rows: int | None = None
    max_rows_if_unsorted: int | None = None
    extra_passes: int = 50
    gop_batching: bool = True
    split_size_ratio: float | None = None
    fix_keyframe: bool = False


OptimizationProfile.LIVE = OptimizationProfile(
    max_bytes=12 * 8 * 4096,
    max_rows=4096,
    max_rows_if_unsorted=1024,
    extra_passes=50,
    gop_batching=True,
    split_size_ratio=None,
    fix_keyframe=False,
)

OptimizationProfile.OBJECT_STORE = OptimizationProfile(
    max_bytes=2 * 1024 * 1024,
    max_rows=65_536,
    max_rows_if_unsorted=8_192,
    extra_passes=50,
    gop_batching=True,
    split_size_ratio=10.0,
    fix_keyframe=False,
)


@dataclass(frozen=True)
class IndexColumn:
    """A dataset/column used as a timeline index, and how to read its raw values."""

    path: str
    kind: Literal["timestamp", "duration", "sequence"]
    input_unit: TimeUnit | None = None

    @classmethod
    def timestamp(cls, path: str, *, input_unit: TimeUnit = "ns") -> IndexColumn:
        """A time-since-epoch timeline; ``input_unit`` says what the raw values are."""
        return cls(path=path, kind="timestamp", input_unit=input_unit)

    @classmethod
    def duration(cls, path: str, *, input_unit: TimeUnit = "ns") -> IndexColumn:
        """An elapsed-time timeline; ``input_unit`` says what the raw values are."""
        return cls(path=path, kind="duration", input_unit=input_unit)

    @classmethod
    def sequence(cls, path: str) -> IndexColumn:
        """An ordinal integer timeline."""
        return cls(path=path, kind="sequence", input_unit=None)

    def _as_internal_tuple(self) -> tuple[str, str, str | None]:
        return (self.path, self.kind, self.input_unit)
