"""``Manifest``: one epoch of sampling frozen into a table, so a run can be replayed or resumed.

One row per sample, stored in fetch order: the shard it belongs to (``rank``, ``worker``), its
co-fetch block (``fetch_group``), its slot in the emission order (``emit_rank``), what to read
(``segment_id``, ``anchor``) and, per field, the inclusive index range ``struct<lo, hi>`` its
decoder reads (the window, or a video field's ``[keyframe, anchor]``). The header (dataset,
index, field specs, topology, shuffle) rides in the schema metadata, all values as strings: the
file format is 0.41's, so manifests move between the two implementations.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .._shuffle import BlockShuffle, ShuffleStrategy
from ._manifest_meta import (
    COL_EMIT_RANK,
    COL_FETCH_GROUP,
    COL_RANK,
    COL_WORKER,
    ManifestMeta,
    meta_from_schema,
    meta_to_schema_metadata,
)

if TYPE_CHECKING:
    import os

    from .._config import DataSource, Field
    from .._sample_index import FixedRateSampling


_FACTORY_ONLY = object()  # Manifest() is built by its class methods only, as 0.41's


class Manifest:
    """The exact sample order of one training epoch, for reproducible and resumable runs.

    Make one with ``Manifest.generate`` (scans the source) or load one with
    ``Manifest.from_parquet``; ``shuffle`` re-orders it without scanning again;
    ``write_parquet`` saves it. Loaded from a file, each ``DataLoader`` worker reads only its own
    shard. Provisional API, as in 0.41.
    """

    def __init__(
        self,
        table: pa.Table | None,
        metadata: ManifestMeta,
        *,
        path: str | os.PathLike[str] | None = None,
        _key: object = None,
    ) -> None:
        if _key is not _FACTORY_ONLY:
            raise TypeError("Create a Manifest via Manifest.generate() or Manifest.from_parquet().")
        self._table = table  # None while file-backed and not loaded whole
        self._meta = metadata
        self._path = path

    @classmethod
    def _from_arrow(cls, table: pa.Table) -> Manifest:
        return cls(table, meta_from_schema(table.schema), _key=_FACTORY_ONLY)

    @classmethod
    def from_parquet(cls, path: str | os.PathLike[str]) -> Manifest:
        """A manifest backed by a parquet file; rows are read when needed, a shard at a time."""
        return cls(None, meta_from_schema(pq.read_schema(path)), path=path, _key=_FACTORY_ONLY)

    def _whole(self) -> pa.Table:
        if self._table is None:
            assert self._path is not None
            self._table = pq.read_table(self._path)
        return self._table

    def __getstate__(self) -> dict[str, Any]:
        """File-backed manifests travel to workers as their path, not their rows."""
        state = self.__dict__.copy()
        if self._path is not None:
            state["_table"] = None
        return state

    def write_parquet(self, path: str | os.PathLike[str], *, row_group_size: int = 1 << 16) -> None:
        """Save as zstd-compressed parquet (the header in the schema metadata)."""
        pq.write_table(self._whole(), path, compression="zstd", row_group_size=row_group_size)

    @property
    def metadata(self) -> ManifestMeta:
        return self._meta

    @property
    def num_rows(self) -> int:
        """The number of samples (from the file's footer when file-backed)."""
        if self._table is None:
            assert self._path is not None
            return int(pq.read_metadata(self._path).num_rows)
        return int(self._table.num_rows)

    @classmethod
    def generate(
        cls,
        source: DataSource,
        index: str,
        fields: dict[str, Field],
        *,
        timeline_sampling: FixedRateSampling | None = None,
        fetch_block_size: int = 128,
        num_ranks: int = 1,
        num_workers_per_rank: int = 1,
        required_fields: list[str] | None = None,
        scan_max_workers: int | None = None,
    ) -> Manifest:
        """An unshuffled manifest of one epoch, from a scan of ``source``.

        The scan keeps only samples whose ``required_fields`` (default: all) have real data at or
        before every window point (within ``Field.max_staleness``; video: a prior keyframe), and
        records each field's decode range. ``fetch_block_size`` and ``num_ranks`` x
        ``num_workers_per_rank`` are frozen in; ``scan_max_workers`` (default 8) bounds the
        concurrent scan queries. ``shuffle`` the result for a training order.
        """
        from ._manifest_build import build_manifest_table

        table = build_manifest_table(
            source,
            index,
            fields,
            timeline_sampling=timeline_sampling,
            fetch_block_size=fetch_block_size,
            num_ranks=num_ranks,
            num_workers_per_rank=num_workers_per_rank,
            required_fields=required_fields,
            scan_max_workers=scan_max_workers,
        )
        return cls._from_arrow(table)

    def shuffle(self, strategy: ShuffleStrategy | None = None, *, seed: int = 0) -> Manifest:
        """A new manifest with the same samples in ``strategy``'s order for ``seed`` (default
        ``BlockShuffle()``); block size and topology are kept. The same strategy given to a live
        ``RerunIterableDataset`` with ``seed`` as its epoch yields the same order."""
        from ._manifest_build import schedule_samples

        strategy = strategy if strategy is not None else BlockShuffle()
        meta = self._meta
        table = schedule_samples(
            self._whole(),
            strategy=strategy,
            fetch_block_size=meta.fetch_block_size,
            num_ranks=meta.num_ranks,
            num_workers_per_rank=meta.num_workers_per_rank,
            seed=seed,
        )
        buffer = strategy.emission_buffer()
        new_meta = dataclasses.replace(
            meta,
            shuffle_strategy=strategy.RECIPE_TAG,
            buffer_size=None if buffer is None else buffer.buffer_size,
            min_fill=None if buffer is None else buffer.min_fill,
            seed=seed,
        )
        return type(self)._from_arrow(table.replace_schema_metadata(meta_to_schema_metadata(new_meta)))

    def to_arrow(self) -> pa.Table:
        """Every row (loads a file-backed manifest whole)."""
        return self._whole()

    def validate_topology(self, num_ranks: int, num_workers_per_rank: int) -> None:
        """Refuse a run whose ranks x workers differ from the frozen ones."""
        want = (self._meta.num_ranks, self._meta.num_workers_per_rank)
        if (num_ranks, num_workers_per_rank) != want:
            raise ValueError(
                f"Manifest was built for {want[0]}x{want[1]} (ranks x workers_per_rank), "
                f"but the run has {num_ranks}x{num_workers_per_rank}."
            )

    def worker_assignments(self, rank: int, worker: int) -> pa.Table:
        """One shard's rows in fetch order (from a file: only that shard is read)."""
        if self._table is None:
            assert self._path is not None
            return pq.read_table(self._path, filters=[(COL_RANK, "=", rank), (COL_WORKER, "=", worker)])
        table = self._table
        return table.filter(pc.and_(pc.equal(table[COL_RANK], rank), pc.equal(table[COL_WORKER], worker)))

    def worker_plan(self, rank: int, worker: int) -> tuple[list[pa.Table], np.ndarray]:
        """One shard's fetch groups (in fetch order) and the fetch positions in emission order."""
        rows = self.worker_assignments(rank, worker)
        if rows.num_rows == 0:
            return [], np.empty(0, dtype=np.int64)
        groups = rows.column(COL_FETCH_GROUP).to_numpy()
        cuts = [0, *(np.flatnonzero(groups[1:] != groups[:-1]) + 1).tolist(), rows.num_rows]
        blocks = [rows.slice(a, b - a) for a, b in itertools.pairwise(cuts)]
        return blocks, np.argsort(rows.column(COL_EMIT_RANK).to_numpy())
