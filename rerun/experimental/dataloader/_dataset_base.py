"""What ``RerunIterableDataset`` and ``RerunMapDataset`` share: the sample index over a catalog
source, the per-worker connection to it, and the ``Manifest`` entry point."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._connection import WorkerConnection
from ._sample_index import FixedRateSampling, SampleIndex

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._config import DataSource, Field
    from .manifest import Manifest


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
        """The samples of a frozen ``Manifest``, in its order (not available in this implementation)."""
        from .manifest import manifests_unavailable

        raise manifests_unavailable()

    @property
    def sample_index(self) -> SampleIndex:
        return self._sample_index

    def __len__(self) -> int:
        return self._sample_index.total_samples
