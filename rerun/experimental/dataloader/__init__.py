"""``rerun.experimental.dataloader``: PyTorch datasets over a catalog dataset, as rerun-sdk 0.41's.

``DataSource`` names the dataset (and segments), ``Field`` each sample field (column, decoder,
window); ``RerunIterableDataset`` streams samples (shuffled and sharded inside), while
``RerunMapDataset`` gives them by position. The names that need torch (datasets, decoders,
collators) load on first use, so ``import rerun`` never imports torch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._config import DataSource, Field
from ._sample_index import FixedRateSampling, IndexValue, SampleIndex, SegmentMetadata
from ._shuffle import BlockShuffle, NoShuffle, SampleShuffle, ShuffleStrategy
from ._tracing import tracing_scope, with_tracing

if TYPE_CHECKING:
    from ._iterable_dataset import RerunIterableDataset
    from ._map_dataset import RerunMapDataset
    from ._pooled_batches import PooledBatchCollator
    from ._yuv import Yuv420Collator, Yuv420Frame
    from .decoders import (
        ColumnDecoder,
        DecodeRequest,
        FieldBatch,
        ImageDecoder,
        NumericDecoder,
        VideoFrameDecoder,
    )
    from .manifest._manifest import Manifest

__all__ = [
    "BlockShuffle",
    "ColumnDecoder",
    "DataSource",
    "DecodeRequest",
    "Field",
    "FieldBatch",
    "FixedRateSampling",
    "ImageDecoder",
    "IndexValue",
    "Manifest",
    "NoShuffle",
    "NumericDecoder",
    "PooledBatchCollator",
    "RerunIterableDataset",
    "RerunMapDataset",
    "SampleIndex",
    "SampleShuffle",
    "SegmentMetadata",
    "ShuffleStrategy",
    "VideoFrameDecoder",
    "Yuv420Collator",
    "Yuv420Frame",
    "tracing_scope",
    "with_tracing",
]

_LAZY = {
    "ColumnDecoder": ".decoders",
    "DecodeRequest": ".decoders",
    "FieldBatch": ".decoders",
    "ImageDecoder": ".decoders",
    "NumericDecoder": ".decoders",
    "VideoFrameDecoder": ".decoders",
    "PooledBatchCollator": "._pooled_batches",
    "Yuv420Collator": "._yuv",
    "Yuv420Frame": "._yuv",
    "RerunIterableDataset": "._iterable_dataset",
    "RerunMapDataset": "._map_dataset",
    "Manifest": ".manifest._manifest",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
