"""``rerun rrd compare A B``: exit 0 when two recordings hold the same data.

Each file must hold exactly one data recording (blueprints are ignored) with the same
application id. The ``log_time`` timeline (and any ``--ignore-timeline``) is left out; chunk
ids, row ids and the recording's start time never matter (two runs of one script compare
equal), as in the real CLI. Ordered mode compares the stores' chunks pairwise, in row-id order.
``--unordered`` compares rows as a multiset, so it is indifferent to order *and* to chunk
boundaries (the real CLI matches chunk against chunk; anything it calls equal, this does too).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk
from rerun_core.store.messages import StoreKind

from .common import EXIT_FAILURE, EXIT_OK, CliError, iter_messages
from .compact import drop_timelines
from .recordings import Recording, Recordings
from .rowhash import row_hashes


def load_recording(path: str) -> Recording:
    recordings = Recordings().add_all(m for _, m in iter_messages([path]))
    data = [r for r in recordings.by_id.values() if r.store_id.kind == StoreKind.RECORDING]
    if not data:
        raise CliError(f"{path}: no data recording found")
    if len(data) > 1:
        raise CliError(f"{path}: more than one data recording found ({len(data)})")
    return data[0]


# Wall-clock values that differ between two runs of the same script, like ``log_time``.
IGNORED_COMPONENTS = ("RecordingInfo:start_time",)


def _without_wall_clock(chunk: Chunk) -> Chunk:
    names = [f.name for f in chunk.batch.schema]
    if not any(n in IGNORED_COMPONENTS for n in names):
        return chunk
    keep = [i for i, n in enumerate(names) if n not in IGNORED_COMPONENTS]
    schema = pa.schema([chunk.batch.schema.field(i) for i in keep], metadata=chunk.batch.schema.metadata)
    return Chunk(pa.RecordBatch.from_arrays([chunk.batch.column(i) for i in keep], schema=schema))


def _prepared(rec: Recording, ignored: set[str], skip_empty: bool) -> list[Chunk]:
    chunks = [_without_wall_clock(drop_timelines(c, ignored)) for c in rec.store_chunks()]
    if skip_empty:
        chunks = [c for c in chunks if c.components]
    return chunks


def _describe_row(chunk: Chunk, row: int) -> str:
    when = ", ".join(f"{name}={col.values[row]}" for name, col in sorted(chunk.timelines.items()))
    names = [d.component for d, a in chunk.components.items() if a.is_valid()[row].as_py()]
    return f"{chunk.entity_path} ({when or 'no timeline'}): {', '.join(sorted(names)) or 'no components'}"


def _hashes(chunks: list[Chunk]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row hashes of all chunks, plus which chunk and row each came from."""
    if not chunks:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=np.uint64), empty, empty
    hashes = np.concatenate([row_hashes(c) for c in chunks])
    which = np.repeat(np.arange(len(chunks)), [c.num_rows for c in chunks])
    rows = np.concatenate([np.arange(c.num_rows) for c in chunks])
    return hashes, which, rows


def compare_unordered(a: list[Chunk], b: list[Chunk], name_a: str, name_b: str) -> list[str]:
    """Rows compared as multisets (vectorized hashes); describes a few rows on a mismatch."""
    ha, wa, ra = _hashes(a)
    hb, wb, rb = _hashes(b)
    if ha.size == hb.size and np.array_equal(np.sort(ha), np.sort(hb)):
        return []
    count_a, count_b = Counter(ha.tolist()), Counter(hb.tolist())
    problems = []
    for label, only, (hashes, which, rows, chunks) in (
        (name_a, count_a - count_b, (ha, wa, ra, a)),
        (name_b, count_b - count_a, (hb, wb, rb, b)),
    ):
        if not only:
            continue
        samples = []
        for h in list(only)[:3]:
            i = int(np.flatnonzero(hashes == np.uint64(h))[0])
            samples.append(_describe_row(chunks[int(which[i])], int(rows[i])))
        problems.append(f"{sum(only.values())} row(s) only in {label}, e.g. {'; '.join(samples)}")
    return problems


def chunks_similar(a: Chunk, b: Chunk) -> str | None:
    """None if equal up to chunk and row ids, else what differs."""
    if a.entity_path != b.entity_path:
        return f"entity {a.entity_path} vs {b.entity_path}"
    if a.num_rows != b.num_rows:
        return f"{a.entity_path}: {a.num_rows} vs {b.num_rows} rows"
    if set(a.timelines) != set(b.timelines):
        return f"{a.entity_path}: timelines {sorted(a.timelines)} vs {sorted(b.timelines)}"
    for name, col in a.timelines.items():
        if col.values.tolist() != b.timelines[name].values.tolist():
            return f"{a.entity_path}: values of timeline {name!r} differ"
    comps_a, comps_b = a.components, b.components
    if set(comps_a) != set(comps_b):
        names = sorted(str(d) for d in comps_a), sorted(str(d) for d in comps_b)
        return f"{a.entity_path}: components {names[0]} vs {names[1]}"
    for desc, arr in comps_a.items():
        if not arr.equals(comps_b[desc]):
            return f"{a.entity_path}: values of {desc.component} differ"
    return None


def compare_ordered(a: list[Chunk], b: list[Chunk]) -> list[str]:
    if len(a) != len(b):
        return [f"number of chunks does not match: {len(a)} vs {len(b)}"]
    for i, (ca, cb) in enumerate(zip(a, b)):
        diff = chunks_similar(ca, cb)
        if diff is not None:
            return [f"chunk #{i} does not match: {diff}"]
    return []


def run(args: argparse.Namespace) -> int:
    rec_a, rec_b = load_recording(args.path_to_rrd1), load_recording(args.path_to_rrd2)
    ignored = {"log_time", *args.ignore_timeline}
    a = _prepared(rec_a, ignored, args.ignore_chunks_without_components)
    b = _prepared(rec_b, ignored, args.ignore_chunks_without_components)
    if args.full_dump:
        from .rrd_print import format_chunk

        for path, chunks in ((args.path_to_rrd1, a), (args.path_to_rrd2, b)):
            print(path)
            for chunk in chunks:
                print(format_chunk(chunk, verbose=3, full_metadata=True))
    app_a, app_b = rec_a.store_id.application_id, rec_b.store_id.application_id
    problems = [f"application ids do not match: {app_a!r} vs {app_b!r}"] if app_a != app_b else []
    if not problems:
        if args.unordered:
            problems = compare_unordered(a, b, args.path_to_rrd1, args.path_to_rrd2)
        else:
            problems = compare_ordered(a, b)
    for problem in problems:
        print(f"rerun rrd compare: {problem}", file=sys.stderr)
    return EXIT_FAILURE if problems else EXIT_OK
