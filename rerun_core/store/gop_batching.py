"""GoP rebatching of video streams, the last step of an optimizing compaction (0.41's
``re_chunk_store::rebatch_videos``, run by ``collect(optimize=...)`` with ``gop_batching``).

Per entity with ``VideoStream:sample`` rows and a ``VideoStream:codec``:

- the sample rows are re-cut into chunks that start at a keyframe and never split a GoP, whole
  GoPs packed toward the byte threshold (a GoP over it gets a chunk of its own; 0.41 ignores
  the row thresholds here);
- keyframes are detected from the samples and written as ``VideoStream:is_keyframe = true`` rows
  (at the keyframe samples' times) in chunks of their own;
- the entity's other columns stay and are compacted as on any entity; the codec is left as is.

Logged ``is_keyframe`` labels must be exactly the codec keyframes (``true`` only); otherwise the
entity is left un-optimized with a warning, unless ``fix_keyframe`` drops and re-derives them.
Entities without a codec, whose first sample is not a keyframe, or whose samples span several
timeline sets, are skipped with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rerun_core.types import ComponentDescriptor, new_tuid, new_tuids

from .chunk import Chunk, TimeColumn
from .compaction import Thresholds, compact
from .video_keyframe import is_keyframe

log = logging.getLogger(__name__)

SAMPLE = "VideoStream:sample"
KEYFRAME = "VideoStream:is_keyframe"
CODEC = "VideoStream:codec"
KEYFRAME_DESC = ComponentDescriptor(KEYFRAME, "rerun.archetypes.VideoStream", "rerun.components.IsKeyframe")
# What 0.41 counts for a GoP on top of its sample bytes (measured against it): a fixed part, and
# per row the row id, the two list offsets and one time per timeline.
_GOP_OVERHEAD = 1256
_ROW_OVERHEAD = 16 + 8


class SkipEntity(Exception):
    """This entity's video is left un-optimized (the message says why)."""


@dataclass
class _Samples:
    """One entity's sample rows in row-id order: one chunk of just the sample column."""

    chunk: Chunk
    keyframes: np.ndarray  # bool per row

    def gops(self) -> list[tuple[int, int]]:
        """[start, end) row ranges, each starting at a keyframe (rows before the first form one)."""
        starts = sorted({0, *np.flatnonzero(self.keyframes).tolist()})
        return list(zip(starts, [*starts[1:], self.chunk.num_rows], strict=True))


def _codec(chunks: Sequence[Chunk]) -> int | None:
    for chunk in chunks:
        arr = chunk.component(CODEC)
        if arr is None:
            continue
        values = arr.flatten().drop_null()
        if len(values):
            return int(values[0].as_py())
    return None


def _sample_rows(entity: str, chunks: Sequence[Chunk], codec: int) -> _Samples:
    parts: list[Chunk] = []
    timeline_sets = set()
    for chunk in chunks:
        arr = chunk.component(SAMPLE)
        if chunk.is_static or arr is None or arr.null_count == len(arr):
            continue
        timeline_sets.add(frozenset(chunk.timelines))
        rows = np.flatnonzero(np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool))
        desc = next(d for d in chunk.components if d.component == SAMPLE)
        only = Chunk.from_columns(chunk.entity_path, chunk.row_ids, chunk.timelines, {desc: arr})
        parts.append(only.take(rows))
    if len(timeline_sets) > 1:
        raise SkipEntity(f"the samples of {entity} span several timeline sets")
    merged = Chunk.concat(parts, chunk_id=new_tuid()).sorted_by_row_id()
    blobs = merged.component(SAMPLE)
    assert blobs is not None
    flags = np.zeros(merged.num_rows, dtype=bool)
    offsets, values, _ = merged.list_parts(SAMPLE) or (None, None, None)
    assert offsets is not None and values is not None
    for row in range(merged.num_rows):
        if int(offsets[row + 1]) > int(offsets[row]):
            flags[row] = is_keyframe(
                values[int(offsets[row])].values.to_numpy(zero_copy_only=False).tobytes(), codec
            )
    return _Samples(merged, flags)


def _logged_keyframes(entity: str, chunks: Sequence[Chunk], samples: _Samples) -> None:
    """Raise ``SkipEntity`` unless the logged labels are ``true`` exactly at the codec keyframes."""
    timeline = min(samples.chunk.timelines)
    keys = set(samples.chunk.timelines[timeline].values[samples.keyframes].tolist())
    labelled: set[int] = set()
    false_rows = 0
    for chunk in chunks:
        arr = chunk.component(KEYFRAME)
        if arr is None or chunk.is_static or timeline not in chunk.timelines:
            continue
        times = chunk.timelines[timeline].values
        for row, value in enumerate(arr.to_pylist()):
            if not value:
                continue
            if any(value):
                labelled.add(int(times[row]))
            else:
                false_rows += 1
    if not labelled and not false_rows:
        return  # nothing logged: the detected keyframes are written
    missing, extra = keys - labelled, labelled - keys
    if missing or extra or false_rows:
        raise SkipEntity(
            f"user-supplied `is_keyframe` data of {entity} is incorrect: {len(missing)} codec keyframe(s) "
            f"missing an `is_keyframe=true` label; {len(extra)} sample(s) labeled `is_keyframe=true` that "
            f"are not codec keyframes; {false_rows} `is_keyframe=false` row(s); pass `fix_keyframe=True` "
            "to drop the existing labels and re-derive them from the encoded samples"
        )


