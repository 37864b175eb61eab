"""The redap probe case list: per RPC, the normal call and its edge cases.

Each case is self-contained: it creates the entries it changes under its own name, so the cases
run in any order on a server that serves ``mydata`` (seg0, seg1) from ``Data.ds``.
"""

from __future__ import annotations

import functools
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from google.protobuf import any_pb2, empty_pb2
from google.protobuf.duration_pb2 import Duration

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import common_pb2 as cpb
from rerun_core.store.rrd.protocol import dataframe_part_from_arrow
from tests.interop.redap_data import Data
from tests.interop.redap_probe import Outcome, Probe, entry_id_text

UNKNOWN_ID = f"{1:016X}{2:016x}"
BAD_NAMES = {
    "empty": "",
    "slash": "a/b",
    "dotdot": "..",
    "nul": "a\x00b",
    "10k": "x" * 10_000,
    "script": "<script>alert(1)</script>",
    "case": "MyData",
    "space": "my data",
    "unicode": "données",
    "dash_dot": "a-b.c_d",
}
DUP = {"unspecified": 0, "overwrite": 1, "skip": 2, "error": 3}


class Ctx:
    """The probe, the data, and entry lookups shared by the cases."""

    def __init__(self, probe: Probe, data: Data, tag: str = "a") -> None:
        self.probe, self.data = probe, data
        self.tag = tag  # one letter per server: where a case writes files (Lance tables)
        self.call = probe.call

    def own_table(self, name: str) -> str:
        """A private copy of the Lance table: writes on one server never reach the other's."""
        import shutil

        rel = f"tables_{self.tag}/{name}.lance"
        shutil.copytree(self.data.root / "tables" / "t.lance", self.data.root / rel)
        return rel

    def id(self, name: str) -> str:
        return self.probe.entry_id(name)

    def fresh(self, name: str, *rels: str, layer: str | None = None) -> str:
        """A new dataset ``name`` with the files ``rels`` registered (raises if that fails)."""
        entry = self.probe.create_dataset(name)
        if rels:
            out = self.probe.register(entry, [self.data.url(r) for r in rels], layer=layer)
            if out.code != "OK":
                raise AssertionError(f"setup registration failed: {out}")
        return entry

    def table_id(self, name: str = "__entries") -> str:
        return self.id(name)


@dataclass(frozen=True)
class Case:
    rpc: str
    name: str
    run: Callable[[Ctx], Outcome]
    tags: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.rpc}:{self.name}"


CASES: list[Case] = []


def case(rpc: str, name: str) -> Callable[[Callable[[Ctx], Outcome]], Callable[[Ctx], Outcome]]:
    def deco(fn: Callable[[Ctx], Outcome]) -> Callable[[Ctx], Outcome]:
        CASES.append(Case(rpc, name, fn))
        return fn

    return deco


def add(rpc: str, name: str, fn: Callable[[Ctx], Outcome]) -> None:
    CASES.append(Case(rpc, name, fn))


def seg(s: str) -> cpb.SegmentId:
    return cpb.SegmentId(id=s)


def eid(text: str) -> cpb.EntryId:
    return cpb.EntryId(id=cpb.Tuid(time_ns=int(text[:16], 16), inc=int(text[16:], 16)))


def part(table: pa.Table) -> cpb.DataframePart:
    return dataframe_part_from_arrow(table)


def with_note(out: Outcome, note: str) -> Outcome:
    out.notes.append(note)
    return out


# --- service-wide ----------------------------------------------------------------------


@case("Version", "normal")
def _version(c: Ctx) -> Outcome:
    out = c.call("Version", pb.VersionRequest())
    if out.code == "OK":  # build details (rustc, git hash) legitimately differ: keep the shape
        a = out.answer
        out.answer = {
            "version": a.get("version"),
            "fields": sorted(a),
            "build_info_fields": sorted(a.get("build_info", {})),
        }
    return out


add("WhoAmI", "normal", lambda c: c.call("WhoAmI", pb.WhoAmIRequest()))


def _bandwidth(n: int) -> Callable[[Ctx], Outcome]:
    def run(c: Ctx) -> Outcome:
        try:
            got = c.probe.raw("DoBandwidthTest", pb.DoBandwidthTestRequest(num_bytes=n))
        except Exception as err:
            return c.probe.error(err)  # type: ignore[arg-type]
        sizes = [len(r.payload) for r in got]  # type: ignore[attr-defined]
        return with_note(Outcome("OK", answer={"total_bytes": sum(sizes)}), f"{len(sizes)} messages")

    return run


