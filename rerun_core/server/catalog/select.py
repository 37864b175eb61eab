"""Which chunks of a dataset a FindChunks / QueryDataset request selects."""

from __future__ import annotations

from collections.abc import Iterator

from rerun_core.proto.gen import cloud_pb2 as pb
from rerun_core.store.chunk import Chunk

from .model import Dataset, Segment


def _segments(ds: Dataset, ids: list[str] | None) -> list[Segment]:
    segs = sorted(ds.segments.values(), key=lambda s: s.segment_id)
    return segs if ids is None else [s for s in segs if s.segment_id in set(ids)]


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


def _matches(chunk: Chunk, wanted: dict[str, set[str] | None] | None) -> bool:
    if wanted is None:
        return True
    path = str(chunk.entity_path)
    if path not in wanted:
        return False
    comps = wanted[path]
    return comps is None or any(d.component in comps for d in chunk.components)


def _in_range(chunk: Chunk, sel: pb.RangeSelection) -> bool:
    if chunk.is_static:
        return True
    col = chunk.timelines.get(sel.timeline)
    r = col.time_range() if col is not None else None
    if r is None:
        return False
    lo, hi = r
    if sel.HasField("end_inclusive") and lo > sel.end_inclusive:
        return False
    if sel.fill_mode == pb.FILL_MODE_LATEST_AT:
        return True  # earlier rows may fill the start of the range
    return not (sel.HasField("start_inclusive") and hi < sel.start_inclusive)


def select_chunks(
    ds: Dataset, req: pb.FindChunksRequest
) -> Iterator[tuple[Segment, list[Chunk], str | None]]:
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
        chunks = [c for c in seg.chunks if _matches(c, wanted)]
        if mode == "static":
            chunks = [c for c in chunks if c.is_static]
        elif mode == "range":
            chunks = [c for c in chunks if _in_range(c, req.range)]
        elif timeline is not None:
            chunks = [c for c in chunks if c.is_static or timeline in c.timelines]
        yield seg, chunks, timeline


def select_chunks_for_query(
    ds: Dataset, req: pb.QueryDatasetRequest
) -> Iterator[tuple[Segment, list[Chunk]]]:
    """Per segment: the chunks an (older-client) QueryDataset request asks for."""
    paths = (
        None
        if req.select_all_entity_paths or not req.entity_paths
        else {"/" + e.path.strip("/") for e in req.entity_paths}
    )
    ids = [s.id for s in req.segment_ids] or None
    for seg in _segments(ds, ids):
        chunks = [
            c
            for c in seg.chunks
            if (paths is None or str(c.entity_path) in paths)
            and not (req.exclude_static_data and c.is_static)
            and not (req.exclude_temporal_data and not c.is_static)
        ]
        yield seg, chunks
