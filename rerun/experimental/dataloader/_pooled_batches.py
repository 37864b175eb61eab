"""``PooledBatchCollator``: 0.41's collate_fn that reuses shared-memory batch buffers.

Here it collates with PyTorch's ``default_collate`` (``Yuv420Frame`` leaves stacked) without
pooling: the batches are the same, each one freshly allocated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from torch.utils.data import default_collate

from ._yuv import Yuv420Frame


class PooledBatchCollator:
    """Collate sample dicts into batches (no buffer pooling in this implementation)."""

    def __init__(self, *, slots_per_field: int = 4, max_pool_bytes: int = 4 * 1024**3) -> None:
        for limit in (slots_per_field, max_pool_bytes):
            if not isinstance(limit, int) or isinstance(limit, bool):
                raise TypeError("Pool limits must be integers")
        if slots_per_field < 1 or max_pool_bytes < 1:
            raise ValueError("Pool limits must be positive")
        self.slots_per_field = slots_per_field
        self.max_pool_bytes = max_pool_bytes
        self._batches = 0

    def __call__(self, samples: Sequence[Any]) -> Any:
        self._batches += 1
        return _collate(list(samples))

    def stats(self) -> dict[str, Any]:
        """Allocation counters (every batch is a fresh allocation here)."""
        return {"allocations": self._batches, "reuses": 0, "fallbacks": 0}


def _collate(values: list[Any]) -> Any:
    first = values[0] if values else None
    if isinstance(first, Yuv420Frame):
        return Yuv420Frame.stack(values)
    if isinstance(first, dict):
        return {k: _collate([v[k] for v in values]) for k in first}
    return default_collate(values)