for _n in (0, 1000, 5_000_000):
    add("DoBandwidthTest", f"num_bytes={_n}", _bandwidth(_n))


@case("WatchEvents", "entry events while a dataset is created")
def _watch(c: Ctx) -> Outcome:
    req = pb.WatchEventsRequest(kinds=[pb.EventKind(entry=pb.EntryEvents())])
    stream = c.probe.stub.WatchEvents(req, timeout=3.0)
    # The watch must be registered before the dataset appears: under load either server can
    # subscribe late and miss the event, so give the stream a moment to open first.
    time.sleep(0.5)
    c.probe.create_dataset("watch_created")
    events: list[Any] = []
    try:
        for ev in stream:
            events.append(c.probe.norm.message(ev))
    except Exception as err:
        out = c.probe.error(err)  # type: ignore[arg-type]
        out.answer = {"events": events}
        return out
    return Outcome("OK", answer={"events": events})


add("WatchEvents", "no kinds", lambda c: _first_or_deadline(c, "WatchEvents", pb.WatchEventsRequest()))


def _first_or_deadline(c: Ctx, rpc: str, req: Any) -> Outcome:
    return c.call(rpc, req, timeout=1.5)


add("DoGlobalMaintenance", "normal", lambda c: c.call("DoGlobalMaintenance", pb.DoGlobalMaintenanceRequest()))


# --- entries ---------------------------------------------------------------------------


def _find(**kw: Any) -> Callable[[Ctx], Outcome]:
    def run(c: Ctx) -> Outcome:
        flt = pb.EntryFilter(**{k: (eid(v(c)) if k == "id" else v) for k, v in kw.items()})
        out = c.call("FindEntries", pb.FindEntriesRequest(filter=flt))
        if out.code == "OK":  # other cases create entries: keep those this server was born with
            ents = out.answer.get("entries", [])
            out.answer = sorted(
                [e.get("name", ""), e.get("entry_kind", "")]
                for e in ents
                if e.get("name", "").startswith(("mydata", "__bp_", "__entries", "__")) or "name" not in e
            )
            out.notes.append(f"{len(ents)} entries in all")
        return out

    return run


add("FindEntries", "no filter (entries at startup)", _find())
add("FindEntries", "name=mydata", _find(name="mydata"))
add("FindEntries", "name=nope", _find(name="nope"))
add("FindEntries", "kind=DATASET", _find(entry_kind=pb.ENTRY_KIND_DATASET))
add("FindEntries", "kind=BLUEPRINT_DATASET", _find(entry_kind=pb.ENTRY_KIND_BLUEPRINT_DATASET))
add("FindEntries", "kind=TABLE", _find(entry_kind=pb.ENTRY_KIND_TABLE))
add("FindEntries", "kinds=[DATASET,TABLE]", _find(entry_kinds=[pb.ENTRY_KIND_DATASET, pb.ENTRY_KIND_TABLE]))
add("FindEntries", "id=mydata", _find(id=lambda c: c.id("mydata")))
add("FindEntries", "id=unknown", _find(id=lambda c: UNKNOWN_ID))