def _pack(sizes: Sequence[int], max_bytes: int) -> Iterator[tuple[int, int]]:
    """Greedy runs of whole groups (their byte sizes) toward ``max_bytes`` (0.41 ignores the row
    thresholds here): [first, last) indices; a group over the target alone is a run of its own."""
    start, size = 0, 0
    for i, n in enumerate(sizes):
        if i > start and max_bytes > 0 and size + n > max_bytes:
            yield start, i
            start, size = i, 0
        size += n
    if start < len(sizes):
        yield start, len(sizes)


def _video_chunks(samples: _Samples, th: Thresholds) -> Iterator[Chunk]:
    chunk = samples.chunk
    gops = samples.gops()
    offsets = chunk.list_parts(SAMPLE)
    assert offsets is not None
    values_offsets = offsets[1].offsets.to_numpy(zero_copy_only=False) if len(offsets[1]) else None

    def nbytes(start: int, end: int) -> int:
        blob = 0
        if values_offsets is not None:
            lo, hi = int(offsets[0][start]), int(offsets[0][end])
            blob = int(values_offsets[hi]) - int(values_offsets[lo])
        return _GOP_OVERHEAD + blob + (end - start) * (_ROW_OVERHEAD + 8 * len(chunk.timelines))

    for first, last in _pack([nbytes(s, e) for s, e in gops], th.max_bytes):
        start, end = gops[first][0], gops[last - 1][1]
        yield chunk.take(np.arange(start, end), chunk_id=new_tuid())
    rows = np.flatnonzero(samples.keyframes)
    if not len(rows):
        return
    flags = pa.ListArray.from_arrays(
        pa.array(np.arange(len(rows) + 1, dtype=np.int32)), pa.array([True] * len(rows), pa.bool_())
    )
    times = [TimeColumn.from_values(n, c.typ, c.values[rows]) for n, c in chunk.timelines.items()]
    key_chunk = Chunk.from_columns(chunk.entity_path, new_tuids(len(rows)), times, {KEYFRAME_DESC: flags})
    per_row = 1 + 16 + 8 + 8 * len(times)
    for first, last in _pack([per_row] * len(rows), th.max_bytes):
        yield key_chunk.take(np.arange(first, last), chunk_id=new_tuid())


def _without(chunk: Chunk, names: set[str]) -> Chunk | None:
    comps = {d: a for d, a in chunk.components.items() if d.component not in names}
    if len(comps) == len(chunk.components):
        return chunk
    comps = {d: a for d, a in comps.items() if a.null_count < len(a)}
    if not comps:
        return None
    return Chunk.from_columns(chunk.entity_path, chunk.row_ids, chunk.timelines, comps, chunk_id=chunk.id)


def _rebatch_entity(
    entity: str, chunks: Sequence[Chunk], th: Thresholds, *, fix_keyframe: bool, extra_passes: int
) -> list[Chunk]:
    codec = _codec(chunks)
    if codec is None:
        raise SkipEntity(f"video entity {entity} has no `VideoStream:codec`")
    samples = _sample_rows(entity, chunks, codec)
    if not samples.keyframes.size or not samples.keyframes[0]:
        raise SkipEntity(f"first sample of {entity} is not a keyframe")  # 0.41 leaves it as is
    if not fix_keyframe:
        _logged_keyframes(entity, chunks, samples)
    stripped = [(c, _without(c, {SAMPLE, KEYFRAME})) for c in chunks]
    static = [s for c, s in stripped if s is not None and c.is_static]
    others = [s for c, s in stripped if s is not None and not c.is_static]
    if any(s is not c for c, s in stripped if not c.is_static):
        others = compact(others, th, extra_passes=extra_passes)
    return [*static, *others, *_video_chunks(samples, th)]


def rebatch_videos(
    chunks: Sequence[Chunk], th: Thresholds, *, fix_keyframe: bool = False, extra_passes: int = 0
) -> list[Chunk]:
    """``chunks`` (a compacted store's, in order) with every video entity's samples re-cut at keyframes."""
    by_entity: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_entity.setdefault(str(chunk.entity_path), []).append(chunk)
    out: list[Chunk] = []
    done: set[str] = set()
    for chunk in chunks:
        entity = str(chunk.entity_path)
        if entity in done:
            continue
        mine = by_entity[entity]
        if not any(c.component(SAMPLE) is not None and not c.is_static for c in mine):
            out.append(chunk)
            continue
        done.add(entity)
        try:
            out.extend(
                _rebatch_entity(entity, mine, th, fix_keyframe=fix_keyframe, extra_passes=extra_passes)
            )
        except SkipEntity as err:
            log.warning("skipping GoP rebatching of video entity, leaving it un-optimized: %s", err)
            out.extend(mine)
    return out
