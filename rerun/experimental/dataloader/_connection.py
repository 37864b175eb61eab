"""What a dataset needs in each ``DataLoader`` worker: the catalog dataset and the decoders.

Pickled into spawned workers by URL and entry id; each process reconnects on first use.
"""

from __future__ import annotations

import multiprocessing
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rerun.catalog import DatasetEntry

    from ._config import DataSource, Field
    from .decoders._base import ColumnDecoder


def warn_if_fork_unsafe(stacklevel: int) -> None:
    """Forked workers inherit the parent's gRPC channel, which is not fork-safe: say so once."""
    if multiprocessing.get_start_method(allow_none=True) == "fork":
        warnings.warn(
            "DataLoader workers started with 'fork' share the catalog connection; use "
            "multiprocessing_context='spawn' or 'forkserver' with num_workers > 0.",
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
