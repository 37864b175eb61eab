"""``rerun server`` (ours) on bad input, big data and odd requests, beside the real 0.41 server.

Everything is checked through the real 0.41 client (``.venv-oracle``, subprocess) or raw gRPC,
against our server started as a subprocess (``python -m rerun server``), and where it says so
against the real ``rerun server`` on the same files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from benchmarks.bench_server import write_segment as write_big_segment
from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc
from rerun_core.proto.gen import common_pb2
from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId
from rerun_core.store.rrd import RrdWriter, read_footer, read_messages
from rerun_core.store.rrd.frames import FRAME_HEADER_SIZE, HEADER_SIZE
from tests.catalog.catalog_data import _end_group, free_port, wait_listening, write_segment
from tests.conftest import Oracle

SECRET = b"secret-content"
SVC = "/rerun.cloud.v1alpha1.RerunCloudService/"


# --- servers ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Running:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"rerun+http://127.0.0.1:{self.port}"

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def _serve(cmd: list[str], log: Path, port: int, env: dict[str, str] | None = None) -> Iterator[Running]:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=out, env=env, start_new_session=True)
    try:
        try:
            wait_listening(port, proc, timeout=60)  # type: ignore[arg-type]
        except AssertionError as err:
            raise AssertionError(f"{err}\nserver log:\n{log.read_text(errors='replace')[-4000:]}") from None
        yield Running(proc, port, log)
    finally:
        _end_group(proc)  # type: ignore[arg-type]


def ours(tmp_path: Path, *args: str, name: str = "ours") -> contextlib.AbstractContextManager[Running]:
    port = free_port()
    cmd = [sys.executable, "-m", "rerun", "server", "-p", str(port), *args]
    return _serve(cmd, tmp_path / f"{name}.log", port)


def real(tmp_path: Path, oracle: Oracle, *args: str) -> contextlib.AbstractContextManager[Running]:
    port = free_port()
    cmd = [str(oracle.rerun), "server", "--host", "127.0.0.1", "-p", str(port), *args]
    return _serve(cmd, tmp_path / "real.log", port, env=oracle.env())


def _last_json(proc: subprocess.CompletedProcess[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- bad files -------------------------------------------------------------------------------

BAD = ("corrupt", "truncated", "empty", "notrrd", "badfooter")
REFUSED = ("truncated", "empty", "notrrd", "badfooter")  # unreadable at start or registration


def make_bad_files(d: Path, scratch: Path) -> dict[str, Path]:
    """Good ``seg0``/``seg1`` plus one of each kind of bad file, each its own recording id.

    - corrupt: 64 bytes of a chunk body overwritten; header, frames and footer intact (so it
      can only be found out when the chunk is read, by either server);
    - truncated: cut at a third, inside the chunk data (no footer left);
    - empty: 0 bytes; notrrd: a text file named .rrd starting with ``secret-content``;
    - badfooter: the footer's bytes damaged (its checksum fails).
    """
    d.mkdir(parents=True, exist_ok=True)
    scratch.mkdir(parents=True, exist_ok=True)
    out = {f"seg{i}": write_segment(d / f"seg{i}.rrd", f"seg{i}", float(i)) for i in range(2)}
    data = bytearray(write_segment(scratch / "c.rrd", "corrupt", 9.0).read_bytes())
    mid = len(data) // 3
    data[mid : mid + 64] = b"\xff" * 64
    out["corrupt"] = d / "corrupt.rrd"
    out["corrupt"].write_bytes(bytes(data))
    data = bytearray(write_segment(scratch / "t.rrd", "trunc", 8.0).read_bytes())
    out["truncated"] = d / "truncated.rrd"
    out["truncated"].write_bytes(bytes(data[: len(data) // 3]))
    out["empty"] = d / "empty.rrd"
    out["empty"].write_bytes(b"")
    out["notrrd"] = d / "notrrd.rrd"
    out["notrrd"].write_bytes(SECRET + b": a text file, not a recording\n" * 20)
    data = bytearray(write_segment(scratch / "f.rrd", "badfooter", 7.0).read_bytes())
    data[-200:-100] = b"\x00" * 100
    out["badfooter"] = d / "badfooter.rrd"
    out["badfooter"].write_bytes(bytes(data))
    return out


READ_EACH = """
import json, sys
from rerun.catalog import CatalogClient
ds = CatalogClient(sys.argv[1]).get_dataset(sys.argv[2])
segs = sorted(ds.segment_ids())
rows = {}
for s in segs:
    try:
        rows[s] = ds.filter_segments([s]).reader(index="frame").to_arrow_table().num_rows
    except Exception as e:
        rows[s] = "ERR " + str(e).splitlines()[0]
