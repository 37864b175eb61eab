"""What ``RerunIterableDataset`` and ``RerunMapDataset`` share: the sample index over a catalog
source, the per-worker connection to it, and the ``Manifest`` entry point."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._connection import WorkerConnection, warn_if_fork_unsafe
from ._sample_index import FixedRateSampling, SampleIndex

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._config import DataSource, Field
    from .manifest._manifest import Manifest


def check_decode_threads(decode_threads: int | None) -> None:
    if decode_threads is not None and decode_threads < 1:
        raise ValueError(f"decode_threads must be at least 1, got {decode_threads}")


class IndexedSamples:
    """Mixin: ``_bind`` indexes ``source``'s samples along ``index`` and opens the connection the
    workers fetch them through."""

    _fields: dict[str, Field]
    _index: str
    _sample_index: SampleIndex
    _connection: WorkerConnection
    _manifest: Manifest | None = None

    def _bind(
        self,
        source: DataSource,
        index: str,
        fields: dict[str, Field],
        timeline_sampling: FixedRateSampling | None,
    ) -> None:
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
    ) -> Self:
        """The samples a ``Manifest`` froze, read from ``source`` with ``fields``' decoders (a
        manifest keeps only their specs): no index scan, no keyframe lookups. The iterable
        dataset replays the manifest's order and shards; the map dataset only its sample set."""
        warn_if_fork_unsafe(stacklevel=3)
        check_decode_threads(decode_threads)
        self = cls.__new__(cls)
        meta = manifest.metadata
        self._fields = fields
        self._index = meta.index_name
        self._manifest = manifest
        # reads only need the grid step and the index type
        self._sample_index = SampleIndex([], ns_per_sample=meta.ns_per_sample, ns_dtype=meta.ns_dtype)
        self._connection = WorkerConnection.from_source(source, fields)
        return self

    @property
    def sample_index(self) -> SampleIndex:
        return self._sample_index

    def __len__(self) -> int:
        if self._manifest is not None:
            return self._manifest.num_rows
        return self._sample_index.total_samples
