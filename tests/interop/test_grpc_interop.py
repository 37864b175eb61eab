"""gRPC interop with rerun-sdk 0.41: its SDK into our endpoint, ours into its, spawn both ways.

Recordings are judged by the real CLI: both sides `rerun rrd optimize`d (live streams are cut
into chunks differently than files), then `rerun rrd compare --unordered` against the same
script saved straight to a file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))
from rerun_procs import OURS, free_port, kill_listeners_of, running, stop, wait_listening

from rerun_core.server.proxy import SERVICE_NAME
from rerun_core.server.wire import MsgKind, parse_request

pytestmark = [pytest.mark.interop, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
REAL_CLI = next((ROOT / ".venv-oracle" / "lib").glob("python3*/site-packages/rerun_cli/rerun"), None)

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import rerun as rr

    mode, target = sys.argv[1], sys.argv[2]
    rr.init("grpc_interop", recording_id="grpc-interop-rec", send_properties=False)
    if mode == "save":
        rr.save(target)
    elif mode == "spawn":
        rr.spawn(port=int(target))
    elif mode == "serve":
        rr.serve_grpc(grpc_port=int(target))
    else:
        rr.connect_grpc(target)
    rr.log("world/text", rr.TextDocument("hello"), static=True)
    rr.log("world/origin", rr.Transform3D(translation=[1, 2, 3]), static=True)
    for i in range(40):
        rr.set_time("frame", sequence=i)
        rr.set_time("sim", duration=i * 0.25)
        rr.log("world/points", rr.Points3D(np.arange(3 * (i + 1), dtype=np.float32).reshape(-1, 3),
                                           radii=0.1, colors=[255, i, 0]))
        rr.log("plot/sin", rr.Scalars(np.sin(i / 4)))
        if i % 10 == 0:
            rr.log("camera/image", rr.Image(np.full((16, 12, 3), i, dtype=np.uint8)))
            rr.log("log", rr.TextLog(f"step {i}", level="INFO"))
    rr.set_time("frame", sequence=100)
    rr.log("world/boxes", rr.Boxes3D(half_sizes=[[1, 2, 3], [4, 5, 6]], labels=["a", "b"]))
    if mode == "serve":
        rr.get_global_data_recording().flush()
        print("ready", flush=True)
        sys.stdin.read()  # serve until the test closes our stdin
    """
)


def run_ours(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd="/",
    )
    assert proc.returncode == 0, proc.stderr
    assert "dropped" not in proc.stderr, proc.stderr


