"""A raw redap probe: call one RerunCloudService RPC, return a normalised, JSON-able outcome.

Used to record how the real 0.41 ``rerun server`` answers (docs/redap-observed.md) and to hold
ours to it (test_redap_parity.py). Outcomes strip what legitimately differs between two servers
over the same data (entry ids, task ids, times, temp paths), so two outcomes compare with ``==``.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import grpc
import pyarrow as pa
from google.protobuf.message import Message

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc
from rerun_core.proto.gen import common_pb2 as cpb
from rerun_core.store.rrd.protocol import dataframe_part_to_table

SERVICE = pb.DESCRIPTOR.services_by_name["RerunCloudService"]
CALL_TIMEOUT = 10.0
MAX_ROWS = 40
MAX_MESSAGE = 400
# Field metadata worth comparing; rerun:id and friends are fresh per chunk.
KEPT_FIELD_META = (
    "rerun:kind",
    "rerun:component",
    "rerun:archetype",
    "rerun:component_type",
    "rerun:index_name",
    "rerun:entity_path",
    "rerun:is_sorted",
    "rerun:is_table_index",
)


@dataclass
class Outcome:
    """What one call answered: a status name, its normalised message, the normalised answer."""

    code: str
    message: str = ""
    answer: Any = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def key(self) -> dict[str, Any]:
        """What two servers must agree on (notes are commentary)."""
        return {"code": self.code, "message": self.message, "answer": self.answer}


class Normaliser:
    """Replaces what differs between servers (paths under ``root``, ids, times, addresses)."""

    def __init__(self, root: str = "", extra: Sequence[tuple[str, str]] = ()) -> None:
        self.subs: list[tuple[str, str]] = [(root, "<ROOT>")] if root else []
        self.subs += list(extra)

    def text(self, s: str) -> str:
        for old, new in self.subs:
            s = s.replace(old, new)
        s = re.sub(r"(?<![0-9A-Za-z])[0-9A-F]{16}[0-9a-fA-F]{16}(?![0-9A-Za-z])", "<ID>", s)
        s = re.sub(r"__(bp|as)_[0-9A-F]{16}[0-9a-fA-F]{16}", r"__\1_<ID>", s)
        s = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<UUID>", s)
        s = re.sub(r"task_[0-9A-Za-z]+", "task_<ID>", s)
        s = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<PORT>", s)
        s = re.sub(r"/tmp/[^\s\"',)]*", "<TMP>", s)
        s = re.sub(r"/upload/[A-Za-z0-9_.=-]+", "/upload/<TOKEN>", s)
        s = re.sub(r"\b\d{12,}\b", "<BIGNUM>", s)  # random revisions
        s = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", "<TIME>", s)
        return s[:MAX_MESSAGE] + ("…" if len(s) > MAX_MESSAGE else "")

    def value(self, v: Any) -> Any:
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, bytes):
            return f"<{len(v)} bytes>"
        if isinstance(v, datetime.datetime | datetime.date | datetime.timedelta):
            return "<TIME>"
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [self.value(x) for x in v]
        if isinstance(v, float) and v != v:
            return "NaN"
        return v

    # --- arrow -------------------------------------------------------------------------

    def schema(self, schema: pa.Schema) -> dict[str, Any]:
        fields = []
        for f in schema:
            meta = {k.decode(): v.decode(errors="replace") for k, v in (f.metadata or {}).items()}
            kept = {k: self.text(v) for k, v in sorted(meta.items()) if k in KEPT_FIELD_META}
            fields.append([f.name, str(f.type), f.nullable, kept])
        meta = {k.decode(): v.decode(errors="replace") for k, v in (schema.metadata or {}).items()}
        return {"fields": fields, "metadata": {k: self.text(v) for k, v in sorted(meta.items())}}

    def table(self, table: pa.Table) -> dict[str, Any]:
        """Schema, row count and (sorted, normalised) rows: row order is not part of the contract."""
        rows = [json.dumps(self.value(r), sort_keys=True, default=str) for r in table.to_pylist()]
        rows.sort()
        out: dict[str, Any] = {"schema": self.schema(table.schema), "num_rows": table.num_rows}
        out["rows"] = [json.loads(r) for r in rows[:MAX_ROWS]]
        return out

    # --- protobuf ----------------------------------------------------------------------

    def message(self, msg: Message) -> Any:
        if isinstance(msg, cpb.DataframePart):
            try:
                return {"dataframe": self.table(dataframe_part_to_table(msg))}
            except Exception as exc:  # the answer itself is what we record
                return {"dataframe_error": str(exc)[:200]}
        if isinstance(msg, cpb.Schema):
            try:
                return {"arrow_schema": self.schema(pa.ipc.read_schema(pa.py_buffer(msg.arrow_schema)))}
            except Exception as exc:
                return {"schema_error": str(exc)[:200]}
        if isinstance(msg, cpb.Tuid):
            return "<TUID>"
        if msg.DESCRIPTOR.full_name == "google.protobuf.Timestamp":
            return "<TIME>"
        out: dict[str, Any] = {}
        for fd, val in msg.ListFields():
            if fd.message_type is not None:
                if fd.is_repeated and not _is_map(fd):
                    out[fd.name] = [self.message(v) for v in val]
                else:
                    out[fd.name] = self.message(val) if not _is_map(fd) else dict(val)
            elif fd.enum_type is not None:
                names = [
                    fd.enum_type.values_by_number[v].name if v in fd.enum_type.values_by_number else str(v)
                    for v in (val if fd.is_repeated else [val])
                ]
                out[fd.name] = names if fd.is_repeated else names[0]
            elif fd.is_repeated:
                out[fd.name] = [self.value(v) for v in val]
            elif fd.name in ("revision", "registration_time_nanos"):
                out[fd.name] = "<REV>" if fd.name == "revision" else "<TIME>"
            else:
                out[fd.name] = self.value(val)
        return out


def _is_map(fd: Any) -> bool:
    return bool(fd.message_type and fd.message_type.GetOptions().map_entry)


def merge_stream(norm: Normaliser, responses: list[Message]) -> Any:
    """A stream of DataframeParts is one table (servers may split it differently)."""
    tables: list[pa.Table] = []
    for r in responses:
        parts = [v for fd, v in r.ListFields() if isinstance(v, cpb.DataframePart)]
        others = [
            fd.name
            for fd, _ in r.ListFields()
            if fd.name not in ("meta",) and not isinstance(getattr(r, fd.name), cpb.DataframePart)
        ]
        if len(parts) != 1 or others:
            return {"stream": [norm.message(x) for x in responses]}
        try:
            tables.append(dataframe_part_to_table(parts[0]))
        except Exception:
            return {"stream": [norm.message(x) for x in responses]}
    if not tables:
        return {"stream": []}
    try:
        merged = pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException:
        return {"stream": [norm.message(x) for x in responses]}
    metas = [
        norm.message(r.meta)  # type: ignore[attr-defined]
        for r in responses
        if r.DESCRIPTOR.fields_by_name.get("meta") and r.HasField("meta")
    ]
    out: dict[str, Any] = {"table": norm.table(merged)}
    if metas:
        out["meta"] = metas[0]
    return out


def entry_id_text(entry_id: cpb.EntryId) -> str:
    """The header form of an entry id: the TUID as 32 hex digits (as the real client sends)."""
    return f"{entry_id.id.time_ns:016X}{entry_id.id.inc:016x}"


class Probe:
    """One channel to one server; ``call`` never raises for gRPC errors, it records them."""

    def __init__(self, url: str, norm: Normaliser | None = None) -> None:
        self.target = re.sub(r"^[a-z+]+://", "", url).rstrip("/")
        self.channel = grpc.insecure_channel(
            self.target, options=[("grpc.max_receive_message_length", 1 << 28)]
        )
        self.stub = pb_grpc.RerunCloudServiceStub(self.channel)
        self.norm = norm or Normaliser()

    def close(self) -> None:
        self.channel.close()

    def raw(
        self,
        rpc: str,
        request: Message | Iterable[Message],
        *,
        entry: str | None = None,
        entry_name: str | None = None,
        timeout: float = CALL_TIMEOUT,
    ) -> list[Message]:
        """Call, return the responses (one for unary); gRPC errors propagate."""
        method = SERVICE.methods_by_name[rpc]
        md: list[tuple[str, str | bytes]] = [("x-rerun-client-version", "rerun-py/0.41.0")]
        if entry is not None:
            md.append(("x-rerun-entry-id", entry))
        if entry_name is not None:
            md.append(("x-rerun-entry-name-bin", entry_name.encode()))
        fn = getattr(self.stub, rpc)
        req = iter(list(request)) if method.client_streaming else request  # type: ignore[arg-type]
        if method.server_streaming:
            return _collect(fn(req, metadata=md, timeout=timeout))
        return [fn(req, metadata=md, timeout=timeout)]

    def call(
        self,
        rpc: str,
        request: Message | Iterable[Message],
        *,
        entry: str | None = None,
        entry_name: str | None = None,
        timeout: float = CALL_TIMEOUT,
    ) -> Outcome:
        try:
            responses = self.raw(rpc, request, entry=entry, entry_name=entry_name, timeout=timeout)
        except _Partial as p:
            out = self.error(p.err)
            out.answer = {"before_error": [self.norm.message(r) for r in p.got]}
            return out
        except grpc.RpcError as err:
            return self.error(err)
        if SERVICE.methods_by_name[rpc].server_streaming:
            return Outcome("OK", answer=merge_stream(self.norm, responses))
        return Outcome("OK", answer=self.norm.message(responses[0]))

    def error(self, err: grpc.RpcError) -> Outcome:
        code = err.code() if isinstance(err, grpc.Call) else None
        details = err.details() if isinstance(err, grpc.Call) else str(err)
        return Outcome(code.name if code else "UNKNOWN", self.norm.text(details or ""))

    # --- lookups used by cases ---------------------------------------------------------

    def entries(self, **filter_kw: Any) -> list[pb.EntryDetails]:
        resp = self.raw("FindEntries", pb.FindEntriesRequest(filter=pb.EntryFilter(**filter_kw)))[0]
        return list(resp.entries)  # type: ignore[attr-defined]

    def entry_id(self, name: str) -> str:
        found = self.entries(name=name)
        if not found:
            raise LookupError(f"no entry named {name!r}")
        return entry_id_text(found[0].id)

    def create_dataset(self, name: str) -> str:
        resp = self.raw("CreateDatasetEntry", pb.CreateDatasetEntryRequest(name=name))[0]
        return entry_id_text(resp.dataset.details.id)  # type: ignore[attr-defined]

    def register(
        self,
        entry: str,
        urls: Sequence[str],
        *,
        layer: str | None = None,
        prefix: bool = False,
        on_duplicate: int = 0,
    ) -> Outcome:
        """RegisterWithDataset, then wait for its tasks: registration errors surface there."""
        req = pb.RegisterWithDatasetRequest(
            data_sources=[
                pb.DataSource(storage_url=u, layer=layer, prefix=prefix, typ=pb.DATA_SOURCE_KIND_RRD)
                for u in urls
            ],
            on_duplicate=on_duplicate,  # type: ignore[arg-type]
        )
        return self.call("RegisterWithDataset", req, entry=entry)

    def wait_tasks(self, task_ids: Sequence[str], timeout: float = 10.0) -> Outcome:
        from google.protobuf.duration_pb2 import Duration

        req = pb.QueryTasksOnCompletionRequest(
            ids=[cpb.TaskId(id=t) for t in task_ids], timeout=Duration(seconds=int(timeout))
        )
        return self.call("QueryTasksOnCompletion", req, timeout=timeout + 5)


class _Partial(Exception):
    def __init__(self, got: list[Message], err: grpc.RpcError) -> None:
        super().__init__(str(err))
        self.got, self.err = got, err


def _collect(stream: Iterator[Message]) -> list[Message]:
    got: list[Message] = []
    try:
        for r in stream:
            got.append(r)
    except grpc.RpcError as err:
        if got:
            raise _Partial(got, err) from None
        raise
    return got


def task_ids_of(raw_register: Message) -> list[str]:
    """Task ids in a RegisterWithDataset / Unregister answer (a ``rerun_task_id`` column)."""
    part = getattr(raw_register, "data", None)
    if part is None:
        return []
    table = dataframe_part_to_table(part)
    for name in table.column_names:
        if "task_id" in name:
            return [str(v) for v in table.column(name).to_pylist() if v]
    return []
