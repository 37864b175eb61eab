"""Our catalog server reading a dataset from a bucket (a local S3: moto) beside the same files on disk.

A generated dataset (``--segments`` recordings; in each, ``--entities`` entities of 3D points
written in ``--blocks`` time blocks of 100 frames, one chunk per entity and block, ~120 kB
each, interleaved in the file) is uploaded to moto's S3 (server mode, on 127.0.0.1) and also
kept on disk. One in-process ``CatalogServer`` serves both: dataset ``local`` (the files) and
``bucket`` (``register_prefix("s3://...")``). The real 0.41 client (oracle venv, a subprocess per
read) runs, median of ``--repeat``:

- ``full``: ``reader(index="frame")`` of the whole dataset;
- ``filtered``: ``filter_contents("/e1")`` and ``frame`` in a quarter of the range;
- ``single``: ``filter_segments([seg0]).reader(index="frame")``.

For the bucket, the object-store requests and bytes the server made per read are counted (and
those of the registration, which reads only footers). Printed: one ``RESULT`` JSON line per
(dataset, read), a ``REGISTER`` line, and a ``RATIO`` line per read (bucket time / disk time).

    python -m benchmarks.bench_object_store [--segments N] [--entities N] [--blocks N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
ORACLE_PY = ROOT / ".venv-oracle" / "bin" / "python"
BUCKET = "bench"
BLOCK = 100  # frames per chunk
POINTS = 100  # per row: 1.2 kB a row, ~120 kB a chunk

CLIENT = r"""
import json, statistics, sys, time
from datafusion import col, lit
from rerun.catalog import CatalogClient

url, name, op, repeat, lo, hi = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
ds = CatalogClient(url).get_dataset(name)
seg = sorted(ds.segment_ids())[0]

def read():
    if op == "full":
        return ds.reader(index="frame").to_arrow_table()
    if op == "filtered":
        df = ds.filter_contents("/e1").reader(index="frame")
        return df.filter(col("frame") >= lit(lo), col("frame") < lit(hi)).to_arrow_table()
    return ds.filter_segments([seg]).reader(index="frame").to_arrow_table()

times = []
for _ in range(repeat):
    t0 = time.perf_counter()
    table = read()
    times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": statistics.median(times), "rows": table.num_rows, "cols": table.num_columns}))
"""


def write_segment(path: Path, recording_id: str, entities: int, blocks: int, seed: int) -> None:
    from rerun_core.store.chunk import Chunk, TimeColumn
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
    from rerun_core.store.rrd import RrdWriter
    from rerun_core.types import ComponentDescriptor, TimeType
    from rerun_core.types.tuid import TuidGenerator

    ids = TuidGenerator()
    pos = ComponentDescriptor(
        "Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D"
    )
    point = pa.list_(pa.field("item", pa.float32(), False), 3)
    rng = np.random.default_rng(seed)
    sid = StoreId(StoreKind.RECORDING, recording_id, "bench_object_store")
    with RrdWriter(path) as w:
        w.write(SetStoreInfo(ids.new(), StoreInfo(sid)))
        for block in range(blocks):
            frames = np.arange(block * BLOCK, (block + 1) * BLOCK, dtype=np.int64)
            for e in range(entities):
                flat = pa.array(rng.random(BLOCK * POINTS * 3, dtype=np.float32))
                points = pa.FixedSizeListArray.from_arrays(flat, type=point)
                offsets = pa.array(np.arange(0, (BLOCK + 1) * POINTS, POINTS, dtype=np.int32))
                chunk = Chunk.from_columns(
                    f"/e{e}",
                    timelines=[TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)],
                    components={pos: pa.ListArray.from_arrays(offsets, points)},
                    chunk_id=ids.new(),
                    row_ids=ids.new_block(BLOCK),
                )
                w.write(ArrowMsg(sid, chunk))


def run_client(url: str, name: str, op: str, repeat: int, lo: int, hi: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["RERUN_ANALYTICS"] = "0"
    args = [str(ORACLE_PY), "-P", "-c", CLIENT, url, name, op, str(repeat), str(lo), str(hi)]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"client failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--segments", type=int, default=4)
    ap.add_argument("--entities", type=int, default=4)
    ap.add_argument("--blocks", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from rerun.catalog import CatalogClient
    from rerun_core.server.catalog import CatalogServer
    from rerun_core.server.catalog import object_store as obs
    from tests.catalog.s3_fixture import local_s3

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ds"
        root.mkdir()
        for i in range(args.segments):
            write_segment(root / f"seg{i}.rrd", f"seg{i}", args.entities, args.blocks, seed=i)
        total = sum(p.stat().st_size for p in root.glob("*.rrd"))
        print(f"dataset: {args.segments} segments, {total / 1e6:.1f} MB on disk", flush=True)
        objects = {f"ds/{p.name}": p for p in sorted(root.glob("*.rrd"))}
        with local_s3({BUCKET: objects}) as s3:
            os.environ.update(s3.env())
            obs.clear_caches()
            srv = CatalogServer(port=0).start()
            try:
                srv.load_dataset("local", root)
                before = obs.STATS.snapshot()
                t0 = time.perf_counter()
                CatalogClient(srv.url).create_dataset("bucket").register_prefix(f"s3://{BUCKET}/ds").wait()
                seconds = time.perf_counter() - t0
                req, nbytes = (a - b for a, b in zip(obs.STATS.snapshot(), before))
                print(
                    "REGISTER " + json.dumps({"seconds": round(seconds, 3), "requests": req, "bytes": nbytes})
                )
                frames = args.blocks * BLOCK
                lo, hi = frames // 4, frames // 2
                for op in ("full", "filtered", "single"):
                    res = {}
                    for name in ("local", "bucket"):
                        before = obs.STATS.snapshot()
                        out = run_client(srv.url, name, op, args.repeat, lo, hi)
                        req, nbytes = (a - b for a, b in zip(obs.STATS.snapshot(), before))
                        out.update(requests=req / args.repeat, bytes=nbytes / args.repeat)
                        res[name] = out
                        print("RESULT " + json.dumps({"dataset": name, "read": op, **out}), flush=True)
                    ratio = res["bucket"]["seconds"] / res["local"]["seconds"]
                    print(f"RATIO {op}: bucket/disk time {ratio:.2f}", flush=True)
            finally:
                srv.stop()


if __name__ == "__main__":
    main()