def assert_same_recording(oracle: Any, expected: Path, actual: Path, tmp: Path) -> None:
    """The real CLI's verdict after optimizing both."""
    a, b = tmp / "expected.opt.rrd", tmp / "actual.opt.rrd"
    oracle.cli("rrd", "optimize", str(expected), "-o", str(a))
    oracle.cli("rrd", "optimize", str(actual), "-o", str(b))
    result = oracle.cli("rrd", "compare", "--unordered", str(a), str(b), check=False)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def direct_file(oracle: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The script saved straight to a file by the real SDK."""
    path = tmp_path_factory.mktemp("direct") / "direct.rrd"
    oracle.run_script(SCRIPT, "save", str(path))
    return path


def test_real_sdk_into_our_serve_grpc_save(oracle: Any, direct_file: Path, tmp_path: Path) -> None:
    port, saved = free_port(), tmp_path / "ours.rrd"
    with running(["--serve-grpc", f"--save={saved}"], port) as proc:
        oracle.run_script(SCRIPT, "connect", f"rerun+http://127.0.0.1:{port}/proxy")
        code, err = stop(proc, signal.SIGTERM)
    assert code == 0, err
    oracle.cli("rrd", "verify", str(saved))  # our --save file has its footer
    assert_same_recording(oracle, direct_file, saved, tmp_path)


@pytest.fixture
def real_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """The real `rerun --serve-grpc --save F` (the native binary, so signals reach it)."""
    if REAL_CLI is None:
        pytest.fail(".venv-oracle has no rerun_cli binary")
    port, saved = free_port(), tmp_path / "theirs.rrd"
    proc = subprocess.Popen(
        [str(REAL_CLI), "--serve-grpc", f"--port={port}", f"--save={saved}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RERUN_ANALYTICS": "0"},
    )
    try:
        wait_listening(port, proc)
        yield port, saved
    finally:
        stop(proc, signal.SIGTERM)


def test_our_sdk_into_real_serve_grpc_save(
    oracle: Any, direct_file: Path, real_server: tuple[int, Path], tmp_path: Path
) -> None:
    port, saved = real_server
    run_ours("connect", f"rerun+http://127.0.0.1:{port}/proxy")
    time.sleep(0.5)  # let the real server write what it received
    assert_same_recording(oracle, direct_file, saved, tmp_path)


def test_our_spawn_only_connects_when_port_is_taken(
    oracle: Any, direct_file: Path, real_server: tuple[int, Path], tmp_path: Path
) -> None:
    port, saved = real_server
    run_ours("spawn", str(port))
    time.sleep(0.5)
    assert_same_recording(oracle, direct_file, saved, tmp_path)


def read_back(port: int, quiet_s: float = 1.5, limit_s: float = 30) -> list[Any]:
    """Everything a proxy on `port` replays, until it is quiet for `quiet_s`."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        call = channel.unary_stream(f"/{SERVICE_NAME}/ReadMessages")(b"", timeout=limit_s)
        got: list[Any] = []
        done = time.monotonic() + limit_s
        with contextlib.suppress(grpc.RpcError):
            while time.monotonic() < done:
                # next() blocks; cancel via a timer when nothing comes for a while.
                timer = _cancel_later(call, quiet_s)
                try:
                    got.append(parse_request(next(call)))
                finally:
                    timer.cancel()
        return got


def _cancel_later(call: Any, delay: float) -> Any:
    import threading

    timer = threading.Timer(delay, call.cancel)
    timer.start()
    return timer


def _counts(msgs: list[Any]) -> tuple[int, int]:
    infos = sum(m.kind == MsgKind.SET_STORE_INFO for m in msgs)
    return infos, sum(m.kind == MsgKind.ARROW_MSG for m in msgs)


def test_real_spawn_starts_our_rerun_from_path(oracle: Any, tmp_path: Path) -> None:
    port = free_port()
    env = oracle.env()
    env["PATH"] = f"{OURS.parent}:{env['PATH']}"
    log = tmp_path / "script.log"
    try:
        # Output to a file: the spawned viewer inherits it and outlives the script.
        with log.open("w") as out:
            proc = subprocess.run(
                [str(oracle.python), "-c", SCRIPT, "spawn", str(port)],
                stdout=out,
                stderr=out,
                timeout=120,
                env=env,
                cwd="/",
            )
        assert proc.returncode == 0, log.read_text()
        infos, chunks = _counts(read_back(port))
    finally:
        kill_listeners_of(port)
    assert infos >= 1 and chunks >= 6


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="the real viewer needs a display (Xvfb)")
def test_our_spawn_starts_real_viewer_from_path(oracle: Any) -> None:
    port, display = free_port(), f":{free_port() % 500 + 100}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "640x480x24"], stderr=subprocess.DEVNULL)
    env = {**os.environ, "PATH": f"{oracle.python.parent}:{os.environ['PATH']}", "DISPLAY": display}
    env["RERUN_ANALYTICS"] = "0"
    try:
        time.sleep(0.5)
        run_ours("spawn", str(port), env=env)
        infos, chunks = _counts(read_back(port))
    finally:
        kill_listeners_of(port)
        xvfb.terminate()
        xvfb.wait(10)
    assert infos >= 1 and chunks >= 6


def test_our_spawn_without_rerun_on_path_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, "spawn", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd="/",
    )
    assert proc.returncode != 0
    assert "Failed to find the Rerun Viewer executable 'rerun' in PATH" in proc.stderr


