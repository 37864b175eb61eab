"""Shared test data for the catalog tests: small .rrd segments, free ports, server processes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from rerun_procs import free_port as free_port  # one port registry per process

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
from rerun_core.store.rrd import RrdWriter
from rerun_core.types import ComponentDescriptor, TimeType
from rerun_core.types.tuid import TuidGenerator

if TYPE_CHECKING:
    from tests.conftest import Oracle

IDS = TuidGenerator()
POS = ComponentDescriptor("Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D")
TEXT = ComponentDescriptor("TextDocument:text", "rerun.archetypes.TextDocument", "rerun.components.Text")
FRAMES = [0, 1, 2]


def write_segment(path: Path, recording_id: str, offset: float) -> Path:
    """One recording: /points at frames 0..2 (x = frame, y = offset) and a static /static text."""
    import pyarrow as pa

    sid = StoreId(StoreKind.RECORDING, recording_id, "catalog_test")
    pos_type = pa.list_(pa.list_(pa.field("item", pa.float32(), False), 3))
    points = pa.array([[[float(t), offset, 0.0]] for t in FRAMES], pos_type)
    temporal = Chunk.from_columns(
        "/points",
        timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, FRAMES)],
        components={POS: points},
        chunk_id=IDS.new(),
        row_ids=IDS.new_block(len(FRAMES)),
    )
    static = Chunk.from_columns(
        "/static",
        timelines=[],
        components={TEXT: pa.array([["hello"]], pa.list_(pa.string()))},
        chunk_id=IDS.new(),
        row_ids=IDS.new_block(1),
    )
    with RrdWriter(path) as w:
        w.write(SetStoreInfo(IDS.new(), StoreInfo(sid)))
        w.write(ArrowMsg(sid, temporal))
        w.write(ArrowMsg(sid, static))
    return path


def make_dataset_dir(root: Path, n: int = 2) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        write_segment(root / f"seg{i}.rrd", f"seg{i}", float(i))
    return root


def wait_listening(port: int, proc: subprocess.Popen[str] | None = None, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(
                f"server exited early ({proc.returncode}): {proc.stderr.read() if proc.stderr else ''}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@contextlib.contextmanager
def server_process(
    cmd: list[str], port: int, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """Run a server command in its own process group; the whole group is ended on exit.

    (The oracle's ``rerun`` is a Python wrapper around a native binary: ending only the wrapper
    would leave the server running.)
    """
    with tempfile.TemporaryFile("w+") as log:  # a file, not a pipe: a chatty server never blocks
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=log, text=True, env=env, start_new_session=True
        )
        try:
            try:
                wait_listening(port, proc)
            except AssertionError as err:
                log.seek(0)
                raise AssertionError(f"{err}\nserver log:\n{log.read()[-4000:]}") from None
            yield proc
        finally:
            _end_group(proc)


@contextlib.contextmanager
def fresh_catalog_server(which: str, oracle: Oracle) -> Iterator[str]:
    """A fresh, empty catalog server, yielding its URL: ours in this process when `which` is
    "ours", else the real 0.41 `rerun server` (the oracle's)."""
    if which == "ours":
        from rerun_core.server.catalog import CatalogServer

        srv = CatalogServer(port=0).start()
        try:
            yield srv.url
        finally:
            srv.stop()
    else:
        port = free_port()
        cmd = [str(oracle.rerun), "server", "--host", "127.0.0.1", "-p", str(port)]
        with server_process(cmd, port, env=oracle.env()):
            yield f"rerun+http://127.0.0.1:{port}"


def serve_dataset_dir(exe: Path | str, data_dir: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`exe server` serving `data_dir` as the dataset "mydata" on a free port: yields its URL once,
    ends the server when resumed (`yield from` it in a fixture, or `for url in` it in a test)."""
    port = free_port()
    cmd = [str(exe), "server", "--host", "127.0.0.1", "-p", str(port), "-d", f"mydata={data_dir}"]
    with server_process(cmd, port, env=env):
        yield f"rerun+http://127.0.0.1:{port}"


def _end_group(proc: subprocess.Popen[str]) -> None:
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # children that outlived the group leader