again = ds.filter_segments(["seg0"]).reader(index="frame").to_arrow_table().num_rows
print(json.dumps({"segments": segs, "rows": rows, "seg0_after": again}))
"""


@pytest.mark.interop
@pytest.mark.slow
def test_bad_files_in_a_dataset_dir_are_skipped_with_a_warning(tmp_path: Path, oracle: Oracle) -> None:
    files = make_bad_files(tmp_path / "ds", tmp_path / "scratch")
    with ours(tmp_path, "-d", f"ds={tmp_path / 'ds'}") as srv:
        got = _last_json(oracle.run_script(READ_EACH, srv.url, "ds"))
        log = srv.stderr()
    # one warning per unreadable file, naming it; nothing quotes the text file's bytes
    for name in REFUSED:
        if name == "truncated":  # served up to its cut, as the real server does (test below)
            continue
        lines = [ln for ln in log.splitlines() if str(files[name]) in ln]
        assert len(lines) == 1, (name, log)
        assert "skipping" in lines[0].lower(), lines[0]
    assert SECRET.decode() not in log
    assert str(files["seg0"]) not in log and str(files["corrupt"]) not in log, log
    # the good segments are served; the corrupt one (footer intact) is listed, its read fails
    # with an error, and the server keeps serving (the real server does the same, see below)
    assert got["segments"] == ["corrupt", "seg0", "seg1", "trunc"]
    assert got["rows"]["seg0"] == 3 and got["rows"]["seg1"] == 3
    assert str(got["rows"]["corrupt"]).startswith("ERR"), got
    assert got["seg0_after"] == 3


@pytest.mark.interop
def test_the_real_server_on_the_same_bad_files(tmp_path: Path, oracle: Oracle) -> None:
    """The yardstick: the real server warns (without naming the file) for empty, non-RRD and
    bad-footer files, lists the corrupt file and fails its read, and serves what precedes the
    cut of the truncated file (ours too: see the test below)."""
    make_bad_files(tmp_path / "ds", tmp_path / "scratch")
    with real(tmp_path, oracle, "-d", f"ds={tmp_path / 'ds'}") as srv:
        got = _last_json(oracle.run_script(READ_EACH, srv.url, "ds"))
        time.sleep(0.2)
        warnings = [ln for ln in srv.stderr().splitlines() if "WARN" in ln]
    assert len(warnings) == 3, warnings
    assert any("file too small to be an RRD" in w for w in warnings)
    assert any("CRC check failed" in w for w in warnings)
    assert any("Not an RRD file" in w for w in warnings)
    assert got["segments"] == ["corrupt", "seg0", "seg1", "trunc"]
    assert got["rows"]["seg0"] == 3 and got["rows"]["trunc"] == 3
    assert "lazy load failed" in str(got["rows"]["corrupt"])
    assert got["seg0_after"] == 3


@pytest.mark.interop
def test_a_truncated_file_serves_its_complete_chunks(tmp_path: Path, oracle: Oracle) -> None:
    make_bad_files(tmp_path / "ds", tmp_path / "scratch")
    with ours(tmp_path, "-d", f"ds={tmp_path / 'ds'}") as srv:
        got = _last_json(oracle.run_script(READ_EACH, srv.url, "ds"))
    assert "trunc" in got["segments"] and got["rows"]["trunc"] == 3


REGISTER_EACH = """
import json, re, sys
from pathlib import Path
from rerun.catalog import CatalogClient
c = CatalogClient(sys.argv[1])
d = Path(sys.argv[2])
ds = c.create_dataset("reg")
ds.register([(d / "seg0.rrd").as_uri()]).wait()
out = {"before": sorted(ds.segment_ids())}
for name in sys.argv[3:]:
    try:
        res = ds.register([(d / f"{name}.rrd").as_uri()]).wait()
        out[name] = {"ok": True, "segments": list(res.segment_ids)}
    except Exception as e:
        first = str(e).split("\\n- Server:")[0]
        status = re.findall(r"\\(([A-Za-z]+)\\)\\s*$", first)
        out[name] = {"ok": False, "type": type(e).__name__, "status": status[0] if status else None,
                     "message": first, "full": str(e)}
    out[name]["after"] = sorted(ds.segment_ids())