def test_our_rerun_file_hands_over_to_running_viewer(direct_file: Path, tmp_path: Path, oracle: Any) -> None:
    port, saved = free_port(), tmp_path / "received.rrd"
    with running(["--serve-grpc", f"--save={saved}"], port) as server:
        # Not --serve-grpc: a plain `rerun FILE` finds the endpoint and sends the file to it.
        handed = subprocess.run(
            [str(OURS), f"--port={port}", str(direct_file)], capture_output=True, text=True, timeout=60
        )
        assert handed.returncode == 0, handed.stderr
        assert "sent 1 file(s)" in handed.stderr
        code, err = stop(server)
    assert code == 0, err
    assert_same_recording(oracle, direct_file, saved, tmp_path)


def wait_stable(
    path: Path, proc: subprocess.Popen[str] | None = None, quiet_s: float = 1.0, limit_s: float = 90
) -> None:
    """Wait until `path` exists and has stopped growing for `quiet_s`; fail loudly otherwise."""
    deadline, last, since = time.monotonic() + limit_s, -1, time.monotonic()
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"writer of {path.name} exited ({proc.returncode}): {proc.communicate()}")
        size = path.stat().st_size if path.exists() else -1
        if size != last:
            last, since = size, time.monotonic()
        elif size > 0 and time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.1)
    raise AssertionError(
        f"{path} {'never appeared' if last < 0 else f'still at {last} bytes'} after {limit_s} s"
    )


def _real_cli(*args: str) -> subprocess.Popen[str]:
    assert REAL_CLI is not None
    return subprocess.Popen(
        [str(REAL_CLI), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RERUN_ANALYTICS": "0"},
    )


def _real_cli_pull(upstream: int, theirs: int, saved: Path) -> None:
    """The real CLI serves on `theirs`, pulls from our endpoint on `upstream` and saves to `saved`."""
    proc = _real_cli(
        "--serve-grpc",
        f"--port={theirs}",
        f"--connect=rerun+http://127.0.0.1:{upstream}/proxy",
        f"--save={saved}",
    )
    try:
        wait_listening(theirs, proc)
        wait_stable(saved, proc)
    finally:
        stop(proc, signal.SIGTERM)


def test_real_cli_pulls_from_our_endpoint(oracle: Any, direct_file: Path, tmp_path: Path) -> None:
    """Their `--connect` reads our ReadMessages replay."""
    ours, theirs, saved = free_port(), free_port(), tmp_path / "pulled.rrd"
    with running(["--serve-grpc"], ours):
        oracle.run_script(SCRIPT, "connect", f"rerun+http://127.0.0.1:{ours}/proxy")
        _real_cli_pull(ours, theirs, saved)
    assert_same_recording(oracle, direct_file, saved, tmp_path)


def test_our_connect_pulls_from_real_endpoint(
    oracle: Any, direct_file: Path, real_server: tuple[int, Path], tmp_path: Path
) -> None:
    """Our `--connect` reads their ReadMessages replay."""
    upstream, _ = real_server
    ours, saved = free_port(), tmp_path / "pulled.rrd"
    oracle.run_script(SCRIPT, "connect", f"rerun+http://127.0.0.1:{upstream}/proxy")
    with running(
        ["--serve-grpc", f"--connect=rerun+http://127.0.0.1:{upstream}/proxy", f"--save={saved}"], ours
    ) as p:
        wait_stable(saved, p)
        code, err = stop(p)
    assert code == 0, err
    assert_same_recording(oracle, direct_file, saved, tmp_path)


def test_real_cli_pulls_from_our_sdk_serve_grpc(oracle: Any, direct_file: Path, tmp_path: Path) -> None:
    """`rr.serve_grpc()` in our SDK process; the real CLI connects and saves what it replays."""
    port, theirs, saved = free_port(), free_port(), tmp_path / "pulled.rrd"
    script = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, "serve", str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd="/",
    )
    try:
        assert script.stdout is not None and script.stdout.readline().strip() == "ready"
        _real_cli_pull(port, theirs, saved)
    finally:
        script.communicate(input="", timeout=30)
    assert_same_recording(oracle, direct_file, saved, tmp_path)
