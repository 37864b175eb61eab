"""``ImageDecoder``: encoded image blobs (JPEG, PNG, ...) to ``[C, H, W]`` uint8 tensors."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import torch
from PIL import Image

from .._tracing import with_tracing
from ._arrow import blob_bytes
from ._base import ColumnDecoder, DecodeRequest, FieldBatch


class ImageDecoder(ColumnDecoder[torch.Tensor]):
    """Encoded images to ``[C, H, W]`` uint8 (a window: ``[T, C, H, W]``); undecodable: None."""

    @with_tracing("ImageDecoder.decode")
    def decode(self, batch: FieldBatch, requests: Sequence[DecodeRequest]) -> list[torch.Tensor | None]:
        return [self._request(batch, r) for r in requests]

    @staticmethod
    def _request(batch: FieldBatch, request: DecodeRequest) -> torch.Tensor | None:
        rows = batch.take_output_rows(request)
        if rows.null_count:
            return None
        frames = [_decode(rows, i) for i in range(len(rows) if batch.is_windowed else 1)]
        if any(f is None for f in frames):
            return None
        tensors = [f for f in frames if f is not None]
        if not batch.is_windowed:
            return tensors[0]
        if any(t.shape != tensors[0].shape for t in tensors[1:]):
            return None
        return torch.stack(tensors)


def _decode(rows: pa.Array, row: int) -> torch.Tensor | None:
    try:
        with Image.open(io.BytesIO(blob_bytes(rows, row))) as image:
            # as torchvision's pil_to_tensor: the image's own channels, [C, H, W]
            pixels = np.array(image, copy=True)
    except (OSError, ValueError):
        return None
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    return torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1)))
