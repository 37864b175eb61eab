"""``DatasetSelection``: a dataset narrowed to some segments and/or entities (read lazily)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ._content_filter import ContentFilter
from ._schema import Schema

if TYPE_CHECKING:
    import datafusion
    import ray.data

    from ._entry import DatasetEntry
    from ._table import TableEntry


@dataclass(frozen=True)
class SelectionState:
    """The dataset, the segments kept (None: all) and every ``filter_contents`` call's expressions."""

    dataset: DatasetEntry
    segments: list[str] | None = None
    contents: list[list[str]] | None = None


def _segment_list(segment_ids: str | Sequence[str] | datafusion.DataFrame) -> list[str]:
    if isinstance(segment_ids, str):
        return [segment_ids]
    if isinstance(segment_ids, Sequence):
        return [str(s) for s in segment_ids]
    return [str(s) for s in segment_ids.select("rerun_segment_id").to_pydict()["rerun_segment_id"]]


class DatasetSelection:
    """What ``filter_segments`` / ``filter_contents`` return; ``reader()`` reads only that."""

    def __init__(self, internal: SelectionState) -> None:
        self._internal = internal
        # read by reader() (owned with the reader code)
        self._dataset = internal.dataset
        self._segments = internal.segments
        self._contents = internal.contents

    @property
    def dataset(self) -> DatasetEntry:
        return self._dataset

    def _arrow_schema(self) -> pa.Schema:
        """The dataset's Arrow schema narrowed to the entities the content filters keep."""
        arrow = self._dataset._arrow_schema()
        if not self._contents:
            return arrow
        kept = set(Schema(arrow).entity_paths(include_properties=True))
        for exprs in self._contents:
            kept = {p for p in kept if _keeps(p, exprs)}
        return pa.schema(
            [f for f in arrow if (f.metadata or {}).get(b"rerun:kind") != b"data" or _path(f) in kept],
            metadata=arrow.metadata,
        )

    def schema(self) -> Schema:
        """The schema of what this selection reads (content filters applied)."""
        return Schema(self._arrow_schema())

    def arrow_schema(self) -> pa.Schema:
        return self._arrow_schema()

    def segment_ids(self) -> list[str]:
        ids = self._dataset.segment_ids()
        return ids if self._segments is None else [s for s in ids if s in set(self._segments)]

    def segment_table(
        self,
        join_meta: TableEntry | datafusion.DataFrame | None = None,
        join_key: str = "rerun_segment_id",
    ) -> datafusion.DataFrame:
        """The dataset's segment table (joined with ``join_meta``), for the selected segments."""
        df = self._dataset.segment_table(join_meta, join_key)
        if self._segments is None:
            return df
        from datafusion import col, functions, lit

        return df.filter(functions.in_list(col("rerun_segment_id"), [lit(s) for s in self._segments]))

    def filter_segments(self, segment_ids: str | Sequence[str] | datafusion.DataFrame) -> DatasetSelection:
        wanted = _segment_list(segment_ids)
        if self._segments is not None:
            wanted = [s for s in wanted if s in set(self._segments)]
        return DatasetSelection(SelectionState(self._dataset, wanted, self._contents))

    def filter_contents(self, exprs: ContentFilter | str | Sequence[str]) -> DatasetSelection:
        """Keep the entities the expressions (``/a/**``, ``-/b``) select; calls narrow further."""
        if isinstance(exprs, ContentFilter):
            new = exprs.to_exprs()
        else:
            new = [exprs] if isinstance(exprs, str) else list(exprs)
        return DatasetSelection(SelectionState(self._dataset, self._segments, [*(self._contents or []), new]))

    def reader(
        self,
        index: str | None,
        *,
        include_semantically_empty_columns: bool = False,
        include_tombstone_columns: bool = False,
        using_index_values: Any = None,
        fill_latest_at: bool = False,
    ) -> datafusion.DataFrame:
        """``DatasetEntry.reader`` over the selected segments and entities only."""
        return self._dataset._read(
            index,
            segments=self._segments,
            contents=self._contents,
            include_semantically_empty_columns=include_semantically_empty_columns,
            include_tombstone_columns=include_tombstone_columns,
            using_index_values=using_index_values,
            fill_latest_at=fill_latest_at,
        )

    def to_ray(self, index: str | None, **reader_options: Any) -> ray.data.Dataset:
        """``DatasetEntry.to_ray`` for the selected segments and entities only."""
        from ._ray import to_ray

        return to_ray(
            self._dataset, index, segments=self._segments, contents=self._contents, **reader_options
        )

    def get_index_ranges(self) -> datafusion.DataFrame:
        """Per selected segment: ``<timeline>:start`` / ``<timeline>:end`` of every index."""
        exprs = ["rerun_segment_id"]
        for col in self.schema().index_columns():
            exprs += [f"{col.name}:start", f"{col.name}:end"]
        return self.segment_table().select(*exprs)

    def __repr__(self) -> str:
        segments = "all segments" if self._segments is None else f"{len(set(self._segments))} segments"
        filters = [e for exprs in self._contents or [] for e in exprs]
        content = f"content_filters={filters!r}" if self._contents else "no content filter"
        return f"DatasetSelection({self._dataset}, {segments}, {content})"


def _path(field: pa.Field) -> str:
    return ((field.metadata or {}).get(b"rerun:entity_path") or b"").decode()


def _keeps(path: str, exprs: list[str]) -> bool:
    """Whether a content filter keeps an entity (the most specific rule wins, as the reader's)."""
    from rerun_core.store.contents import PROPERTIES_ENTITY, parse_contents
    from rerun_core.types import EntityPath

    rules = parse_contents(exprs)
    entity = EntityPath(path)
    if entity.starts_with(PROPERTIES_ENTITY) and not any(
        r.include and r.path.starts_with(PROPERTIES_ENTITY) for r in rules
    ):
        return False
    best: tuple[int, int, bool] | None = None
    for r in rules:
        if r.matches(entity):
            rank = (len(r.path.parts), 0 if r.subtree else 1, r.include)
            if best is None or rank[:2] >= best[:2]:
                best = rank
    return best is not None and best[2]
