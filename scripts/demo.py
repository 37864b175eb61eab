"""`make demo`: log a small recording with our SDK, save it as .rrd, print `rerun rrd stats` of it.

Falls back to writing chunks directly with the codec if the SDK cannot log yet.
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path


def log_with_sdk(path: Path) -> None:
    import numpy as np

    import rerun as rr

    rr.init("rerun_demo", recording_id="demo")
    rr.save(str(path))
    rr.log("world/origin", rr.TextDocument("a small but real recording"), static=True)
    for frame in range(100):
        rr.set_time("frame", sequence=frame)
        angle = frame * 0.1
        rr.log("plot/sin", rr.Scalars(math.sin(angle)))
        pts = np.stack([np.cos(angle + np.arange(8)), np.sin(angle + np.arange(8)), np.zeros(8)], axis=1)
        rr.log("world/points", rr.Points3D(pts, radii=0.05))
    rr.disconnect()


def write_chunks(path: Path) -> None:
    import pyarrow as pa

    from rerun_core.store.chunk import Chunk, TimeColumn
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo, StoreId, StoreInfo, StoreKind
    from rerun_core.store.rrd import RrdWriter
    from rerun_core.types import ComponentDescriptor, TimeType, new_tuid, new_tuids

    store = StoreId(StoreKind.RECORDING, "demo", "rerun_demo")
    scalar = ComponentDescriptor("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")
    frames = list(range(100))
    values = pa.array([[math.sin(f * 0.1)] for f in frames], type=pa.list_(pa.float64()))
    chunk = Chunk.from_columns(
        "/plot/sin",
        new_tuids(len(frames)),
        [TimeColumn.from_values("frame", TimeType.SEQUENCE, frames)],
        {scalar: values},
    )
    with RrdWriter(path) as writer:
        writer.write(SetStoreInfo(new_tuid(), StoreInfo(store)))
        writer.write(ArrowMsg(store, chunk))


def main() -> int:
    from rerun.__main__ import main as rerun_main

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "rerun_demo.rrd"
    try:
        log_with_sdk(path)
        how = "logged with the rerun SDK"
    except Exception as err:  # the SDK is still being built: show the codec path instead
        print(f"(SDK logging unavailable: {type(err).__name__}: {err}; writing chunks directly)")
        write_chunks(path)
        how = "written chunk by chunk"
    print(f"Recording {how}: {path} ({path.stat().st_size} bytes)\n")
    print(f"$ rerun rrd stats {path}")
    sys.stdout.flush()
    return rerun_main(["rrd", "stats", str(path)])


if __name__ == "__main__":
    sys.exit(main())
