"""Which chunks of a dataset a FindChunks / QueryDataset request selects (from the index only)."""

from __future__ import annotations

from collections.abc import Iterator

from rerun_core.proto.gen import cloud_pb2 as pb

from .model import Dataset, Layer, Segment
from .segment_index import ChunkEntry

Picked = list[tuple[Layer, ChunkEntry]]


def _segments(ds: Dataset, ids: list[str] | None) -> list[Segment]:
    segs = sorted(ds.segments.values(), key=lambda s: s.segment_id)
    if ids is None:
        return segs
    wanted = set(ids)
    return [s for s in segs if s.segment_id in wanted]


def _segment_ids(sel: pb.SegmentSelection) -> list[str] | None:
    if sel.WhichOneof("selection") == "explicit":
        return [s.id for s in sel.explicit.ids]
    return None


def _content_filter(contents: pb.ContentSelection) -> dict[str, set[str] | None] | None:
    """Entity path -> component ids (None: all), or None for everything."""
    if contents.WhichOneof("selection") != "explicit":
        return None
    out: dict[str, set[str] | None] = {}
    for e in contents.explicit.entities:
        path = "/" + e.entity_path.path.strip("/")
        out[path] = set(e.explicit.ids) if e.WhichOneof("components") == "explicit" else None
    return out


def _matches(chunk: ChunkEntry, wanted: dict[str, set[str] | None] | None) -> bool:
    if wanted is None:
        return True
    # Components do not narrow the chunks: the real server returns every chunk of a selected
    # entity (rows then come from all of the entity's components, as in 0.41's reader).
    return chunk.entity_path in wanted


def _in_range(chunk: ChunkEntry, sel: pb.RangeSelection) -> bool:
    if chunk.is_static:
        return True
    r = chunk.time_ranges.get(sel.timeline)
    if r is None:
        return False
    lo, hi = r
    if sel.HasField("end_inclusive") and lo > sel.end_inclusive:
        return False
    if sel.fill_mode == pb.FILL_MODE_LATEST_AT:
        return True  # earlier rows may fill the start of the range
    return not (sel.HasField("start_inclusive") and hi < sel.start_inclusive)


def _all_chunks(seg: Segment) -> Picked:
    return [(lay, c) for lay in seg.ordered_layers() for c in lay.index.chunks]


def select_chunks(ds: Dataset, req: pb.FindChunksRequest) -> Iterator[tuple[Segment, Picked, str | None]]:
    """Per segment: the chunks a FindChunks request asks for, and the timeline it ranges over."""
    wanted = _content_filter(req.contents)
    mode = req.WhichOneof("mode")
    if mode == "static":
        segs, timeline = _segments(ds, _segment_ids(req.static.segments)), None
    elif mode == "range":
        segs, timeline = _segments(ds, _segment_ids(req.range.segments)), req.range.timeline
    elif mode == "samples":
        ids = [s.segment_id.id for s in req.samples.segments]
        segs, timeline = _segments(ds, ids or None), req.samples.timeline
    else:
        segs, timeline = _segments(ds, None), None
    for seg in segs:
        picked = [(lay, c) for lay, c in _all_chunks(seg) if _matches(c, wanted)]
        if mode == "static":
            picked = [(lay, c) for lay, c in picked if c.is_static]
        elif mode == "range":
            picked = [(lay, c) for lay, c in picked if _in_range(c, req.range)]
        elif timeline is not None:
            picked = [(lay, c) for lay, c in picked if c.is_static or timeline in c.time_ranges]
        yield seg, picked, timeline


def select_chunks_for_query(ds: Dataset, req: pb.QueryDatasetRequest) -> Iterator[tuple[Segment, Picked]]:
    """Per segment: the chunks an (older-client) QueryDataset request asks for."""
    # Nothing is selected unless the request asks for all entities or names some (as 0.41).
    paths = None if req.select_all_entity_paths else {"/" + e.path.strip("/") for e in req.entity_paths}
    ids = [s.id for s in req.segment_ids] or None
    q = req.query
    for seg in _segments(ds, ids):
        picked = [
            (lay, c)
            for lay, c in _all_chunks(seg)
            if (paths is None or c.entity_path in paths) and _query_keeps(c, q)
        ]
        yield seg, picked


def _query_keeps(c: ChunkEntry, q: pb.Query) -> bool:
    """A latest-at keeps what may hold the value at ``at``; a range what overlaps it (static too)."""
    if c.is_static:
        return True
    if q.HasField("latest_at"):
        r = c.time_ranges.get(q.latest_at.index.timeline.name)
        return r is not None and (not q.latest_at.HasField("at") or r[0] <= q.latest_at.at)
    if q.HasField("range"):
        r = c.time_ranges.get(q.range.index.timeline.name)
        span = q.range.index_range
        return r is not None and r[0] <= span.end and r[1] >= span.start
    return True
