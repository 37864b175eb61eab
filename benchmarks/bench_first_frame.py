"""First frame of a 1 GB server segment, in a fresh process: the notebook Viewer and the page.

    .venv/bin/python -m benchmarks.bench_first_frame [--runs 3] [--data images,points]
        [--clients notebook,page] [--servers ours,real] [--modes warm,off]

Two ~1 GB segments are written once under artifacts/bench/first_frame/: ``images`` (250 frames
of a 1024x1024 RGBA image, 4 MB each, logged by our SDK) and ``points`` (280 frames of 300k
3D points, 3.6 MB each). Each is served by our ``rerun server`` and by the real one
(``.venv-oracle``); the viewer side is ours in both cases (the real viewer is a native window).

Per run a fresh Python process opens the segment URL and waits for the first frame that shows
its data (a picture with more than ``MIN_LIT`` non-background pixels):
- notebook: ``rerun.notebook.Viewer(url=..., memory_limit="256MB")`` headless, with the
  widget's frame callback standing in for the browser (made visible once the cell returns);
  timed from the ``Viewer(...)`` call (``import rerun.notebook`` is an earlier cell's cost,
  given apart as "import");
- page: ``rerun URL --serve-web --memory-limit 256MB`` as a child process, a WebSocket client
  in the role of the browser tab; timed from the process start (its imports included).
"cpu" is the viewer process's CPU time (all threads) until that frame: steadier than wall
time on a shared machine. ``--modes warm,off``: with the renderer warm-up (the default) and with ``RERUN_RENDER_WARMUP=0``
(what the viewer did before it), in the same minute; ``imports``: warm-up on, the import cuts
off (``IMPORT_CUTS``). "first_frame" may be a preview ("preview" 1: big point clouds on
lavapipe go out first as a strided subset at reduced resolution); "full_frame" is the first
full-resolution lossless frame with the data.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "artifacts" / "bench" / "first_frame"
OURS = ROOT / ".venv" / "bin" / "rerun"
REAL = ROOT / ".venv-oracle" / "bin" / "rerun"
MIN_LIT = 2000  # pixels brighter than the background: the data is in the picture
LIMIT = "256MB"


# --- data -------------------------------------------------------------------------------------


def write_images(path: Path) -> None:
    import numpy as np

    import rerun as rr

    rec = rr.RecordingStream("images", recording_id="images")
    rec.save(path)
    base = np.random.default_rng(0).integers(0, 255, (1024, 1024, 4), dtype=np.uint8)
    for i in range(250):
        rec.set_time("frame", sequence=i)
        rec.log("cam/image", rr.Image(np.roll(base, i, axis=0)))
    rec.flush()
    rec.disconnect()


def write_points(path: Path) -> None:
    import numpy as np
    import pyarrow as pa

    from rerun_core.store.chunk import Chunk, TimeColumn
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
    from rerun_core.store.rrd import RrdWriter
    from rerun_core.types import ComponentDescriptor, TimeType, TuidGenerator

    pos = ComponentDescriptor(
        "Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D"
    )
    sid = StoreId(StoreKind.RECORDING, "points", "points")
    n = 300_000
    base = np.random.default_rng(0).standard_normal((n, 3), dtype=np.float32)
    ids = TuidGenerator()
    with RrdWriter(path) as w:
        w.write(SetStoreInfo(ids.new(), StoreInfo(sid)))
        for i in range(280):
            fsl = pa.FixedSizeListArray.from_arrays(pa.array((base + i).ravel(), pa.float32()), 3)
            cell = pa.ListArray.from_arrays(pa.array([0, n], pa.int32()), fsl)
            timeline = TimeColumn.from_values("frame", TimeType.SEQUENCE, [i])
            w.write(ArrowMsg(sid, Chunk.from_columns("/points", ids.new_block(1), [timeline], {pos: cell})))


def ensure_data(names: list[str]) -> dict[str, Path]:
    dirs = {}
    for name in names:
        d = DATA / name
        f = d / f"{name}.rrd"
        if not f.exists():
            d.mkdir(parents=True, exist_ok=True)
            tmp = d / f"{name}.rrd.part"
            t0 = time.perf_counter()
            (write_images if name == "images" else write_points)(tmp)
            tmp.rename(f)
            print(
                f"wrote {f} ({f.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - t0:.0f} s", flush=True
            )
        dirs[name] = d
    return dirs


# --- children (fresh processes) ---------------------------------------------------------------


def lit(picture: Any) -> int:
    import numpy as np

    if not isinstance(picture, np.ndarray):
        from PIL import Image

        picture = np.asarray(Image.open(io.BytesIO(picture)).convert("RGB"))
    return int((picture[..., :3].astype(np.int32).sum(-1) > 90).sum())


def child_notebook(url: str) -> dict[str, float]:
    t0 = time.perf_counter()
    import threading

    from rerun import notebook as nb

    t_import = time.perf_counter() - t0
    got = threading.Event()
    result: dict[str, float] = {}
    widget: Any = None

    def send(content: dict, buffers: Any = None) -> None:
        if content.get("type") != "frame" or got.is_set():
            return
        widget.pump.ack(content["index"])
        if lit(bytes(buffers[0])) >= MIN_LIT:
            _seen(result, content.get("mime") == "image/png", time.perf_counter() - t1, time.process_time())
            if "full_frame" in result:
                got.set()

    t1 = time.perf_counter()
    viewer = nb.Viewer(url=url, width=640, height=360, use_global_recording=False, memory_limit=LIMIT)
    result["opened"] = time.perf_counter() - t1
    widget = viewer._widget
    widget.send = send
    widget.pump.set_visible("bench", True)
    if not got.wait(120):
        raise SystemExit("no frame with data within 120 s")
    result["import"] = t_import
    viewer.close()
    return result


def _seen(result: dict[str, float], full: bool, elapsed: float, cpu: float) -> None:
    """A frame with the data: the first one (a preview when not lossless) and the first full one."""
    if "first_frame" not in result:
        result["first_frame"], result["cpu"], result["preview"] = elapsed, cpu, float(not full)
    if full:
        result["full_frame"] = elapsed


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system, all threads) a live process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_page(url: str) -> dict[str, float]:
    import socket

    from websockets.sync.client import connect

    from rerun_notebook.web.page import split_packet

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, RERUN_WINDOW="0", BROWSER="true")
    cmd = [str(OURS), url, "--serve-web", "--web-viewer-port", str(port), "--memory-limit", LIMIT]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = t0 + 120
        while True:
            try:
                ws = connect(f"ws://127.0.0.1:{port}/ws", open_timeout=5)
                break
            except OSError:
                if time.perf_counter() > deadline or proc.poll() is not None:
                    raise SystemExit("the page never answered") from None
                time.sleep(0.05)
        t_ws = time.perf_counter() - t0
        result: dict[str, float] = {}
        with ws:
            ws.send(json.dumps({"type": "visible", "view": "bench", "visible": True}))
            while time.perf_counter() < deadline:
                msg = ws.recv(timeout=max(0.01, deadline - time.perf_counter()))
                if isinstance(msg, bytes):
                    header, picture = split_packet(msg)
                    ws.send(json.dumps({"type": "ack", "index": header.get("index")}))
                    if lit(picture) >= MIN_LIT:
                        full = header.get("mime") == "image/png"
                        _seen(result, full, time.perf_counter() - t0, _cpu_of(proc.pid))
                        if full:
                            return {**result, "page_open": t_ws}
        raise SystemExit("no frame with data within 120 s")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- driver -----------------------------------------------------------------------------------


def serve(exe: Path, dirs: dict[str, Path]) -> tuple[subprocess.Popen, dict[str, str]]:
    from rerun_core.server.redap_source import RedapClient
    from tests.catalog.catalog_data import free_port

    port = free_port()
    args = [str(exe), "server", "--host", "127.0.0.1", "-p", str(port)]
    for name, d in dirs.items():
        args += ["-d", f"{name}={d}"]
    # its own process group: the real `rerun` is a launcher over a native server, both end together
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            with RedapClient(f"rerun+http://127.0.0.1:{port}") as client:
                urls = {}
                for ds in client.datasets():  # one segment each, named as its recording id
                    urls[ds.name] = client.url.segment_url(ds.id, ds.name)
                if set(urls) == set(dirs):
                    return proc, urls
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                os.killpg(proc.pid, signal.SIGKILL)
                raise
        time.sleep(0.3)


# mode "imports": the warm-up on, the import cuts off (pandas deferral, wgpu header cache, lazy
# pygfx font index), as before they were made
IMPORT_CUTS = ("RERUN_DEFER_PANDAS", "RERUN_CDEF_CACHE", "RERUN_LAZY_FONT_INDEX")


def run_child(client: str, url: str, mode: str) -> dict[str, float]:
    env = dict(os.environ, RERUN_RENDER_WARMUP="0" if mode == "off" else "1")
    if mode == "imports":
        env.update(dict.fromkeys(IMPORT_CUTS, "0"))
    env.setdefault("XDG_RUNTIME_DIR", f"/tmp/xdg-runtime-{os.getuid()}")
    cmd = [sys.executable, "-m", "benchmarks.bench_first_frame", "--child", client, url]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if out.returncode:
        raise RuntimeError(f"{client} child failed: {out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--child", nargs=2, metavar=("CLIENT", "URL"))
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--data", default="images,points")
    p.add_argument("--clients", default="notebook,page")
    p.add_argument("--servers", default="ours,real")
    p.add_argument("--modes", default="warm,off")
    a = p.parse_args(argv)
    if a.child:
        client, url = a.child
        print(json.dumps(child_notebook(url) if client == "notebook" else child_page(url)), flush=True)
        return 0
    os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/xdg-runtime-{os.getuid()}")
    os.makedirs(os.environ["XDG_RUNTIME_DIR"], exist_ok=True)
    dirs = ensure_data(a.data.split(","))
    for server in a.servers.split(","):
        exe = OURS if server == "ours" else REAL
        if not exe.exists():
            print(f"skipping the {server} server: {exe} is missing")
            continue
        proc, urls = serve(exe, dirs)
        try:
            for name in dirs:
                for client in a.clients.split(","):
                    per_mode: dict[str, list[dict[str, float]]] = {m: [] for m in a.modes.split(",")}
                    for _ in range(a.runs):  # modes interleaved: same load for both
                        for mode in per_mode:
                            per_mode[mode].append(run_child(client, urls[name], mode))
                    medians = {}
                    for mode, runs in per_mode.items():
                        keys = runs[0].keys()
                        med = {k: statistics.median(r[k] for r in runs) for k in keys}
                        medians[mode] = med["first_frame"]
                        detail = ", ".join(f"{k} {v:.2f} s" for k, v in med.items())
                        firsts = " ".join(f"{r['first_frame']:.2f}" for r in runs)
                        load = os.getloadavg()[0]
                        print(
                            f"RESULT first_frame[{client}, {name}, {server} server, warm-up {mode}]: "
                            f"median {med['first_frame']:.2f} s ({detail}; runs {firsts}; load {load:.1f})",
                            flush=True,
                        )
                    if "warm" in medians and "off" in medians:
                        print(
                            f"RATIO first_frame[{client}, {name}, {server} server] warm-up/off: "
                            f"{medians['warm'] / medians['off']:.2f}",
                            flush=True,
                        )
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
