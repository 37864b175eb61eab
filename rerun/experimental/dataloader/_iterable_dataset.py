"""``RerunIterableDataset``: a catalog dataset streamed as samples, shuffled and sharded inside."""

from __future__ import annotations

import warnings
from collections.abc import Generator, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import torch.utils.data

from ._connection import warn_if_fork_unsafe
from ._dataset_base import IndexedSamples, check_decode_threads
from ._pipeline import iter_blocks, load_block
from ._sample_index import FixedRateSampling
from ._shuffle import SampleShuffle, ShuffleStrategy, contiguous_shard, fetch_blocks
from ._tracing import tracing_scope
from .decoders._base import DecodedSample

if TYPE_CHECKING:
    from ._config import DataSource, Field
    from .manifest._manifest import Manifest

_MAX_SKIPPED = 1000


def skip_incomplete(
    samples: Iterator[DecodedSample], *, max_consecutive_skipped_samples: int | None
) -> Generator[DecodedSample, None, None]:
    """Samples with every field; the others dropped (a warning per field), up to a limit in a row."""
    skipped = in_a_row = 0
    per_field: dict[str, int] = {}
    warned: set[str] = set()
    for sample in samples:
        missing = [k for k, v in sample.items() if v is None]
        if not missing:
            in_a_row = 0
            yield sample
            continue
        skipped += 1
        in_a_row += 1
        for k in missing:
            per_field[k] = per_field.get(k, 0) + 1
        for k in sorted(set(missing) - warned):
            warnings.warn(
                f"Skipping samples where field {k!r} has no value. "
                "Batches stay at full size; the epoch yields fewer samples.",
                RuntimeWarning,
                stacklevel=2,
            )
        warned.update(missing)
        limit = max_consecutive_skipped_samples
        if limit is not None and in_a_row > limit:
            counts = ", ".join(f"{k}={per_field[k]}" for k in sorted(per_field))
            raise RuntimeError(
                f"Exceeded max_consecutive_skipped_samples={limit} after encountering {in_a_row} consecutive "
                f"incomplete samples ({skipped} total; missing fields: {counts})"
            )


def _ddp() -> tuple[int, int] | None:
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return None


class RerunIterableDataset(IndexedSamples, torch.utils.data.IterableDataset[DecodedSample]):
    """Samples of a catalog dataset, fetched ``fetch_block_size`` at a time.

    The epoch order comes from ``shuffle_strategy`` (default ``SampleShuffle``; seed: the epoch,
    see ``set_epoch``), split into contiguous shards across DDP ranks, then ``DataLoader``
    workers. Samples missing a field are skipped (``max_consecutive_skipped_samples`` in a row at
    most; None: no limit). ``timeline_sampling`` is required for timestamp / duration indices.
    """

    _epoch: int = 0
    _parent_ddp: tuple[int, int] | None = None  # the DDP rank / size a spawned worker inherits

    def __init__(
        self,
        source: DataSource,
        index: str,
        fields: dict[str, Field],
        *,
        timeline_sampling: FixedRateSampling | None = None,
        fetch_block_size: int = 128,
        shuffle_strategy: ShuffleStrategy | None = None,
        decode_threads: int | None = None,
        max_consecutive_skipped_samples: int | None = _MAX_SKIPPED,
    ) -> None:
        super().__init__()
        warn_if_fork_unsafe(stacklevel=3)
        if max_consecutive_skipped_samples is not None and max_consecutive_skipped_samples < 0:
            raise ValueError(
                f"max_consecutive_skipped_samples must be non-negative, got {max_consecutive_skipped_samples}"
            )
        check_decode_threads(decode_threads)
        self._fetch_block_size = fetch_block_size
        self._max_skipped = max_consecutive_skipped_samples
        self._shuffle_strategy = shuffle_strategy if shuffle_strategy is not None else SampleShuffle()
        self._shuffle_buffer = self._shuffle_strategy.emission_buffer()
        self._epoch = 0
        self._manifest = None
        self._parent_ddp = None
        self._bind(source, index, fields, timeline_sampling)

    def set_epoch(self, epoch: int) -> None:
        """The epoch, which seeds the shuffle (as ``DistributedSampler.set_epoch``)."""
        self._epoch = epoch

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_parent_ddp"] = _ddp() or self._parent_ddp  # spawned workers have no process group
        return state

    def _worker_order(self) -> tuple[np.ndarray, np.ndarray]:
        indices, bounds = self._shuffle_strategy.epoch_order(
            self._sample_index, fetch_block_size=self._fetch_block_size, seed=self._epoch
        )
        rank, world = _ddp() or self._parent_ddp or (0, 1)
        if world > 1:
            indices, bounds = contiguous_shard(indices, bounds, rank=rank, world_size=world)
        info = torch.utils.data.get_worker_info()
        if info is not None:
            indices, bounds = contiguous_shard(indices, bounds, rank=info.id, world_size=info.num_workers)
        return indices, bounds

    def __iter__(self) -> Iterator[DecodedSample]:
        if self._manifest is not None:
            yield from self._iter_manifest(self._manifest)
            return
        with tracing_scope("RerunIterableDataset._iter_catalog"):
            view, decoders = self._connection.ensure()
            indices, bounds = self._worker_order()
            blocks = fetch_blocks(indices, bounds, fetch_block_size=self._fetch_block_size)
            load = partial(
                load_block, view, self._index, self._fields, decoders, sample_index=self._sample_index
            )
            samples = skip_incomplete(
                iter_blocks(blocks, load), max_consecutive_skipped_samples=self._max_skipped
            )
            if self._shuffle_buffer is not None:
                rank, _ = _ddp() or self._parent_ddp or (0, 1)
                info = torch.utils.data.get_worker_info()
                rng = np.random.default_rng([self._epoch, rank, info.id if info is not None else 0])
                samples = self._shuffle_buffer.shuffle(samples, rng=rng)
            yield from samples

    def _iter_manifest(self, manifest: Manifest) -> Iterator[DecodedSample]:
        """This shard of the manifest: its fetch groups in order, emitted in the frozen order;
        the run's ranks x workers must be the manifest's."""
        from .manifest._manifest_read import load_rows, replay

        with tracing_scope("RerunIterableDataset._iter_manifest"):
            view, decoders = self._connection.ensure()
            rank, world = _ddp() or self._parent_ddp or (0, 1)
            info = torch.utils.data.get_worker_info()
            manifest.validate_topology(world, info.num_workers if info is not None else 1)
            blocks, emit_order = manifest.worker_plan(rank, info.id if info is not None else 0)
            required = {k for k in manifest.metadata.required_fields if k in self._fields}
            load = partial(
                load_rows,
                view,
                self._index,
                self._fields,
                decoders,
                sample_index=self._sample_index,
                required=required,
            )
            yield from replay(iter_blocks(blocks, load), emit_order)
