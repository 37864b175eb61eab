"""Decoders (``ColumnDecoder`` subclasses) and what they are handed; they need torch (lazily loaded)."""

from __future__ import annotations

from .._sample_index import IndexValue
from ._base import ColumnDecoder, DecodeRequest, FieldBatch
from ._image import ImageDecoder
from ._numeric import NumericDecoder
from ._video import VideoFrameDecoder

__all__ = [
    "ColumnDecoder",
    "DecodeRequest",
    "FieldBatch",
    "ImageDecoder",
    "IndexValue",
    "NumericDecoder",
    "VideoFrameDecoder",
]
