"""What an entry wrapper holds: its client, connection and the server's last answer about it.

The public classes take one of these as ``inner`` (as 0.41's take a Rust-side object), so their
constructors look like 0.41's; users get them from ``CatalogClient``, never build them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2
from rerun_core.store.rrd import dataframe_part_to_table

from ._conn import Connection, entry_id_from_proto, entry_id_to_proto
from ._types import EntryId

if TYPE_CHECKING:
    from ._client import CatalogClient


@dataclass
class EntryHandle:
    """One entry; ``details`` and ``dataset``/``table`` are refreshed by the calls that change them."""

    client: CatalogClient
    conn: Connection
    details: pb.EntryDetails
    dataset: pb.DatasetEntry | None = None
    table: pb.TableEntry | None = None

    @property
    def id(self) -> EntryId:
        return entry_id_from_proto(self.details.id)

    def proto_id(self) -> common_pb2.EntryId:
        return entry_id_to_proto(self.id)

    def scan_segment_table(self, columns: list[str], segment_ids: list[str] | None = None) -> pa.Table:
        """ScanSegmentTable for some columns (all if empty), optionally of some segments only."""
        req = pb.ScanSegmentTableRequest(columns=columns)
        if segment_ids is not None:
            req.segment_id_filter.scan_only.segment_ids.extend(segment_ids)
        parts = [
            dataframe_part_to_table(r.data) for r in self.conn.stream("ScanSegmentTable", req, entry=self.id)
        ]
        return concat_or_empty(parts, columns)


def concat_or_empty(parts: list[pa.Table], columns: list[str] | None = None) -> pa.Table:
    if parts:
        return pa.concat_tables(parts, promote_options="permissive")
    return pa.table({c: pa.array([], pa.string()) for c in columns or []})


def read_schema(message: common_pb2.Schema) -> pa.Schema:
    return pa.ipc.read_schema(pa.py_buffer(message.arrow_schema))


def segment_ids_proto(ids: list[str]) -> list[common_pb2.SegmentId]:
    return [common_pb2.SegmentId(id=s) for s in ids]