print(json.dumps(out))
"""


@pytest.mark.interop
@pytest.mark.slow
def test_registering_bad_files_is_refused_cleanly(tmp_path: Path, oracle: Oracle) -> None:
    files = make_bad_files(tmp_path / "files", tmp_path / "scratch")
    names = [*BAD, "missing"]
    results = {}
    with ours(tmp_path) as srv:
        results["ours"] = _last_json(
            oracle.run_script(REGISTER_EACH, srv.url, str(tmp_path / "files"), *names)
        )
    with real(tmp_path, oracle) as srv:
        results["real"] = _last_json(
            oracle.run_script(REGISTER_EACH, srv.url, str(tmp_path / "files"), *names)
        )
    got, want = results["ours"], results["real"]
    assert got["before"] == ["seg0"]
    # the corrupt file's footer is intact: both servers register it (its chunks fail on read)
    assert got["corrupt"]["ok"] and want["corrupt"]["ok"]
    assert got["corrupt"]["segments"] == want["corrupt"]["segments"] == ["corrupt"]
    for name in [*REFUSED, "missing"]:
        mine, theirs = got[name], want[name]
        assert not mine["ok"] and not theirs["ok"], (name, mine, theirs)
        assert (mine["type"], mine["status"]) == (theirs["type"], theirs["status"]), (name, mine, theirs)
        assert mine["after"] == ["corrupt", "seg0"], (name, mine)  # the dataset is unchanged
        assert SECRET.decode() not in mine["full"], mine
        assert files.get(name, tmp_path / "files" / "missing.rrd").name in mine["message"], mine
    assert got["missing"]["status"] == "NotFound"
    assert {got[n]["status"] for n in REFUSED} == {"InvalidArgument"}


# --- a file without a footer -----------------------------------------------------------------


def cut_before_footer(src: Path, dst: Path) -> Path:
    """``src`` up to (not including) its End frame: the frames of a file without a footer."""
    data = src.read_bytes()
    pos = HEADER_SIZE
    while pos + FRAME_HEADER_SIZE <= len(data):
        kind, length = struct.unpack_from("<QQ", data, pos)
        if kind == 0:
            break
        pos += FRAME_HEADER_SIZE + length
    else:
        raise AssertionError(f"{src} has no End frame")
    dst.write_bytes(data[:pos])
    return dst


READ_BOTH = """
import json, sys
import pyarrow as pa
from rerun.catalog import CatalogClient
c = CatalogClient(sys.argv[1])
with_footer = c.get_dataset("footer")
ds = c.create_dataset("nofooter")
res = ds.register([sys.argv[2]]).wait()
def table(d):
    t = d.reader(index="frame").to_arrow_table()
    return t.sort_by([("rerun_segment_id", "ascending"), ("frame", "ascending")])
a, b = table(with_footer), table(ds)
print(json.dumps({"registered": list(res.segment_ids), "rows": [a.num_rows, b.num_rows],
                  "columns": [a.column_names, b.column_names], "equal": a.equals(b),
                  "schema_equal": a.schema.equals(b.schema, check_metadata=True)}))
