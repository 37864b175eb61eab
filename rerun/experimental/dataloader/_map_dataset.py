"""``RerunMapDataset``: a catalog dataset's samples by global position (any sampler)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch.utils.data

from ._connection import warn_if_fork_unsafe
from ._dataset_base import IndexedSamples, check_decode_threads
from ._pipeline import load_block
from ._sample_index import FixedRateSampling
from ._tracing import with_tracing
from .decoders._base import DecodedSample

if TYPE_CHECKING:
    from ._config import DataSource, Field


class RerunMapDataset(IndexedSamples, torch.utils.data.Dataset[DecodedSample]):
    """Random access to a catalog dataset's samples; the ``DataLoader``'s sampler orders and
    shards them. ``__getitems__`` fetches a whole batch in one pass. A field without data for a
    sample is None in it."""

    def __init__(
        self,
        source: DataSource,
        index: str,
        fields: dict[str, Field],
        *,
        timeline_sampling: FixedRateSampling | None = None,
        decode_threads: int | None = None,
    ) -> None:
        super().__init__()
        warn_if_fork_unsafe(stacklevel=3)
        check_decode_threads(decode_threads)
        self._bind(source, index, fields, timeline_sampling)

    def __getitem__(self, idx: int) -> DecodedSample:
        return self.__getitems__([idx])[0]

    @with_tracing("RerunMapDataset.__getitems__")
    def __getitems__(self, indices: list[int]) -> list[DecodedSample]:
        view, decoders = self._connection.ensure()
        if self._manifest is not None:  # the manifest's samples by position; its order is not used
            from .manifest._manifest_read import load_rows

            rows = self._manifest.to_arrow().take(indices)
            return list(load_rows(view, self._index, self._fields, decoders, rows, self._sample_index))
        return load_block(view, self._index, self._fields, decoders, indices, self._sample_index)
