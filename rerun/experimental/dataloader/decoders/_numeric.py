"""``NumericDecoder``: numeric (and nested numeric list) columns to tensors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from .._tracing import with_tracing
from ._arrow import flat_values_with_offsets, to_numpy
from ._base import ColumnDecoder, DecodeRequest, FieldBatch


class NumericDecoder(ColumnDecoder[torch.Tensor]):
    """Numeric columns to tensors in one gather per batch.

    A sample's row gives a 1-D tensor of its values; a windowed field ``[T, D]`` (all rows of a
    window must have the same width, else the sample is None). Null rows give None.
    """

    @with_tracing("NumericDecoder.decode")
    def decode(self, batch: FieldBatch, requests: Sequence[DecodeRequest]) -> list[torch.Tensor | None]:
        flat = None if batch.select is not None else flat_values_with_offsets(batch.column)
        if flat is None:
            return [_one(batch, r) for r in requests]
        values, offsets = flat
        row_widths = np.diff(offsets)  # offsets: one per row, plus the end
        groups = [r.output_row_indices for r in requests]
        out_widths = np.array([row_widths[i] for g in groups for i in g], dtype=np.int64)
        uniform = out_widths.size > 0 and bool((out_widths == out_widths[0]).all())
        if batch.is_windowed and out_widths.size and not uniform:
            return [_one(batch, r) for r in requests]
        tensor = torch.from_numpy(values)
        if uniform and out_widths[0] > 0:
            width = int(out_widths[0])
            index = offsets[np.asarray(groups, dtype=np.int64), None] + np.arange(width, dtype=np.int64)
            gathered = torch.from_numpy(values[index])
            if not batch.is_windowed:
                gathered = gathered.reshape(len(requests), -1)
            return list(gathered.unbind(0))
        if not batch.is_windowed:
            return [tensor[offsets[g[0]] : offsets[g[0]] + row_widths[g[0]]].clone() for g in groups]
        if not out_widths.size:
            return []
        width = int(out_widths[0])
        return [tensor[offsets[np.asarray(g), None] + np.arange(width)].clone() for g in groups]


def _one(batch: FieldBatch, request: DecodeRequest) -> torch.Tensor | None:
    rows = batch.take_output_rows(request)
    if rows.null_count:
        return None
    if not batch.is_windowed:
        return torch.as_tensor(to_numpy(rows))
    values = [torch.as_tensor(to_numpy(rows.slice(i, 1))) for i in range(len(rows))]
    if any(v.shape != values[0].shape for v in values[1:]):
        return None
    return torch.stack(values)