"""


@pytest.mark.interop
def test_a_file_without_footer_registers_and_reads_back_equal(tmp_path: Path, oracle: Oracle) -> None:
    (tmp_path / "footer").mkdir()
    src = write_big_segment(
        tmp_path / "footer" / "rec.rrd", "rec", frames=60, points_per_row=10, rows_per_chunk=7
    )
    cut = cut_before_footer(src, tmp_path / "nofooter.rrd")
    assert read_footer(src) is not None and read_footer(cut) is None
    assert len(list(read_messages(cut))) == len(list(read_messages(src)))  # same messages
    with ours(tmp_path, "-d", f"footer={src.parent}") as srv:
        got = _last_json(oracle.run_script(READ_BOTH, srv.url, cut.as_uri()))
        log = srv.stderr()
    assert got["registered"] == ["rec"]
    assert got["rows"] == [60, 60]
    assert got["columns"][0] == got["columns"][1]
    assert got["schema_equal"] and got["equal"], got
    assert "skipping" not in log


# --- memory limit ----------------------------------------------------------------------------

# Our server's RSS once it has indexed the segments and answered a listing, before any read:
# ~150 MB (measured: ~96 MB idle with no data, ~104 MB with ~480 MB of segments indexed, ~150
# MB after the first `segment_ids()`). The limit leaves ~50 MB above that for the chunk data in
# flight; the dataset is three times the limit.
MEMORY_LIMIT_MB = 200
SEGMENT_MB = 12.0
N_SEGMENTS = 50  # 50 x 12 MB = 600 MB = 3 x the limit


FULL_READ = """
import json, sys
from rerun.catalog import CatalogClient
client = CatalogClient(sys.argv[1])  # kept alive: the reader's session lives in it
ds = client.get_dataset("big")
t = ds.reader(index="frame").to_arrow_table()
print(json.dumps({"rows": t.num_rows, "mb": t.nbytes / 1e6}))
"""


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


class PeakRss:
    """Samples a process's VmRSS every 50 ms in a thread; ``peak_mb`` is the highest seen."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError, AssertionError):
                self.peak_kb = max(self.peak_kb, _rss_kb(self.pid))
            self._stop.wait(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb * 1024 / 1e6


@pytest.mark.interop
@pytest.mark.slow
def test_memory_limit_bounds_rss_during_a_full_read(tmp_path: Path, oracle: Oracle) -> None:
    from benchmarks.bench_server import make_dataset

    data = make_dataset(tmp_path / "big", N_SEGMENTS, SEGMENT_MB)
    size_mb = sum(p.stat().st_size for p in data.glob("*.rrd")) / 1e6
    assert size_mb >= 3 * MEMORY_LIMIT_MB
    with ours(tmp_path, "-d", f"big={data}", "--memory-limit", f"{MEMORY_LIMIT_MB}MB") as srv:
        listed = "from rerun.catalog import CatalogClient; import sys; print(len(CatalogClient(sys.argv[1]).get_dataset('big').segment_ids()))"
        assert oracle.run_script(listed, srv.url).stdout.strip() == str(N_SEGMENTS)
        baseline_mb = _rss_kb(srv.proc.pid) * 1024 / 1e6
        assert baseline_mb < MEMORY_LIMIT_MB - 30, f"baseline {baseline_mb:.0f} MB leaves no room"
        with PeakRss(srv.proc.pid) as rss:
            got = _last_json(oracle.run_script(FULL_READ, srv.url, timeout=300))
        assert srv.proc.poll() is None
    assert got["rows"] == N_SEGMENTS * int(SEGMENT_MB * 1e6 / 12_000)
    assert rss.peak_mb < MEMORY_LIMIT_MB, f"peak RSS {rss.peak_mb:.0f} MB, baseline {baseline_mb:.0f} MB"


# --- odd requests ----------------------------------------------------------------------------


def _code(fn: object) -> tuple[str, str]:
    try:
        fn()  # type: ignore[operator]
    except grpc.RpcError as e:
        return e.code().name, e.details() or ""
    return "OK", ""


def odd_requests(port: int, missing: Path) -> dict[str, tuple[str, str]]:
    """Status and message of each odd request; ``alive`` after each one."""
    opts = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]
    out: dict[str, tuple[str, str]] = {}
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=opts) as ch:
        stub = pb_grpc.RerunCloudServiceStub(ch)

        def ident(b: bytes) -> bytes:
            return b

        def raw(method: str) -> grpc.UnaryUnaryMultiCallable:
            return ch.unary_unary(SVC + method, request_serializer=ident, response_deserializer=ident)

        def alive() -> int:
            return len(stub.FindEntries(pb.FindEntriesRequest(), timeout=10).entries)

        garbage = b"\xff\xfe\xfd" + SECRET + b"\x00\x01"
        ds = stub.CreateDatasetEntry(pb.CreateDatasetEntryRequest(name="odd"), timeout=10).dataset
        eid = ds.details.id.id
        meta = [("x-rerun-entry-id", f"{eid.time_ns:016x}{eid.inc:016x}")]
        unknown = [("x-rerun-entry-id", "18EEA1F1D1ACD57B2a4f334e1436d627")]
        src = pb.DataSource(storage_url=missing.as_uri(), layer="base", typ=pb.DATA_SOURCE_KIND_RRD)
        stream = ch.unary_stream(SVC + "QueryDataset", request_serializer=ident, response_deserializer=ident)
        cases = {
            "garbage FindEntries": lambda: raw("FindEntries")(garbage, timeout=10),
            "garbage RegisterWithDataset": lambda: raw("RegisterWithDataset")(
                garbage, metadata=meta, timeout=10
            ),
            "garbage QueryDataset": lambda: list(stream(garbage, metadata=meta, timeout=10)),
            "unknown method": lambda: raw("NoSuchMethod")(b"", timeout=10),
            "unknown entry": lambda: stub.GetDatasetSchema(
                pb.GetDatasetSchemaRequest(), metadata=unknown, timeout=10
            ),
            "malformed entry id": lambda: stub.GetDatasetSchema(
                pb.GetDatasetSchemaRequest(), metadata=[("x-rerun-entry-id", "zz")], timeout=10
            ),
            "missing file": lambda: stub.RegisterWithDataset(
                pb.RegisterWithDatasetRequest(data_sources=[src]), metadata=meta, timeout=30
            ),
            "unknown segment": lambda: list(
                stub.GetRrdManifest(
                    pb.GetRrdManifestRequest(segment_id=common_pb2.SegmentId(id="nope")),
                    metadata=meta,
                    timeout=10,
                )
            ),
            "oversized (16 MB name)": lambda: stub.CreateDatasetEntry(
                pb.CreateDatasetEntryRequest(name="x" * (16 << 20)), timeout=120
            ),
        }
        for label, call in cases.items():
            out[label] = _code(call)
            out[label + " / alive"] = _code(alive)
    return out


