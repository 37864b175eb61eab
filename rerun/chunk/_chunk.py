"""``rerun.chunk.Chunk``: build, inspect, transform and convert one chunk (0.41's chunk API).

A thin user-facing view over ``rerun_core.store.chunk.Chunk`` (the record batch stays the truth).
Construction reuses the ``send_columns`` / ``send_dataframe`` column handling so a chunk built
here is exactly what those calls would have sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from rerun_core.store.chunk import Chunk as CoreChunk
from rerun_core.store.chunk import TimeColumn as CoreTimeColumn
from rerun_core.store.lenses import LensError, apply_lenses
from rerun_core.types import ComponentDescriptor, new_tuids
from rerun_core.types.entity_path import format_entity_path

from .._log import _batches_of, entity_path_str, to_descriptor
from .._send_columns import _as_list_column, build_column_args
from .._sentinels import AUTO_INDEX
from ._record_batch import IndexArg, chunks_of
from ._selector import Selector, as_selector

if TYPE_CHECKING:
    from ._lens import Lens


def _core_chunk(entity: str, timelines: list[Any], comps: dict[ComponentDescriptor, pa.Array]) -> CoreChunk:
    if timelines:
        num_rows = len(timelines[0][2])
    else:
        num_rows = len(next(iter(comps.values()))) if comps else 0
    index = [CoreTimeColumn.from_values(name, typ, values) for name, typ, values in timelines]
    return CoreChunk.from_columns(entity_path_str(entity), new_tuids(num_rows), index, comps)


def _as_reader(dataframe: object) -> Iterable[pa.RecordBatch]:
    if isinstance(dataframe, pa.RecordBatchReader):
        return dataframe
    if isinstance(dataframe, pa.Table):
        return dataframe.to_reader()
    if isinstance(dataframe, pa.RecordBatch):
        return [dataframe]
    if hasattr(dataframe, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(dataframe)
    raise TypeError(
        "Expected a pyarrow Table, pyarrow RecordBatch, pyarrow RecordBatchReader, or an "
        f"Arrow-C-stream object (e.g. a datafusion DataFrame), got {type(dataframe).__name__}"
    )


def _component_name(source: ComponentDescriptor | str) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, ComponentDescriptor):
        return source.component
    raise TypeError(f"expected a ComponentDescriptor or a component name, got {type(source).__name__}")


_REDACT = [
    re.compile(r"(\* (?:rerun:)?id: )(chunk_[0-9A-Fa-f]{32})( *)"),
    re.compile(r"(\* (?:sorbet:)?version: )(\S+)( *)"),
    re.compile(r"(row_)([0-9A-Fa-f]{32})( *)"),
]


def _redacted(text: str) -> str:
    """Non-deterministic values replaced, the box kept aligned (trailing padding absorbs it)."""
    mark = "[**REDACTED**]"

    def sub(m: re.Match[str]) -> str:
        width = len(m.group(2)) + len(m.group(3))
        return m.group(1) + mark + " " * max(width - len(mark), 0)

    for pattern in _REDACT:
        text = pattern.sub(sub, text)
    return text


class Chunk:
    """A single chunk of data from a recording: one entity, its timelines and component columns."""

    __slots__ = ("_internal",)

    def __init__(self, internal: CoreChunk) -> None:
        self._internal = internal

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def from_columns(cls, entity_path: str, indexes: Iterable[Any], columns: Iterable[Any]) -> Chunk:
        """Build a chunk the way ``rr.send_columns`` would (fresh chunk id and row ids).

        Raises ``ValueError`` when the columns' lengths differ.
        """
        timelines, comps = build_column_args(indexes, columns)
        return cls(_core_chunk(entity_path, timelines, comps))

    @classmethod
    def from_record_batch(
        cls, record_batch: pa.RecordBatch, *, index: IndexArg = AUTO_INDEX, entity_path: str | None = None
    ) -> list[Chunk]:
        """One chunk per entity path found in the batch (``rerun:*`` metadata or column names).

        A batch that is already a full chunk (e.g. from ``to_record_batch``) keeps its ids when
        neither ``index`` nor ``entity_path`` is given.
        """
        if not isinstance(record_batch, pa.RecordBatch):
            raise TypeError(f"Expected a pyarrow RecordBatch, got {type(record_batch).__name__}")
        return [cls(c) for c in chunks_of(record_batch, index, entity_path)]

    @classmethod
    def from_dataframe(
        cls, dataframe: object, *, index: IndexArg = AUTO_INDEX, entity_path: str | None = None
    ) -> Iterator[Chunk]:
        """Lazily turn a Table / RecordBatch / RecordBatchReader into chunks (batch by batch)."""
        reader = _as_reader(dataframe)  # type errors surface at call time, not on first next()

        def chunks() -> Iterator[Chunk]:
            for batch in reader:
                yield from cls.from_record_batch(batch, index=index, entity_path=entity_path)

        return chunks()

    @classmethod
    def from_property(cls, name: str, values: object) -> Chunk:
        """A static one-row chunk at ``/__properties/<name>``, as ``rr.send_property`` logs it."""
        batches: list[Any] = []
        _batches_of(values, batches)
        comps: dict[ComponentDescriptor, pa.Array] = {}
        for batch in batches:
            arr = batch.as_arrow_array()
            comps.setdefault(
                to_descriptor(batch), _as_list_column(pa.array([arr.to_pylist()], pa.list_(arr.type)))
            )
        path = format_entity_path(("__properties", str(name)))
        return cls(CoreChunk.from_columns(path, new_tuids(1), [], comps))

    # --- inspection -------------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The unique id of this chunk (``chunk_<tuid>``)."""
        return f"chunk_{self._internal.id}"

    @property
    def entity_path(self) -> str:
        return str(self._internal.entity_path.path)

    @property
    def num_rows(self) -> int:
        return self._internal.num_rows

    @property
    def num_columns(self) -> int:
        """Every column of the record batch: row ids, timelines and components."""
        return self._internal.batch.num_columns

    @property
    def is_static(self) -> bool:
        return self._internal.is_static

    @property
    def is_empty(self) -> bool:
        return self._internal.num_rows == 0

    @property
    def timeline_names(self) -> list[str]:
        return sorted(self._internal.timelines)

    # --- conversion / transformation --------------------------------------------------------

    def to_record_batch(self) -> pa.RecordBatch:
        """The chunk as a sorbet record batch (what goes on the wire)."""
        return self._internal.to_record_batch()

    def with_entity_path(self, entity_path: str) -> Chunk:
        """The same rows under another entity: fresh chunk id, row ids and columns kept."""
        core = self._internal
        return Chunk(
            CoreChunk.from_columns(
                entity_path_str(entity_path), core.row_ids, core.timelines, core.components
            )
        )

    def apply_selector(self, source: ComponentDescriptor | str, selector: Selector | str) -> Chunk:
        """This chunk with one component replaced by ``selector`` run on each of its rows.

        Raises ``ValueError`` when the component is absent or the selector fails.
        """
        name = _component_name(source)
        sel = as_selector(selector)
        core = self._internal
        comps = dict(core.components)
        desc = next((d for d in comps if d.component == name), None)
        if desc is None:
            raise ValueError(f"Component '{name}' not found in chunk for entity `{core.entity_path}`")
        out = sel.execute_per_row(comps[desc])
        if out is None:
            del comps[desc]
        else:
            comps[desc] = out
        return Chunk(
            CoreChunk.from_columns(core.entity_path, new_tuids(core.num_rows), core.timelines, comps)
        )

    def apply_lenses(self, lenses: Sequence[Lens] | Lens) -> list[Chunk]:
        """The chunks the lenses make of this one; unconsumed columns are forwarded.

        With no matching lens the chunk itself comes back. Raises ``ValueError`` when a lens fails.
        """
        from ._lens import core_lenses

        try:
            return [Chunk(c) for c in apply_lenses(core_lenses(lenses), self._internal, "forward_unmatched")]
        except LensError as exc:
            raise ValueError(str(exc)) from None

    def format(self, *, width: int = 240, redact: bool = False, trim_metadata_keys: bool = True) -> str:
        """A boxed text table of the chunk, like ``rerun rrd print -vvv``.

        ``redact`` hides the chunk id, row ids and sorbet version (stable snapshots); ``width`` is
        accepted for compatibility, the table is sized to its content.
        """
        from ..cli.rrd_print import format_chunk

        text = format_chunk(self._internal, verbose=3, full_metadata=not trim_metadata_keys)
        return _redacted(text) if redact else text

    def __repr__(self) -> str:
        return (
            f"Chunk(id={self.id}, entity_path={self.entity_path}, num_rows={self.num_rows}, "
            f"num_columns={self.num_columns})"
        )

    def __str__(self) -> str:
        return self.format()

    def __len__(self) -> int:
        return self.num_rows
