"""Recordings for the catalog differential test, written by the real 0.41 SDK (run as a script).

``python -P _catalog_diff_data.py OUT`` writes under OUT:
  recs/ep_a.rrd, ep_b.rrd, ep_c.rrd   several timelines (sequence, timestamp, duration), static
                                      data, several entities and archetypes, sparse components,
                                      recording properties
  layer/ep_a_extra.rrd                ep_a again, other content (a second layer / a duplicate)
  prefix/p1.rrd, prefix/sub/p2.rrd    a prefix to register, with a non-rrd file beside them
  bp.rbl, bp2.rbl                     blueprints
  bad.rrd, empty.rrd                  not recordings
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

T0 = 1_700_000_000_000_000_000


def _rec(path: Path, rid: str, name: str | None = None) -> Any:
    import rerun as rr

    rec = rr.RecordingStream("catalog_diff", recording_id=rid)
    path.parent.mkdir(parents=True, exist_ok=True)
    rec.save(str(path))
    if name is not None:
        rec.send_recording_name(name)
    return rec


def _episode(out: Path, rid: str, frames: list[int], boxes: bool, score: float) -> None:
    """One recording: points on every frame (colors on even ones only), scalars, a text log."""
    import rerun as rr

    rec = _rec(out, rid, f"episode {rid}")
    rec.send_property("episode", rr.AnyValues(success=score > 0.5, score=score))
    rec.log("/world", rr.ViewCoordinates.RIGHT_HAND_Z_UP, static=True)
    rec.log("/doc", rr.TextDocument(f"about {rid}"), static=True)
    for f in frames:
        rec.set_time("frame", sequence=f)
        rec.set_time("time", timestamp=(T0 + f * 10**9) / 1e9)
        rec.set_time("elapsed", duration=f * 0.5)
        colors = [[255, 0, f]] if f % 2 == 0 else None
        rec.log("/world/points", rr.Points3D([[f, 0.0, 1.0], [f, 1.0, 1.0]], colors=colors))
        if f % 3 == 0:
            rec.log("/scalars", rr.Scalars([float(f), -float(f)]))
        if boxes and f in (1, 4):
            rec.log("/world/boxes", rr.Boxes3D(half_sizes=[[1.0, 2.0, float(f)]], labels=["box"]))
    rec.reset_time()
    rec.set_time("time", timestamp=(T0 + 5 * 10**8) / 1e9)
    rec.log("/log", rr.TextLog(f"hello from {rid}", level="INFO"))
    rec.flush()
    rec.disconnect()


def main(out: Path) -> None:
    import rerun as rr
    import rerun.blueprint as rrb

    _episode(out / "recs" / "ep_a.rrd", "ep_a", [0, 1, 2, 3, 4, 5], boxes=True, score=0.9)
    _episode(out / "recs" / "ep_b.rrd", "ep_b", [2, 3, 7], boxes=False, score=0.2)
    rec = _rec(out / "recs" / "ep_c.rrd", "ep_c")
    rec.log("/doc", rr.TextDocument("static only, with a timestamp log"), static=True)
    rec.set_time("time", timestamp=(T0 + 3 * 10**9) / 1e9)
    rec.log("/log", rr.TextLog("c"))
    rec.flush()
    rec.disconnect()

    rec = _rec(out / "layer" / "ep_a_extra.rrd", "ep_a")
    for f in (0, 2, 9):
        rec.set_time("frame", sequence=f)
        rec.log("/extra", rr.Scalars(f * 10.0))
    rec.flush()
    rec.disconnect()

    _episode(out / "prefix" / "p1.rrd", "ep_p1", [1], boxes=False, score=0.6)
    _episode(out / "prefix" / "sub" / "p2.rrd", "ep_p2", [4, 5], boxes=True, score=0.1)
    (out / "prefix" / "readme.txt").write_text("not a recording")

    rrb.Blueprint(rrb.Spatial3DView(origin="/world")).save("catalog_diff", str(out / "bp.rbl"))
    rrb.Blueprint(rrb.TimeSeriesView(origin="/scalars")).save("catalog_diff", str(out / "bp2.rbl"))
    (out / "bad.rrd").write_text("this is not an rrd file")
    (out / "empty.rrd").write_bytes(b"")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