@pytest.mark.interop
@pytest.mark.slow
def test_odd_requests_get_clear_statuses_and_the_server_keeps_serving(tmp_path: Path, oracle: Oracle) -> None:
    missing = tmp_path / "does" / "not" / "exist.rrd"
    with ours(tmp_path, "-d", f"ds={make_dataset_dir_small(tmp_path / 'ds')}") as srv:
        got = odd_requests(srv.port, missing)
        assert srv.proc.poll() is None
    with real(tmp_path, oracle, "-d", f"ds={tmp_path / 'ds'}") as srv:
        want = odd_requests(srv.port, missing)
    for label, (code, msg) in got.items():
        if label.endswith("/ alive"):
            assert code == "OK", (label, msg)
            continue
        assert code != "OK" and code != "UNKNOWN", (label, code, msg)
        assert len(msg) < 2000 and SECRET.decode() not in msg, (label, msg[:300])
        if not label.startswith("oversized"):  # the real server answers it but its error echoes
            # the whole 16 MB name, which the client refuses as oversized metadata
            assert code == want[label][0], (label, got[label], want[label])
    assert (
        got["unknown entry"][0] == "NOT_FOUND"
        and "18EEA1F1D1ACD57B2a4f334e1436d627" in got["unknown entry"][1]
    )
    assert got["missing file"][0] == "NOT_FOUND" and str(missing) in got["missing file"][1]
    assert got["oversized (16 MB name)"][0] == "INVALID_ARGUMENT"
    assert got["garbage FindEntries"][0] == "INTERNAL"  # as the real server (a decode failure)


