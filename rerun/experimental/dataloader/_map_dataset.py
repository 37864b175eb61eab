"""``RerunMapDataset``: a catalog dataset's samples by global position (any sampler)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch.utils.data

from ._connection import WorkerConnection, warn_if_fork_unsafe
from ._pipeline import load_block
from ._sample_index import FixedRateSampling, SampleIndex
from ._tracing import with_tracing
from .decoders._base import DecodedSample

if TYPE_CHECKING:
    from ._config import DataSource, Field
    from .manifest import Manifest


class RerunMapDataset(torch.utils.data.Dataset[DecodedSample]):
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
        if decode_threads is not None and decode_threads < 1:
            raise ValueError(f"decode_threads must be at least 1, got {decode_threads}")
        self._fields = fields
        self._index = index
        self._sample_index = SampleIndex.build(source, index, fields, timeline_sampling=timeline_sampling)
        self._connection = WorkerConnection.from_source(source, fields)

    @classmethod
    def from_manifest(
        cls,
        manifest: Manifest,
        source: DataSource,
        fields: dict[str, Field],
        *,
        decode_threads: int | None = None,
    ) -> RerunMapDataset:
        """A dataset over a frozen ``Manifest``'s samples (not available in this implementation)."""
        from .manifest import manifests_unavailable

        raise manifests_unavailable()

    @property
    def sample_index(self) -> SampleIndex:
        return self._sample_index

    def __len__(self) -> int:
        return self._sample_index.total_samples

    def __getitem__(self, idx: int) -> DecodedSample:
        return self.__getitems__([idx])[0]

    @with_tracing("RerunMapDataset.__getitems__")
    def __getitems__(self, indices: list[int]) -> list[DecodedSample]:
        view, decoders = self._connection.ensure()
        return load_block(view, self._index, self._fields, decoders, indices, self._sample_index)
