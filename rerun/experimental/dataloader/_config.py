"""``Field`` (what one sample field reads and how it decodes) and ``DataSource`` (which dataset)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rerun.catalog import DatasetEntry
    from rerun.chunk import Selector

    from .decoders._base import ColumnDecoder


@dataclass(frozen=True)
class Field:
    """One field of a training sample: a component column, its decoder, and options.

    ``path`` is ``entity_path:Archetype:component`` (e.g. ``/camera:EncodedImage:blob``);
    ``select`` a ``rerun.chunk.Selector`` applied to the column before decoding; ``window``
    explicit offsets from the sample's index value (index steps on integer timelines, seconds
    on timestamp / duration ones); ``max_staleness`` the oldest data a manifest accepts.
    """

    path: str
    decode: ColumnDecoder[Any]
    select: Selector | None = None
    window: tuple[int | float, ...] | None = None
    max_staleness: int | float | None = None

    def __post_init__(self) -> None:
        if self.window is not None:
            if not self.window:
                raise ValueError("Field.window must contain at least one offset")
            if not all(math.isfinite(o) for o in self.window):
                raise ValueError(f"Field.window offsets must be finite, got {self.window!r}")
        if self.max_staleness is not None:
            if not math.isfinite(self.max_staleness):
                raise ValueError(f"Field.max_staleness must be finite, got {self.max_staleness!r}")
            if self.max_staleness < 0:
                raise ValueError(f"Field.max_staleness must be non-negative, got {self.max_staleness!r}")

    @property
    def prior_keyframe_path(self) -> str | None:
        """The sibling column marking keyframes this field's decoder starts from (video), else None."""
        return self.decode.prior_keyframe_path(self.path)

    @property
    def fill_latest_at(self) -> bool:
        """Whether this field's reads fill empty sample slots with the latest earlier value."""
        return self.decode.fill_latest_at

    def to_recipe(self) -> dict[str, Any]:
        """The spec as JSON-able values (decoder and selector by their repr)."""
        return {
            "path": self.path,
            "window": None if self.window is None else list(self.window),
            "max_staleness": self.max_staleness,
            "decoder": repr(self.decode),
            "select": None if self.select is None else repr(self.select),
        }


@dataclass(frozen=True)
class DataSource:
    """A catalog dataset to train from, optionally narrowed to some segments."""

    dataset: DatasetEntry
    segments: list[str] | None = None

    def filter_segments(self, segment_ids: list[str]) -> DataSource:
        """A copy reading only ``segment_ids``."""
        return replace(self, segments=segment_ids)