def make_dataset_dir_small(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(2):
        write_segment(root / f"seg{i}.rrd", f"seg{i}", float(i))
    return root


def test_a_missing_dataset_dir_is_a_clear_start_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    proc = subprocess.run(
        [sys.executable, "-m", "rerun", "server", "-p", str(free_port()), "-d", f"x={missing}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1  # the real server: exit 1, "Error: No such file or directory"
    assert str(missing) in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


# --- start-up and download -------------------------------------------------------------------


@pytest.mark.interop
def test_startup_lists_ten_segments(tmp_path: Path, oracle: Oracle) -> None:
    d = tmp_path / "ten"
    d.mkdir()
    for i in range(10):
        write_segment(d / f"s{i}.rrd", f"s{i}", float(i))
    with ours(tmp_path, "-d", f"ten={d}") as srv:
        out = oracle.run_script(
            "import json, sys\nfrom rerun.catalog import CatalogClient\n"
            "print(json.dumps(sorted(CatalogClient(sys.argv[1]).get_dataset('ten').segment_ids())))",
            srv.url,
        )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [f"s{i}" for i in range(10)]


ENTRY_ID = """
import sys
from rerun.catalog import CatalogClient
print(CatalogClient(sys.argv[1]).get_dataset(sys.argv[2]).id)
"""


def _with_app_id(src: Path, dst: Path, app_id: str) -> Path:
    """``src`` with every store's application id replaced (the real download does this)."""

    def app(sid: StoreId) -> StoreId:
        return dataclasses.replace(sid, application_id=app_id)

    with RrdWriter(dst) as w:
        for msg in read_messages(src):
            if isinstance(msg, SetStoreInfo):
                msg = dataclasses.replace(
                    msg, info=dataclasses.replace(msg.info, store_id=app(msg.info.store_id))
                )
            elif isinstance(msg, ArrowMsg):
                msg = dataclasses.replace(msg, store_id=app(msg.store_id))
            w.write(msg)
    return dst


def _download_and_compare(tmp_path: Path, oracle: Oracle, srv: Running, src: Path, tag: str) -> str:
    entry = oracle.run_script(ENTRY_ID, srv.url, "ds").stdout.strip().splitlines()[-1]
    out_dir = tmp_path / f"dl_{tag}"
    out_dir.mkdir()
    oracle.cli("download", "-o", str(out_dir), f"{srv.url}/dataset/{entry}?segment_id=seg0", timeout=60)
    (downloaded,) = out_dir.glob("*.rrd")
    expected = _with_app_id(src, tmp_path / f"expected_{tag}.rrd", entry)
    proc = oracle.cli("rrd", "compare", "--unordered", str(expected), str(downloaded), check=False)
    return "" if proc.returncode == 0 else f"{downloaded.stat().st_size} bytes: {proc.stderr[:600]}"


@pytest.mark.interop
def test_real_download_of_our_segment_equals_source(tmp_path: Path, oracle: Oracle) -> None:
    (tmp_path / "ds").mkdir()
    src = write_big_segment(
        tmp_path / "ds" / "seg0.rrd", "seg0", frames=40, points_per_row=10, rows_per_chunk=9
    )
    with ours(tmp_path, "-d", f"ds={src.parent}") as srv:
        failure = _download_and_compare(tmp_path, oracle, srv, src, "ours")
    assert failure == ""


@pytest.mark.interop
def test_real_download_from_the_real_server_equals_source(tmp_path: Path, oracle: Oracle) -> None:
    """The yardstick of the test above."""
    (tmp_path / "ds").mkdir()
    src = write_big_segment(
        tmp_path / "ds" / "seg0.rrd", "seg0", frames=40, points_per_row=10, rows_per_chunk=9
    )
    with real(tmp_path, oracle, "-d", f"ds={src.parent}") as srv:
        failure = _download_and_compare(tmp_path, oracle, srv, src, "real")
    assert failure == ""
