"""``DatasetSelection``: a dataset narrowed to some segments and/or entities (read lazily)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._schema import Schema

if TYPE_CHECKING:
    import datafusion

    from ._entry import DatasetEntry


def _segment_list(segment_ids: Any) -> list[str]:
    if isinstance(segment_ids, str):
        return [segment_ids]
    if hasattr(segment_ids, "to_arrow_table"):  # a DataFusion DataFrame with rerun_segment_id
        return [str(s) for s in segment_ids.to_arrow_table().column("rerun_segment_id").to_pylist()]
    return [str(s) for s in segment_ids]


class DatasetSelection:
    """What ``filter_segments`` / ``filter_contents`` return; ``reader()`` reads only that."""

    def __init__(
        self,
        dataset: DatasetEntry,
        segments: list[str] | None = None,
        contents: list[list[str]] | None = None,
    ) -> None:
        self._dataset = dataset
        self._segments = segments
        self._contents = contents

    @property
    def dataset(self) -> DatasetEntry:
        return self._dataset

    def schema(self) -> Schema:
        """The dataset's schema (not narrowed to the selection)."""
        return self._dataset.schema()

    def segment_ids(self) -> list[str]:
        ids = self._dataset.segment_ids()
        return ids if self._segments is None else [s for s in ids if s in set(self._segments)]

    def filter_segments(self, segment_ids: str | Sequence[str] | datafusion.DataFrame) -> DatasetSelection:
        wanted = _segment_list(segment_ids)
        if self._segments is not None:
            wanted = [s for s in wanted if s in set(self._segments)]
        return DatasetSelection(self._dataset, wanted, self._contents)

    def filter_contents(self, exprs: str | Sequence[str]) -> DatasetSelection:
        """Keep the entities the expressions (``/a/**``, ``-/b``) select; calls narrow further."""
        new = [exprs] if isinstance(exprs, str) else list(exprs)
        return DatasetSelection(self._dataset, self._segments, [*(self._contents or []), new])

    def reader(self, index: str | None, **kwargs: Any) -> datafusion.DataFrame:
        return self._dataset._read(index, segments=self._segments, contents=self._contents, **kwargs)

    def get_index_ranges(self) -> datafusion.DataFrame:
        """As ``DatasetEntry.get_index_ranges``, for the selected segments."""
        ranges = self._dataset.get_index_ranges()
        if self._segments is None:
            return ranges
        from datafusion import col, functions, lit

        return ranges.filter(functions.in_list(col("rerun_segment_id"), [lit(s) for s in self._segments]))