@case("FindEntries", "companion blueprint dataset name")
def _bp_name(c: Ctx) -> Outcome:
    ds = c.id("mydata")
    read = c.probe.raw("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=ds)[0]
    bp_id = entry_id_text(read.dataset.dataset_details.blueprint_dataset)  # type: ignore[attr-defined]
    found = [e for e in c.probe.entries() if entry_id_text(e.id) == bp_id]
    names = [e.name.replace(ds, "<DATASET_ID>") for e in found]
    kinds = [pb.EntryKind.Name(e.entry_kind) for e in found]
    return Outcome("OK", answer={"names": names, "kinds": kinds})


for _label, _name in BAD_NAMES.items():
    add(
        "CreateDatasetEntry",
        f"name {_label}",
        functools.partial(
            lambda n, c: c.call("CreateDatasetEntry", pb.CreateDatasetEntryRequest(name=n)), _name
        ),
    )
add(
    "CreateDatasetEntry",
    "normal",
    lambda c: c.call("CreateDatasetEntry", pb.CreateDatasetEntryRequest(name="cd_new")),
)
add(
    "CreateDatasetEntry",
    "duplicate name",
    lambda c: c.call("CreateDatasetEntry", pb.CreateDatasetEntryRequest(name="mydata")),
)
add(
    "CreateDatasetEntry",
    "name of the __entries table",
    lambda c: c.call("CreateDatasetEntry", pb.CreateDatasetEntryRequest(name="__entries")),
)
add("CreateDatasetEntry", "no name", lambda c: c.call("CreateDatasetEntry", pb.CreateDatasetEntryRequest()))
add(
    "CreateDatasetEntry",
    "explicit id",
    lambda c: c.call(
        "CreateDatasetEntry", pb.CreateDatasetEntryRequest(name="cd_with_id", id=eid(f"{5:016X}{6:016x}"))
    ),
)


@case("CreateDatasetEntry", "then FindEntries: kinds of the new entries")
def _create_then_find(c: Ctx) -> Outcome:
    ds = c.probe.create_dataset("cd_then_find")
    ents = [
        [e.name.replace(ds, "<DATASET_ID>"), pb.EntryKind.Name(e.entry_kind)]
        for e in c.probe.entries()
        if ds in e.name or e.name == "cd_then_find"
    ]
    return Outcome("OK", answer=sorted(ents))


@case("DeleteEntry", "fresh dataset (left: entries named after it)")
def _delete(c: Ctx) -> Outcome:
    ds = c.fresh("del_me")
    out = c.call("DeleteEntry", pb.DeleteEntryRequest(id=eid(ds)))
    left = sorted(
        e.name.replace(ds, "<DATASET_ID>") for e in c.probe.entries() if ds in e.name or e.name == "del_me"
    )
    out.answer = {"answer": out.answer, "left_entries": left}
    return out


add("DeleteEntry", "unknown id", lambda c: c.call("DeleteEntry", pb.DeleteEntryRequest(id=eid(UNKNOWN_ID))))
add("DeleteEntry", "no id", lambda c: c.call("DeleteEntry", pb.DeleteEntryRequest()))
add(
    "DeleteEntry",
    "__entries table",
    lambda c: c.call("DeleteEntry", pb.DeleteEntryRequest(id=eid(c.table_id()))),
)


@case("DeleteEntry", "a blueprint dataset")
def _delete_bp(c: Ctx) -> Outcome:
    ds = c.fresh("del_bp_owner")
    read = c.probe.raw("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=ds)[0]
    return c.call("DeleteEntry", pb.DeleteEntryRequest(id=read.dataset.dataset_details.blueprint_dataset))  # type: ignore[attr-defined]


def _rename(to: str, *, target: str = "fresh") -> Callable[[Ctx], Outcome]:
    def run(c: Ctx) -> Outcome:
        ent = (
            c.fresh(f"ren_{zlib.crc32((to + target).encode())}")
            if target == "fresh"
            else (UNKNOWN_ID if target == "unknown" else c.table_id())
        )
        return c.call(
            "UpdateEntry",
            pb.UpdateEntryRequest(id=eid(ent), entry_details_update=pb.EntryDetailsUpdate(name=to)),
        )

    return run


add("UpdateEntry", "rename", _rename("renamed_ok"))
add("UpdateEntry", "rename to an existing name", _rename("mydata"))
add("UpdateEntry", "rename to empty", _rename(""))
add("UpdateEntry", "rename to a/b", _rename("a/b"))
add("UpdateEntry", "unknown id", _rename("whatever", target="unknown"))
add("UpdateEntry", "rename the __entries table", _rename("entries2", target="table"))
add(
    "UpdateEntry",
    "no update",
    lambda c: c.call("UpdateEntry", pb.UpdateEntryRequest(id=eid(c.fresh("ren_none")))),
)


# --- dataset entry ---------------------------------------------------------------------

add(
    "ReadDatasetEntry",
    "normal",
    lambda c: c.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=c.id("mydata")),
)
add(
    "ReadDatasetEntry",
    "missing entry header",
    lambda c: c.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest()),
)
add(
    "ReadDatasetEntry",
    "unknown entry id",
    lambda c: c.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=UNKNOWN_ID),
)
add(
    "ReadDatasetEntry",
    "malformed entry id",
    lambda c: c.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry="nope"),
)
add(
    "ReadDatasetEntry",
    "table id (wrong kind)",
    lambda c: c.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=c.table_id()),
)
add(
    "ReadDatasetEntry",
    "by entry name header",
    lambda c: c.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry_name="mydata"),
)
add(
    "ReadDatasetEntry",
    "unknown entry name header",
    lambda c: c.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry_name="nope"),
)


