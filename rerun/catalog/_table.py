"""``TableEntry``: a table of the catalog (Lance on the server): read, append, overwrite, upsert."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.store.rrd import dataframe_part_from_arrow, dataframe_part_to_table

from ._conn import entry_id_from_proto
from ._entry_base import Entry
from ._internal import EntryHandle, read_schema

if TYPE_CHECKING:
    import datafusion

    from ._entry import DatasetEntry

_BatchesType: TypeAlias = (
    pa.RecordBatchReader | pa.RecordBatch | Sequence[pa.RecordBatch] | Sequence[Sequence[pa.RecordBatch]]
)


def _flatten(
    batches: pa.RecordBatch | Sequence[pa.RecordBatch] | Sequence[Sequence[pa.RecordBatch]],
) -> list[pa.RecordBatch]:
    if isinstance(batches, pa.RecordBatch):
        return [batches]
    out: list[pa.RecordBatch] = []
    for item in batches:
        if isinstance(item, pa.RecordBatch):
            out.append(item)
        elif isinstance(item, Sequence):
            out.extend(item)
        else:
            raise TypeError(f"Unexpected type: {type(item)}")
    return out


def _named_params_batch(schema: pa.Schema, named: dict[str, Any]) -> pa.RecordBatch | None:
    """Columns given by name (missing ones null); None when there are no rows."""
    arrays: dict[str, pa.Array] = {}
    rows: int | None = None
    for name, value in named.items():
        field = schema.field(name)
        if isinstance(value, str):
            value = [value]
        try:
            arr = pa.array(value, type=field.type)
        except TypeError:
            arr = pa.array([value], type=field.type)
        arrays[name] = arr
        if rows is None:
            rows = len(arr)
        elif len(arr) != rows:
            msg = f"Columns have mismatched number of rows. Column '{name}' has {len(arr)} rows but expected {rows}."
            if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
                msg += (
                    " Hint: For single-row list-typed columns, wrap your list in another list:"
                    f" {name}=[[…]] instead of {name}=[…]"
                )
            raise ValueError(msg)
    if not rows:
        return None
    cols = [arrays.get(f.name, pa.nulls(rows, f.type)) for f in schema]
    return pa.RecordBatch.from_arrays(cols, schema=schema)


class TableEntry(Entry[EntryHandle]):
    """A table entry: ``reader()`` reads it, ``append``/``overwrite``/``upsert`` write it."""

    def _schema(self) -> pa.Schema:
        req = pb.GetTableSchemaRequest(table_id=self._internal.proto_id())
        return read_schema(self._conn.call("GetTableSchema", req, entry=self.id).schema)

    def _scan(self) -> pa.Table:
        schema = self._schema()
        req = pb.ScanTableRequest(table_id=self._internal.proto_id())
        parts = [
            dataframe_part_to_table(r.dataframe_part)
            for r in self._conn.stream("ScanTable", req, entry=self.id)
        ]
        if not parts:
            return schema.empty_table()
        return pa.concat_tables([p.cast(schema) if p.schema != schema else p for p in parts])

    def __datafusion_table_provider__(self, session: Any) -> Any:
        """A DataFusion table provider capsule: ``ctx.register_table(name, entry)`` (rows as of now)."""
        from ._table_provider import table_provider_capsule

        return table_provider_capsule(self._scan(), session)

    def reader(self) -> datafusion.DataFrame:
        """The table as a DataFrame, also registered under its name in ``catalog.ctx``."""
        ctx = self._client.ctx
        table = self._scan()
        if ctx.table_exist(self.name):
            ctx.deregister_table(self.name)
        import pyarrow.dataset as pads

        ctx.register_dataset(self.name, pads.dataset(table))
        return ctx.table(self.name)

    def to_arrow_reader(self) -> pa.RecordBatchReader:
        table = self._scan()
        return pa.RecordBatchReader.from_batches(table.schema, table.to_batches())

    @property
    def storage_url(self) -> str:
        """The table's storage URL (its Lance table)."""
        assert self._internal.table is not None
        lance = pb.LanceTable()
        if not self._internal.table.provider_details.Unpack(lance):
            raise ValueError(f"table {self.name!r} has no storage URL (not a Lance table)")
        return lance.table_url

    def arrow_schema(self) -> pa.Schema:
        return self._schema()

    # --- blueprints

    def blueprint_dataset(self) -> DatasetEntry:
        """The hidden dataset holding this table's blueprints (deleted with the table)."""
        assert self._internal.table is not None
        details = self._internal.table.table_details
        if not details.HasField("blueprint_dataset"):
            raise LookupError("a blueprint dataset is not configured for this table")
        return self._client._dataset_by_id(entry_id_from_proto(details.blueprint_dataset))

    def register_blueprint(
        self, uri: str, set_default: bool = True, *, object_store_config: str | None = None
    ) -> None:
        """Register an .rbl the server can read as this table's blueprint (by default the default one)."""
        from ._types import OnDuplicateSegmentLayer

        op = self.blueprint_dataset().register(
            [uri], on_duplicate=OnDuplicateSegmentLayer.REPLACE, object_store_config=object_store_config
        )
        segment_id = op.wait().segment_ids[0]
        if set_default:
            self.set_default_blueprint(segment_id)

    def blueprints(self) -> list[str]:
        return self.blueprint_dataset().segment_ids()

    def set_default_blueprint(self, blueprint_name: str | None) -> None:
        assert self._internal.table is not None
        details = pb.TableDetails()
        details.CopyFrom(self._internal.table.table_details)
        if blueprint_name is None:
            details.ClearField("default_blueprint_segment")
        else:
            details.default_blueprint_segment.id = blueprint_name
        req = pb.UpdateTableEntryRequest(id=self._internal.proto_id(), table_details=details)
        self._internal.table = self._conn.call("UpdateTableEntry", req, entry=self.id).table

    def default_blueprint(self) -> str | None:
        assert self._internal.table is not None
        details = self._internal.table.table_details
        return details.default_blueprint_segment.id if details.HasField("default_blueprint_segment") else None

    # --- writes

    def append(self, batches: _BatchesType | None = None, **named_params: Any) -> None:
        """Append batches (a reader, batch, list, or list of lists) or columns given by name."""
        self._write(batches, named_params, pb.TABLE_INSERT_MODE_APPEND)

    def overwrite(self, batches: _BatchesType | None = None, **named_params: Any) -> None:
        """Replace the whole table's contents."""
        self._write(batches, named_params, pb.TABLE_INSERT_MODE_OVERWRITE)

    def upsert(self, batches: _BatchesType | None = None, **named_params: Any) -> None:
        """Insert or replace rows by the column marked ``rerun:is_table_index``."""
        self._write(batches, named_params, pb.TABLE_INSERT_MODE_REPLACE)

    def _write(self, batches: _BatchesType | None, named: dict[str, Any], mode: int) -> None:
        if batches is not None and named:
            raise TypeError("Cannot pass both batches and named parameters. Use one or the other.")
        if batches is None:
            batch = _named_params_batch(self._schema(), named)
            flat = [] if batch is None else [batch]
        elif isinstance(batches, pa.RecordBatchReader):
            flat = list(batches)
        else:
            flat = _flatten(batches)
        if flat:
            self._send(flat, mode)

    def _send(self, batches: list[pa.RecordBatch], mode: int) -> None:
        def requests() -> Iterator[pb.WriteTableRequest]:
            for b in batches:
                yield pb.WriteTableRequest(dataframe_part=dataframe_part_from_arrow(b), insert_mode=mode)  # type: ignore[arg-type]

        self._conn.stream_in("WriteTable", requests(), entry=self.id)
