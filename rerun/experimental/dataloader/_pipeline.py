"""From a block of global sample positions to decoded samples.

1. locate each sample (segment, index value); 2. for keyframe-anchored fields (video), find each
sample's prior keyframe; 3. group fields by how they read (latest-at filled or exact, contiguous
ranges or single values, window) and run one reader query per group over just those entities;
4. locate every sample's rows in the fetched table; 5. decode each field once per block and
scatter the results back into sample order (a field without data for a sample is None).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._sample_index import IndexValue, SampleIndex, SegmentMetadata, ns_to_value, value_to_int
from ._tracing import with_tracing
from .decoders._base import ColumnDecoder, DecodedSample, DecodeRequest, FieldBatch

if TYPE_CHECKING:
    from rerun.catalog import DatasetEntry

    from ._config import Field


@dataclass(frozen=True)
class Want:
    """What one field needs for one sample."""

    position: int
    segment_id: str
    index_value: IndexValue
    outputs: tuple[int, ...]  # output index values, as ints
    decode_lo: int | None  # contiguous reads (video): the prior keyframe, else None


def content_filter(paths: Sequence[str]) -> list[str]:
    """``/cam:EncodedImage:blob`` -> ``/cam/**`` (entity patterns for ``filter_contents``)."""
    return sorted({f"{p.rsplit(':', 2)[0]}/**" for p in paths})


def _typed(values: np.ndarray, sample_index: SampleIndex) -> np.ndarray | pa.Array:
    if sample_index.is_timestamp:
        return pa.array(values, type=pa.timestamp("ns"))
    if sample_index.is_duration:
        return pa.array(values, type=pa.duration("ns"))
    return values


def _literal(value: int, sample_index: SampleIndex) -> Any:
    return ns_to_value(value, sample_index.ns_dtype)


def prior_keyframes(
    view: DatasetEntry,
    index: str,
    fields: dict[str, Field],
    located: list[tuple[SegmentMetadata, IndexValue]],
    sample_index: SampleIndex,
) -> dict[str, dict[str, np.ndarray]]:
    """Per keyframe-anchored field: each segment's sorted keyframe index values (up to the block's end)."""
    from datafusion import col

    paths = {k: f.prior_keyframe_path for k, f in fields.items() if f.prior_keyframe_path is not None}
    if not paths or not located:
        return {}
    columns = set(view.schema().column_names())
    missing = {k: p for k, p in paths.items() if p not in columns}
    if missing:
        details = ", ".join(f"{k!r}: {p!r}" for k, p in sorted(missing.items()))
        raise ValueError(f"Video fields require an is_keyframe column; missing {details}")
    top: dict[str, int] = {}
    for seg, value in located:
        hi = max(value_to_int(v) for k in paths for v in sample_index.output_index_values(value, fields[k]))
        top[seg.segment_id] = max(hi, top.get(seg.segment_id, hi))
    unique = list(dict.fromkeys(paths.values()))
    present = col(unique[0]).is_not_null()
    for p in unique[1:]:
        present = present | col(p).is_not_null()
    table = (
        view.filter_contents(content_filter(unique))
        .filter_segments(list(top))
        .reader(index=index)
        .filter((col(index) <= _literal(max(top.values()), sample_index)) & present)
        .select(col(index), col("rerun_segment_id"), *[col(p) for p in unique])
        .to_arrow_table()
    )
    by_path: dict[str, dict[str, np.ndarray]] = {}
    for p in unique:
        rows = table.filter(pc.fill_null(pc.list_element(table.column(p), 0), False))
        found: dict[str, list[int]] = defaultdict(list)
        values = rows.column(index).cast(pa.int64()).to_pylist()
        for seg_id, v in zip(rows.column("rerun_segment_id").to_pylist(), values, strict=True):
            found[seg_id].append(int(v))
        by_path[p] = {s: np.sort(np.array(v, dtype=np.int64)) for s, v in found.items()}
    return {k: by_path[p] for k, p in paths.items()}


def row_order(located: Sequence[tuple[str, IndexValue]]) -> list[int]:
    """Positions of ``(segment_id, index value)`` samples in the order decoders walk rows: segment
    by segment as first met, ascending index within each (a video GOP is decoded front to back)."""
    order: dict[str, list[int]] = {}
    for pos, (seg_id, _) in enumerate(located):
        order.setdefault(seg_id, []).append(pos)
    for positions in order.values():
        positions.sort(key=lambda p: value_to_int(located[p][1]))
    return [pos for positions in order.values() for pos in positions]


def _at_or_before(sorted_values: np.ndarray | None, target: int) -> int | None:
    if sorted_values is None or not len(sorted_values):
        return None
    i = int(np.searchsorted(sorted_values, target, side="right")) - 1
    return None if i < 0 else int(sorted_values[i])


def wants(
    located: list[tuple[SegmentMetadata, IndexValue]],
    keyframes: dict[str, dict[str, np.ndarray]],
    fields: dict[str, Field],
    sample_index: SampleIndex,
) -> dict[str, list[Want]]:
    """Each field's needs, samples in row order (by segment as first met, ascending index)."""
    out: dict[str, list[Want]] = {k: [] for k in fields}
    for pos in row_order([(seg.segment_id, value) for seg, value in located]):
        seg, value = located[pos]
        for key, field in fields.items():
            outputs = tuple(value_to_int(v) for v in sample_index.output_index_values(value, field))
            lo = None
            if key in keyframes:
                lo = _at_or_before(keyframes[key].get(seg.segment_id), min(outputs))
            out[key].append(Want(pos, seg.segment_id, value, outputs, lo))
    return out


def _merged_ranges(items: list[Want]) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for w in items:
        lo = w.decode_lo if w.decode_lo is not None else min(w.outputs)
        spans[w.segment_id].append((lo, max(w.outputs)))
    merged: dict[str, list[tuple[int, int]]] = {}
    for seg_id, ranges in spans.items():
        acc: list[list[int]] = []
        for lo, hi in sorted(ranges):
            if acc and lo <= acc[-1][1] + 1:
                acc[-1][1] = max(acc[-1][1], hi)
            else:
                acc.append([lo, hi])
        merged[seg_id] = [(a, b) for a, b in acc]
    return merged


def fetch_group(
    view: DatasetEntry,
    index: str,
    fields: dict[str, Field],
    needs: dict[str, list[Want]],
    *,
    contiguous: bool,
    fill: bool,
    sample_index: SampleIndex,
) -> pa.Table:
    """One reader query for a group of fields with the same kind of read."""
    from datafusion import col

    all_needs = [w for k in fields for w in needs[k]]
    segments = list(dict.fromkeys(w.segment_id for w in all_needs))
    scoped = view.filter_contents(content_filter([f.path for f in fields.values()])).filter_segments(segments)
    if contiguous:
        predicate = None
        for seg_id, ranges in _merged_ranges(all_needs).items():
            for lo, hi in ranges:
                span = (
                    (col("rerun_segment_id") == seg_id)
                    & (col(index) >= _literal(lo, sample_index))
                    & (col(index) <= _literal(hi, sample_index))
                )
                predicate = span if predicate is None else predicate | span
        assert predicate is not None  # every need has a segment and a range
        df = scoped.reader(index=index).filter(predicate)
    else:
        values: dict[str, set[int]] = defaultdict(set)
        for w in all_needs:
            values[w.segment_id].update(w.outputs)
        query = {s: _typed(np.array(sorted(v), dtype=np.int64), sample_index) for s, v in values.items()}
        df = scoped.reader(index=index, using_index_values=query, fill_latest_at=fill)
    selected = [col(index), col("rerun_segment_id"), *[col(f.path).alias(k) for k, f in fields.items()]]
    return df.select(*selected).to_arrow_table()


def _spans(table: pa.Table, index: str) -> tuple[pa.Table, np.ndarray, dict[str, tuple[int, int]]]:
    """The table by segment, ascending index within each, with each segment's row span."""
    values = table.column(index).cast(pa.int64()).to_numpy(zero_copy_only=False).astype(np.int64)
    if not len(values):
        return table, values, {}
    segs = np.asarray(table.column("rerun_segment_id").to_pylist(), dtype=object)
    order = sorted(range(len(values)), key=lambda i: (segs[i], values[i]))
    if order != list(range(len(values))):
        table, values, segs = table.take(pa.array(order)), values[order], segs[order]
    spans: dict[str, tuple[int, int]] = {}
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or segs[i] != segs[start]:
            spans[str(segs[start])] = (start, i)
            start = i
    return table, values, spans


def requests_for(
    field_needs: list[Want], values: np.ndarray, spans: dict[str, tuple[int, int]], contiguous: bool
) -> list[DecodeRequest]:
    """Each need's rows: outputs as of their index values; for contiguous reads the decode run."""
    out = []
    for w in field_needs:
        span = spans.get(w.segment_id)
        if span is None:
            continue
        lo, hi = span
        rows = values[lo:hi]
        outs = lo + np.searchsorted(rows, np.array(w.outputs, dtype=np.int64), side="right") - 1
        first = lo
        decode: tuple[int, ...] | None = None
        if contiguous and w.decode_lo is not None:
            first = lo + int(np.searchsorted(rows, w.decode_lo, side="left"))
            stop = lo + int(np.searchsorted(rows, max(w.outputs), side="right"))
            decode = tuple(range(first, stop))
        if not outs.size or (outs < first).any():
            continue
        output_rows = tuple(int(r) for r in outs)
        out.append(
            DecodeRequest(
                sample_position=w.position,
                segment_id=w.segment_id,
                index_value=w.index_value,
                decode_row_indices=decode if decode is not None else output_rows,
                output_row_indices=output_rows,
                starts_at_keyframe=w.decode_lo is not None,
            )
        )
    return out


@with_tracing("RerunDataset._fetch_block")
def load_block(
    view: DatasetEntry,
    index: str,
    fields: dict[str, Field],
    decoders: dict[str, ColumnDecoder[Any]],
    positions: Sequence[int],
    sample_index: SampleIndex,
) -> list[DecodedSample]:
    """The decoded samples of global ``positions``, in that order."""
    located = [sample_index.global_to_local(int(p)) for p in positions]
    if not located:
        return []
    needs = wants(located, prior_keyframes(view, index, fields, located, sample_index), fields, sample_index)
    return decode_needs(view, index, fields, decoders, needs, len(located), sample_index)


def decode_needs(
    view: DatasetEntry,
    index: str,
    fields: dict[str, Field],
    decoders: dict[str, ColumnDecoder[Any]],
    needs: dict[str, list[Want]],
    num_samples: int,
    sample_index: SampleIndex,
) -> list[DecodedSample]:
    """Fetch and decode what ``needs`` asks for (live or from a manifest's rows): ``num_samples``
    samples in position order, a field without data None."""
    groups: dict[tuple[bool, bool, Any], dict[str, Field]] = defaultdict(dict)
    for key, field in fields.items():
        contiguous = any(w.decode_lo is not None for w in needs[key])
        groups[(field.fill_latest_at and not contiguous, contiguous, field.window)][key] = field
    results: dict[str, list[Any]] = {}
    for (fill, contiguous, _), group in groups.items():
        table = fetch_group(
            view, index, group, needs, contiguous=contiguous, fill=fill, sample_index=sample_index
        )
        table, values, spans = _spans(table, index)
        for key, field in group.items():
            batch = FieldBatch(
                column=table.column(key), select=field.select, is_windowed=field.window is not None
            )
            requests = requests_for(needs[key], values, spans, contiguous)
            decoded = decoders[key].decode(batch, requests)
            if len(decoded) != len(requests):
                raise RuntimeError(
                    f"{type(decoders[key]).__name__}.decode returned {len(decoded)} results "
                    f"for {len(requests)} requests (field {key!r})"
                )
            column: list[Any] = [None] * num_samples
            for request, value in zip(requests, decoded, strict=True):
                column[request.sample_position] = value
            results[key] = column
    return [{key: results[key][i] for key in fields} for i in range(num_samples)]


def iter_blocks(blocks: Sequence[Any], load: Any) -> Iterator[DecodedSample]:
    """Samples of each block in turn, the next block fetched on a thread while this one is used."""
    from concurrent.futures import ThreadPoolExecutor

    if not blocks:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rerun-fetch") as pool:
        pending = pool.submit(load, blocks[0])
        for i in range(len(blocks)):
            samples = pending.result()
            if i + 1 < len(blocks):
                pending = pool.submit(load, blocks[i + 1])
            yield from samples
