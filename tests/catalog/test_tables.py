"""Lance tables: the I/O (``lance_tables``) and each table RPC over grpc to an in-process server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import grpc
import pyarrow as pa
import pytest
from google.protobuf import any_pb2

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc
from rerun_core.proto.gen import common_pb2
from rerun_core.server.catalog import Catalog, CatalogError, CatalogServer
from rerun_core.server.catalog.lance_tables import InsertMode, LanceTable, index_columns
from rerun_core.store.rrd import dataframe_part_from_arrow, dataframe_part_to_table
from tests.catalog.catalog_data import free_port
from tests.conftest import Oracle

lance = pytest.importorskip("lance")

KEYED = pa.schema(
    [pa.field("id", pa.int64(), metadata={"rerun:is_table_index": "true"}), pa.field("v", pa.float64())],
    metadata={"m": "1"},
)


def _rows(t: LanceTable) -> dict[str, list[object]]:
    return pa.Table.from_batches(list(t.scan()), t.schema().with_metadata({})).to_pydict()


def _batch(ids: list[int], vs: list[float]) -> pa.Table:
    return pa.table({"id": pa.array(ids, pa.int64()), "v": pa.array(vs, pa.float64())})


# --- Lance I/O ----------------------------------------------------------------------------


def test_create_stamps_sorbet_version_and_refuses_existing_storage(tmp_path: Path) -> None:
    t = LanceTable.create(tmp_path / "t", KEYED, "file:///x")
    assert t.schema().metadata == {b"m": b"1", b"sorbet:version": b"0.1.4"}
    assert index_columns(t.schema()) == ["id"]
    assert list(t.scan()) == []  # an empty table scans to no batches at all
    with pytest.raises(CatalogError) as err:
        LanceTable.create(tmp_path / "t", KEYED, "file:///x")
    assert err.value.code == "ALREADY_EXISTS"
    assert str(err.value) == "Table storage already exists at location: file:///x"


def test_open_errors_are_the_real_servers(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "file").write_text("x")
    cases = {
        tmp_path / "missing": "IO error: No such file or directory (os error 2)",
        tmp_path / "file": f"IO error: Expected a directory, got: {tmp_path / 'file'}",
        tmp_path / "plain": "IO error: Dataset at path",
    }
    for path, message in cases.items():
        with pytest.raises(CatalogError) as err:
            LanceTable.open(path)
        assert err.value.code == "INTERNAL"
        assert str(err.value).startswith(message)


def test_append_overwrite_upsert_update(tmp_path: Path) -> None:
    t = LanceTable.create(tmp_path / "t", KEYED, "u")
    t.write(_batch([1, 2, 3], [1.0, 2.0, 3.0]), InsertMode.APPEND)
    t.write(_batch([2, 4], [20.0, 40.0]), InsertMode.REPLACE)  # the client's upsert
    assert sorted(zip(*_rows(t).values())) == [(1, 1.0), (2, 20.0), (3, 3.0), (4, 40.0)]
    t.write(_batch([3, 5], [30.0, 50.0]), InsertMode.UPDATE)  # matched rows only
    assert sorted(zip(*_rows(t).values())) == [(1, 1.0), (2, 20.0), (3, 30.0), (4, 40.0)]
    t.write(pa.table({"v": [7.0], "id": pa.array([7], pa.int64())}), InsertMode.APPEND)  # reordered
    t.write(pa.table({"id": pa.array([8], pa.int64())}), InsertMode.APPEND)  # a nullable column left out
    assert _rows(t)["id"][-2:] == [7, 8] and _rows(t)["v"][-1] is None
    t.write(_batch([9], [9.0]), InsertMode.OVERWRITE)
    assert _rows(t) == {"id": [9], "v": [9.0]}


def test_scan_drops_schema_metadata_keeps_field_metadata(tmp_path: Path) -> None:
    t = LanceTable.create(tmp_path / "t", KEYED, "u")
    t.write(_batch([1], [1.0]), InsertMode.APPEND)
    t.write(_batch([2], [2.0]), InsertMode.APPEND)
    batches = list(t.scan())
    assert [b.num_rows for b in batches] == [1, 1]  # one batch per fragment, as the real scan
    assert batches[0].schema.metadata is None
    assert batches[0].schema.field("id").metadata == {b"rerun:is_table_index": b"true"}


def test_write_errors(tmp_path: Path) -> None:
    t = LanceTable.create(tmp_path / "t", KEYED, "u")
    with pytest.raises(CatalogError) as err:
        t.write(pa.table({"zz": [1]}), InsertMode.APPEND)
    assert err.value.code == "INTERNAL"
    assert str(err.value).startswith(
        "error writing to table: External error: Append with different schema: fields did not match"
    )
    plain = LanceTable.create(tmp_path / "p", pa.schema([pa.field("x", pa.int64())]), "u")
    with pytest.raises(CatalogError) as err:
        plain.write(pa.table({"x": [1]}), InsertMode.REPLACE)
    assert str(err.value).startswith(
        "error writing to table: External error: Invalid user input: A merge insert operation requires join keys"
    )


# --- RPCs ---------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[CatalogServer]:
    s = CatalogServer(port=free_port(), catalog=Catalog(table_dir=tmp_path / "owned")).start()
    yield s
    s.stop()


@pytest.fixture
def stub(server: CatalogServer) -> Iterator[pb_grpc.RerunCloudServiceStub]:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield pb_grpc.RerunCloudServiceStub(channel)


def _lance_any(url: str) -> any_pb2.Any:
    return any_pb2.Any(
        type_url="/rerun.cloud.v1alpha1.LanceTable", value=pb.LanceTable(table_url=url).SerializeToString()
    )


def _schema(schema: pa.Schema) -> common_pb2.Schema:
    return common_pb2.Schema(arrow_schema=schema.serialize().to_pybytes())


def _hdr(entry_id: common_pb2.EntryId) -> list[tuple[str, str]]:
    return [("x-rerun-entry-id", f"{entry_id.id.time_ns:016X}{entry_id.id.inc:016x}")]


def _status(fn: object, *args: object, **kwargs: object) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.RpcError) as err:
        fn(*args, **kwargs)  # type: ignore[operator]
    return err.value.code(), err.value.details()  # type: ignore[attr-defined]


def _write(
    stub: pb_grpc.RerunCloudServiceStub, entry_id: common_pb2.EntryId, data: pa.Table, mode: int
) -> None:
    req = pb.WriteTableRequest(dataframe_part=dataframe_part_from_arrow(data), insert_mode=mode)  # type: ignore[arg-type]
    stub.WriteTable(iter([req]), metadata=_hdr(entry_id))


def _scan(stub: pb_grpc.RerunCloudServiceStub, entry_id: common_pb2.EntryId) -> list[pa.Table]:
    return [
        dataframe_part_to_table(r.dataframe_part)
        for r in stub.ScanTable(pb.ScanTableRequest(table_id=entry_id))
    ]


def test_create_table_entry_in_the_server_dir(
    server: CatalogServer, stub: pb_grpc.RerunCloudServiceStub, tmp_path: Path
) -> None:
    table = stub.CreateTableEntry(pb.CreateTableEntryRequest(name="t", schema=_schema(KEYED))).table
    assert table.details.name == "t" and table.details.entry_kind == pb.ENTRY_KIND_TABLE
    assert table.provider_details.type_url == "/rerun.cloud.v1alpha1.LanceTable"
    url = pb.LanceTable.FromString(table.provider_details.value).table_url
    assert url.startswith((tmp_path / "owned").as_uri() + "/lance-") and url.endswith("/")
    assert lance.dataset(url[len("file://") :]).schema.metadata[b"sorbet:version"] == b"0.1.4"
    bp = table.table_details.blueprint_dataset  # a hidden blueprint dataset, as the real server's
    found = stub.FindEntries(pb.FindEntriesRequest(filter=pb.EntryFilter(id=bp))).entries
    entry = server.catalog.table_by_name("t")
    assert [e.name for e in found] == [f"__bp_{entry.id}"] and entry.owned


def test_create_table_entry_errors(stub: pb_grpc.RerunCloudServiceStub, tmp_path: Path) -> None:
    existing = tmp_path / "existing"
    lance.write_dataset(pa.table({"a": [1]}), str(existing))
    stub.CreateTableEntry(pb.CreateTableEntryRequest(name="t", schema=_schema(KEYED)))
    system = any_pb2.Any(
        type_url="/rerun.cloud.v1alpha1.SystemTable", value=pb.SystemTable(kind=1).SerializeToString()
    )
    cases = [
        (pb.CreateTableEntryRequest(name="x"), grpc.StatusCode.INVALID_ARGUMENT, "missing required field"),
        (pb.CreateTableEntryRequest(name="t", schema=_schema(KEYED)), grpc.StatusCode.ALREADY_EXISTS, "Entry name 't' already exists"),
        (pb.CreateTableEntryRequest(name="", schema=_schema(KEYED)), grpc.StatusCode.INVALID_ARGUMENT, "invalid entry name: name '' must not be empty"),
        (pb.CreateTableEntryRequest(name="y", schema=_schema(KEYED), provider_details=system), grpc.StatusCode.INVALID_ARGUMENT, "Creating system tables is not supported"),
        (
            pb.CreateTableEntryRequest(name="y", schema=_schema(KEYED), provider_details=_lance_any(existing.as_uri())),
            grpc.StatusCode.ALREADY_EXISTS,
            f"Table storage already exists at location: {existing.as_uri()}",
        ),
    ]  # fmt: skip
    for request, code, message in cases:
        assert _status(stub.CreateTableEntry, request)[0] == code
        assert message in _status(stub.CreateTableEntry, request)[1]


def test_create_at_a_url_then_write_and_scan(stub: pb_grpc.RerunCloudServiceStub, tmp_path: Path) -> None:
    url = (tmp_path / "mine").as_uri()
    req = pb.CreateTableEntryRequest(name="t", schema=_schema(KEYED), provider_details=_lance_any(url))
    table = stub.CreateTableEntry(req).table
    assert pb.LanceTable.FromString(table.provider_details.value).table_url == url
    eid = table.details.id
    assert _scan(stub, eid) == []
    _write(stub, eid, _batch([1, 2], [1.0, 2.0]), pb.TABLE_INSERT_MODE_UNSPECIFIED)  # = append
    _write(stub, eid, _batch([2, 3], [20.0, 30.0]), pb.TABLE_INSERT_MODE_REPLACE)
    rows = pa.concat_tables(_scan(stub, eid))
    assert sorted(zip(rows["id"].to_pylist(), rows["v"].to_pylist())) == [(1, 1.0), (2, 20.0), (3, 30.0)]
    _write(stub, eid, _batch([5], [5.0]), pb.TABLE_INSERT_MODE_OVERWRITE)
    assert [t.to_pydict() for t in _scan(stub, eid)] == [{"id": [5], "v": [5.0]}]
    schema = pa.ipc.read_schema(
        pa.py_buffer(stub.GetTableSchema(pb.GetTableSchemaRequest(table_id=eid)).schema.arrow_schema)
    )
    assert schema.names == ["id", "v"]
    assert lance.dataset(str(tmp_path / "mine")).count_rows() == 1  # it really is that Lance table


def test_write_table_errors(stub: pb_grpc.RerunCloudServiceStub) -> None:
    eid = stub.CreateTableEntry(pb.CreateTableEntryRequest(name="t", schema=_schema(KEYED))).table.details.id
    ds = stub.CreateDatasetEntry(pb.CreateDatasetEntryRequest(name="d")).dataset.details.id
    good = dataframe_part_from_arrow(_batch([1], [1.0]))
    cases = [
        ([pb.WriteTableRequest(dataframe_part=good)], [], grpc.StatusCode.INVALID_ARGUMENT, 'missing mandatory ["x-rerun-entry-id"'),
        ([pb.WriteTableRequest(insert_mode=1)], _hdr(eid), grpc.StatusCode.INVALID_ARGUMENT, "no data frame in WriteTableRequest"),
        ([pb.WriteTableRequest(dataframe_part=good, insert_mode=17)], _hdr(eid), grpc.StatusCode.INVALID_ARGUMENT, "unknown enumeration value 17"),  # type: ignore[arg-type]
        ([pb.WriteTableRequest(dataframe_part=good)], _hdr(ds), grpc.StatusCode.NOT_FOUND, "table not found"),
        (
            [pb.WriteTableRequest(dataframe_part=dataframe_part_from_arrow(pa.table({"zz": [1]})))],
            _hdr(eid),
            grpc.StatusCode.INTERNAL,
            "error writing to table: External error: Append with different schema",
        ),
    ]  # fmt: skip
    for msgs, md, code, message in cases:
        got = _status(stub.WriteTable, iter(msgs), metadata=md)
        assert got[0] == code and message in got[1], got
    assert stub.WriteTable(iter([]), metadata=_hdr(eid)) == pb.WriteTableResponse()  # an empty stream is fine


def test_register_table_and_read_entry(stub: pb_grpc.RerunCloudServiceStub, tmp_path: Path) -> None:
    lance.write_dataset(pa.table({"a": [1, 2]}), str(tmp_path / "ext"))
    reg = stub.RegisterTable(
        pb.RegisterTableRequest(name="ext", provider_details=_lance_any((tmp_path / "ext").as_uri()))
    )
    entry = reg.table_entry
    assert (
        pb.LanceTable.FromString(entry.provider_details.value).table_url == (tmp_path / "ext").as_uri() + "/"
    )
    eid = entry.details.id
    assert stub.ReadTableEntry(pb.ReadTableEntryRequest(id=eid)).table == entry
    assert stub.ReadTableEntry(pb.ReadTableEntryRequest(), metadata=_hdr(eid)).table == entry  # id by header
    assert [t.to_pydict() for t in _scan(stub, eid)] == [{"a": [1, 2]}]
    unknown = common_pb2.EntryId(id=common_pb2.Tuid(time_ns=1, inc=2))
    assert _status(stub.ReadTableEntry, pb.ReadTableEntryRequest()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "missing entry id in request header and body",
    )
    assert _status(stub.ReadTableEntry, pb.ReadTableEntryRequest(id=unknown)) == (
        grpc.StatusCode.NOT_FOUND,
        "table with entry ID '00000000000000010000000000000002' not found",
    )
    assert _status(stub.GetTableSchema, pb.GetTableSchemaRequest(table_id=unknown)) == (
        grpc.StatusCode.NOT_FOUND,
        "Entry with ID 00000000000000010000000000000002 not found",
    )


def test_register_table_errors(stub: pb_grpc.RerunCloudServiceStub, tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    lance.write_dataset(pa.table({"a": [1]}), str(tmp_path / "ok"))
    ok = _lance_any((tmp_path / "ok").as_uri())
    cases = [
        (pb.RegisterTableRequest(name="x"), grpc.StatusCode.INVALID_ARGUMENT, "Missing provider details"),
        (pb.RegisterTableRequest(name="x", provider_details=_lance_any("s3://b/k")), grpc.StatusCode.INVALID_ARGUMENT, "Invalid lance table path"),
        (pb.RegisterTableRequest(name="x", provider_details=_lance_any("rel/x")), grpc.StatusCode.INVALID_ARGUMENT, "could not parse url: relative URL without a base"),
        (pb.RegisterTableRequest(name="x", provider_details=_lance_any((tmp_path / "no").as_uri())), grpc.StatusCode.INTERNAL, "IO error: No such file or directory (os error 2)"),
        (pb.RegisterTableRequest(name="x", provider_details=_lance_any((tmp_path / "plain").as_uri())), grpc.StatusCode.INTERNAL, "IO error: Dataset at path"),
        (pb.RegisterTableRequest(name="a/b", provider_details=ok), grpc.StatusCode.INVALID_ARGUMENT, "Invalid entry name: name 'a/b' contains invalid character '/'"),
        (pb.RegisterTableRequest(name="x", provider_details=any_pb2.Any(type_url="/foo.Bar")), grpc.StatusCode.INVALID_ARGUMENT, "invalid value for field 'rerun.cloud.v1alpha1.ProviderDetails.: enum value unspecified'"),
    ]  # fmt: skip
    for request, code, message in cases:
        got = _status(stub.RegisterTable, request)
        assert got[0] == code and got[1].startswith(message), got
    stub.RegisterTable(pb.RegisterTableRequest(name="x", provider_details=ok))
    assert _status(stub.RegisterTable, pb.RegisterTableRequest(name="x", provider_details=ok)) == (
        grpc.StatusCode.ALREADY_EXISTS,
        "Entry name 'x' already exists",
    )


def test_update_table_entry_sets_the_default_blueprint(stub: pb_grpc.RerunCloudServiceStub) -> None:
    table = stub.CreateTableEntry(pb.CreateTableEntryRequest(name="t", schema=_schema(KEYED))).table
    bp = table.table_details.blueprint_dataset
    details = pb.TableDetails(default_blueprint_segment=common_pb2.SegmentId(id="seg"))
    updated = stub.UpdateTableEntry(
        pb.UpdateTableEntryRequest(id=table.details.id, table_details=details)
    ).table
    assert updated.table_details.blueprint_dataset == bp  # kept when the request leaves it out
    assert updated.table_details.default_blueprint_segment.id == "seg"
    bad = pb.TableDetails(blueprint_dataset=table.details.id)
    code, message = _status(
        stub.UpdateTableEntry, pb.UpdateTableEntryRequest(id=table.details.id, table_details=bad)
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT and message.startswith(
        "table blueprint dataset does not exist"
    )


def test_server_load_table_names_it_after_the_directory(server: CatalogServer, tmp_path: Path) -> None:
    lance.write_dataset(pa.table({"a": [1]}), str(tmp_path / "my_table"))
    server.load_table(None, tmp_path / "my_table")
    server.load_table("other", tmp_path / "my_table")
    assert sorted(t.name for t in server.catalog.tables() if not t.system) == ["my_table", "other"]
    assert server.catalog.table_by_name("my_table").url == (tmp_path / "my_table").as_uri() + "/"
    with pytest.raises(CatalogError, match="Entry name 'other' already exists"):
        server.load_table("other", tmp_path / "my_table")


# --- client: a table entry as a DataFusion table provider, selectors ---------------------------

PROVIDER_SCRIPT = """
import json, sys
import datafusion, pyarrow as pa
from rerun.catalog import CatalogClient
c = CatalogClient(sys.argv[1])
t = c.get_table(sys.argv[2])
ctx = datafusion.SessionContext()
ctx.register_table("mine", t)
got = ctx.sql("SELECT id, v FROM mine WHERE id > 1 ORDER BY id").to_pydict()
print(json.dumps(got))
"""


@pytest.mark.interop
def test_table_entry_registers_as_a_datafusion_table(server: CatalogServer, oracle: Oracle) -> None:
    """``ctx.register_table(name, entry)`` then SQL: the real client's rows, ours (where the
    DataFusion installed is the major version pylance's provider was built for, as 0.41 pins)."""
    import datafusion

    from rerun.catalog import CatalogClient

    client = CatalogClient(server.url)
    entry = client.create_table("provided", KEYED)
    entry.append(id=[1, 2, 3], v=[0.5, 1.5, 2.5])
    theirs = json.loads(oracle.run_script(PROVIDER_SCRIPT, server.url, "provided").stdout.splitlines()[-1])
    assert theirs == {"id": [2, 3], "v": [1.5, 2.5]}
    ctx = datafusion.SessionContext()
    try:
        ctx.register_table("mine", entry)
    except ImportError as exc:
        assert "DataFusion table provider major version" in str(exc)
        pytest.skip(f"pylance's provider does not fit this DataFusion: {exc}")
    ours = ctx.sql("SELECT id, v FROM mine WHERE id > 1 ORDER BY id").to_pydict()
    assert ours == theirs


def test_component_selector_has_no_python_signature_as_0_41() -> None:
    import inspect

    from rerun.catalog import ComponentColumnSelector

    with pytest.raises(ValueError, match="Annotations are not currently supported"):
        inspect.signature(ComponentColumnSelector)
    sel = ComponentColumnSelector(entity_path="/a", component="Points3D:positions")
    assert repr(sel) == "/a:Points3D:positions" and sel == ComponentColumnSelector("/a", "Points3D:positions")