@case("ReadDatasetEntry", "the companion blueprint dataset")
def _read_bp(c: Ctx) -> Outcome:
    read = c.probe.raw("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=c.id("mydata"))[0]
    bp = entry_id_text(read.dataset.dataset_details.blueprint_dataset)  # type: ignore[attr-defined]
    return c.call("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=bp)


def _bp_of(c: Ctx, ds: str) -> str:
    read = c.probe.raw("ReadDatasetEntry", pb.ReadDatasetEntryRequest(), entry=ds)[0]
    return entry_id_text(read.dataset.dataset_details.blueprint_dataset)  # type: ignore[attr-defined]


def _update_ds(label: str, build: Callable[[Ctx, str], pb.DatasetDetails]) -> None:
    def run(c: Ctx) -> Outcome:
        ds = c.fresh(f"upd_{zlib.crc32(label.encode())}", "ds/seg0.rrd")
        return c.call(
            "UpdateDatasetEntry",
            pb.UpdateDatasetEntryRequest(id=eid(ds), dataset_details=build(c, ds)),
            entry=ds,
        )

    add("UpdateDatasetEntry", label, run)


_update_ds(
    "default blueprint segment", lambda c, ds: pb.DatasetDetails(default_blueprint_segment=seg("bp_seg"))
)
_update_ds(
    "blueprint dataset = its own", lambda c, ds: pb.DatasetDetails(blueprint_dataset=eid(_bp_of(c, ds)))
)
_update_ds(
    "blueprint dataset = unknown id", lambda c, ds: pb.DatasetDetails(blueprint_dataset=eid(UNKNOWN_ID))
)
_update_ds("empty details", lambda c, ds: pb.DatasetDetails())
add(
    "UpdateDatasetEntry",
    "unknown id",
    lambda c: c.call(
        "UpdateDatasetEntry",
        pb.UpdateDatasetEntryRequest(id=eid(UNKNOWN_ID), dataset_details=pb.DatasetDetails()),
    ),
)


@case("RegisterWithDataset", "blueprint .rbl into the companion blueprint dataset")
def _register_bp(c: Ctx) -> Outcome:
    ds = c.fresh("bp_owner")
    return c.probe.register(_bp_of(c, ds), [c.data.url("extra/blueprint.rbl")])


# --- tables ----------------------------------------------------------------------------


def _lance_any(c: Ctx, rel: str = "tables/t.lance", prefix: str = "/") -> any_pb2.Any:
    """The real server wants type_url "/rerun.cloud.v1alpha1.LanceTable" (no googleapis host)."""
    a = any_pb2.Any()
    a.Pack(pb.LanceTable(table_url=c.data.url(rel)), type_url_prefix=prefix)
    return a


def _schema(table: pa.Schema) -> cpb.Schema:
    return cpb.Schema(arrow_schema=table.serialize().to_pybytes())


SCHEMA = pa.schema([pa.field("id", pa.int64()), pa.field("name", pa.string())])
add(
    "CreateTableEntry",
    "name + schema, no url",
    lambda c: c.call("CreateTableEntry", pb.CreateTableEntryRequest(name="ct_plain", schema=_schema(SCHEMA))),
)
add(
    "CreateTableEntry",
    "name only",
    lambda c: c.call("CreateTableEntry", pb.CreateTableEntryRequest(name="ct_bare")),
)
add(
    "CreateTableEntry",
    "with a lance url (new dir)",
    lambda c: c.call(
        "CreateTableEntry",
        pb.CreateTableEntryRequest(
            name="ct_url",
            schema=_schema(SCHEMA),
            provider_details=_lance_any(c, f"tables_{c.tag}/created.lance"),
        ),
    ),
)
add(
    "CreateTableEntry",
    "duplicate name",
    lambda c: c.call("CreateTableEntry", pb.CreateTableEntryRequest(name="mydata", schema=_schema(SCHEMA))),
)
add(
    "CreateTableEntry",
    "bad name a/b",
    lambda c: c.call("CreateTableEntry", pb.CreateTableEntryRequest(name="a/b", schema=_schema(SCHEMA))),
)
add(
    "RegisterTable",
    "lance path",
    lambda c: c.call(
        "RegisterTable", pb.RegisterTableRequest(name="rt_lance", provider_details=_lance_any(c))
    ),
)
add(
    "RegisterTable",
    "not a lance dir",
    lambda c: c.call(
        "RegisterTable", pb.RegisterTableRequest(name="rt_bad", provider_details=_lance_any(c, "noprefix"))
    ),
)
add(
    "RegisterTable",
    "nonexistent path",
    lambda c: c.call(
        "RegisterTable",
        pb.RegisterTableRequest(name="rt_missing", provider_details=_lance_any(c, "nope.lance")),
    ),
)
add(
    "RegisterTable",
    "type.googleapis.com type_url",
    lambda c: c.call(
        "RegisterTable",
        pb.RegisterTableRequest(
            name="rt_google", provider_details=_lance_any(c, prefix="type.googleapis.com/")
        ),
    ),
)


@case("RegisterTable", "name of an existing dataset")
def _register_table_dup(c: Ctx) -> Outcome:
    """(Never on mydata: the real server lets the table take the name over.)"""
    c.fresh("rt_dup")
    out = c.call("RegisterTable", pb.RegisterTableRequest(name="rt_dup", provider_details=_lance_any(c)))
    kinds = sorted(pb.EntryKind.Name(e.entry_kind) for e in c.probe.entries(name="rt_dup"))
    out.notes.append(f"FindEntries(name=rt_dup) kinds after: {kinds}")
    return out


@case("RegisterTable", "name of an existing table")
def _twice(c: Ctx) -> Outcome:
    c.probe.raw("RegisterTable", pb.RegisterTableRequest(name="rt_twice", provider_details=_lance_any(c)))
    out = c.call("RegisterTable", pb.RegisterTableRequest(name="rt_twice", provider_details=_lance_any(c)))
    out.notes.append(f"entries named rt_twice after: {len(c.probe.entries(name='rt_twice'))}")
    return out


add(
    "RegisterTable",
    "no provider details",
    lambda c: c.call("RegisterTable", pb.RegisterTableRequest(name="rt_none")),
)


def _table(c: Ctx, name: str) -> str:
    details = _lance_any(c, c.own_table(name))
    c.probe.raw("RegisterTable", pb.RegisterTableRequest(name=name, provider_details=details))
    return c.id(name)


def _table_cases(rpc: str, mk: Callable[[str], Any]) -> None:
    add(rpc, "__entries", lambda c: c.call(rpc, mk(c.table_id())))
    add(rpc, "registered lance table", lambda c: c.call(rpc, mk(_table(c, f"tbl_{rpc}"))))
    add(rpc, "dataset id (wrong kind)", lambda c: c.call(rpc, mk(c.id("mydata"))))
    add(rpc, "unknown id", lambda c: c.call(rpc, mk(UNKNOWN_ID)))
    add(rpc, "id in header only", lambda c: c.call(rpc, type(mk(UNKNOWN_ID))(), entry=c.table_id()))


_table_cases("ReadTableEntry", lambda i: pb.ReadTableEntryRequest(id=eid(i)))
_table_cases("GetTableSchema", lambda i: pb.GetTableSchemaRequest(table_id=eid(i)))
_table_cases("ScanTable", lambda i: pb.ScanTableRequest(table_id=eid(i)))

add(
    "UpdateTableEntry",
    "__entries",
    lambda c: c.call(
        "UpdateTableEntry",
        pb.UpdateTableEntryRequest(
            id=eid(c.table_id()), table_details=pb.TableDetails(default_blueprint_segment=seg("x"))
        ),
    ),
)
add(
    "UpdateTableEntry",
    "unknown id",
    lambda c: c.call("UpdateTableEntry", pb.UpdateTableEntryRequest(id=eid(UNKNOWN_ID))),
)


def _write(mode: int, label: str) -> None:
    def run(c: Ctx) -> Outcome:
        tid = _table(c, f"wt_{zlib.crc32(label.encode())}")
        rows = pa.table({"id": pa.array([2, 3], pa.int64()), "name": ["B", "c"]})
        out = c.call(
            "WriteTable", [pb.WriteTableRequest(dataframe_part=part(rows), insert_mode=mode)], entry=tid
        )  # type: ignore[arg-type]
        after = c.call("ScanTable", pb.ScanTableRequest(table_id=eid(tid)))
        out.answer = {"answer": out.answer, "scan_after": after.answer if after.code == "OK" else after.code}
        return out

    add("WriteTable", label, run)


for _mode, _label in (
    (1, "append"),
    (2, "overwrite"),
    (3, "replace (upsert)"),
    (4, "update"),
    (0, "unspecified"),
):
    _write(_mode, _label)
add(
    "WriteTable",
    "no entry header",
    lambda c: c.call(
        "WriteTable", [pb.WriteTableRequest(dataframe_part=part(pa.table({"id": [1]})), insert_mode=1)]
    ),
)
add(
    "WriteTable",
    "to a dataset",
    lambda c: c.call(
        "WriteTable",
        [pb.WriteTableRequest(dataframe_part=part(pa.table({"id": [1]})), insert_mode=1)],
        entry=c.id("mydata"),
    ),
)


# --- write grants / uploads ------------------------------------------------------------

add(
    "GetWriteAccessGrant",
    "normal",
    lambda c: c.call(
        "GetWriteAccessGrant",
        pb.GetWriteAccessGrantRequest(key="a.rrd", size_bytes=10, supported_upload_methods=[1, 2]),
        entry=c.id("mydata"),
    ),
)
add(
    "GetWriteAccessGrant",
    "no entry header",
    lambda c: c.call("GetWriteAccessGrant", pb.GetWriteAccessGrantRequest(key="a.rrd")),
)
add(
    "GetMultipartUploadPartGrants",
    "unknown token",
    lambda c: c.call(
        "GetMultipartUploadPartGrants",
        pb.GetMultipartUploadPartGrantsRequest(upload_token=b"nope", part_numbers=[1]),
        entry=c.id("mydata"),
    ),
)
add(
    "CompleteMultipartUpload",
    "unknown token",
    lambda c: c.call(
        "CompleteMultipartUpload",
        pb.CompleteMultipartUploadRequest(upload_token=b"nope"),
        entry=c.id("mydata"),
    ),
)
add(
    "AbortMultipartUpload",
    "unknown token",
    lambda c: c.call(
        "AbortMultipartUpload", pb.AbortMultipartUploadRequest(upload_token=b"nope"), entry=c.id("mydata")
    ),
)


# --- tasks -----------------------------------------------------------------------------

add(
    "QueryTasks",
    "unknown id",
    lambda c: c.call("QueryTasks", pb.QueryTasksRequest(ids=[cpb.TaskId(id="task_nope")])),
)
add("QueryTasks", "no ids", lambda c: c.call("QueryTasks", pb.QueryTasksRequest()))
add(
    "QueryTasks",
    "the registration task id",
    lambda c: c.call("QueryTasks", pb.QueryTasksRequest(ids=[cpb.TaskId(id="task_00000000DEADBEEF")])),
)
add(
    "QueryTasksOnCompletion",
    "unknown id",
    lambda c: c.call(
        "QueryTasksOnCompletion",
        pb.QueryTasksOnCompletionRequest(ids=[cpb.TaskId(id="task_nope")], timeout=Duration(seconds=2)),
    ),
)
add(
    "QueryTasksOnCompletion",
    "no ids",
    lambda c: c.call("QueryTasksOnCompletion", pb.QueryTasksOnCompletionRequest()),
)
add(
    "CancelTasks",
    "unknown id",
    lambda c: c.call("CancelTasks", pb.CancelTasksRequest(ids=[cpb.TaskId(id="task_nope")])),
)
add("CancelTasks", "no ids", lambda c: c.call("CancelTasks", pb.CancelTasksRequest()))

add(
    "DoMaintenance",
    "normal",
    lambda c: c.call("DoMaintenance", pb.DoMaintenanceRequest(), entry=c.id("mydata")),
)
add(
    "DoMaintenance",
    "all flags",
    lambda c: c.call(
        "DoMaintenance",
        pb.DoMaintenanceRequest(
            optimize_indexes=True, retrain_indexes=True, compact_fragments=True, gc_object_store=True
        ),
        entry=c.id("mydata"),
    ),
)
add("DoMaintenance", "no entry header", lambda c: c.call("DoMaintenance", pb.DoMaintenanceRequest()))


def empty_selection() -> empty_pb2.Empty:
    return empty_pb2.Empty()


def all_cases() -> Iterator[Case]:
    from tests.interop import redap_cases_dataset  # noqa: F401  (registers the dataset cases)

    seen: set[str] = set()
    late = [
        c
        for c in CASES
        if "__entries" in c.name and c.rpc in ("DeleteEntry", "UpdateEntry", "UpdateTableEntry")
    ]
    for c in [c for c in CASES if c not in late] + late:  # what may harm __entries runs last
        if c.id in seen:
            raise AssertionError(f"duplicate case id {c.id}")
        seen.add(c.id)
        yield c
