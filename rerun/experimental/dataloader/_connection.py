"""What a dataset needs in each ``DataLoader`` worker: the catalog dataset and the decoders.

Pickled into spawned workers by URL and entry id; each process reconnects on first use.
"""

from __future__ import annotations

import multiprocessing
import sys
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rerun.catalog import DatasetEntry

    from ._config import DataSource, Field
    from .decoders._base import ColumnDecoder


def warn_if_fork_unsafe(stacklevel: int) -> None:
    """Workers forked from this process (Linux's default start method) would share its gRPC
    channel, which does not survive ``fork``: warn, as 0.41 does."""
    method = multiprocessing.get_start_method(allow_none=True)
    if method != "fork" and not (method is None and sys.platform.startswith("linux")):
        return
    warnings.warn(
        "The default multiprocessing start method is 'fork'. The Rerun dataloader needs 'spawn' or "
        "'forkserver' for DataLoader workers (num_workers > 0): forked workers share the catalog "
        "connection, which does not survive fork. Pass "
        "`multiprocessing_context=multiprocessing.get_context('spawn')` to your DataLoader, or call "
        "`torch.multiprocessing.set_start_method('spawn')` before creating workers. You can ignore "
        "this warning if you use num_workers=0.",
        RuntimeWarning,
        stacklevel=stacklevel + 1,
    )


class WorkerConnection:
    """The dataset view (segments applied) and decoders; reconnects after unpickling."""

    def __init__(
        self, url: str, dataset_id: str, segments: list[str] | None, fields: dict[str, Field]
    ) -> None:
        self._url = url
        self._dataset_id = dataset_id
        self._segments = segments
        self._decoders = {k: f.decode for k, f in fields.items()}
        self._view: DatasetEntry | None = None

    @classmethod
    def from_source(cls, source: DataSource, fields: dict[str, Field]) -> WorkerConnection:
        conn = cls(source.dataset._client.url, str(source.dataset.id), source.segments, fields)
        conn._view = source.dataset
        return conn

    def ensure(self) -> tuple[DatasetEntry, dict[str, ColumnDecoder[Any]]]:
        if self._view is None:
            from rerun.catalog import CatalogClient

            self._view = CatalogClient(self._url).get_dataset(id=self._dataset_id)
        return self._view, self._decoders

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_view"] = None
        return state
