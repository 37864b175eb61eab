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
from collections.abc import Iterator

import pyarrow as pa

from rerun_core.store.chunk import Chunk
from rerun_core.store.messages import StoreKind

from .common import EXIT_FAILURE, EXIT_OK, CliError, iter_messages
from .compact import drop_timelines
from .recordings import Recording, Recordings

RowKey = tuple[str, bool, tuple[tuple[str, int], ...], tuple[tuple[str, str], ...]]


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


def iter_rows(chunk: Chunk) -> Iterator[RowKey]:
    """One hashable key per row: entity, static, times and non-null component values."""
    entity = chunk.entity_path.path
    times = {name: col.values.tolist() for name, col in chunk.timelines.items()}
    cols = {str(d): a.to_pylist() for d, a in chunk.components.items()}
    for i in range(chunk.num_rows):
        tp = tuple(sorted((name, vals[i]) for name, vals in times.items()))
        comps = tuple(sorted((name, repr(vals[i])) for name, vals in cols.items() if vals[i] is not None))
        yield entity, chunk.is_static, tp, comps


def _describe_row(row: RowKey) -> str:
    entity, static, times, comps = row
    when = "static" if static else ", ".join(f"{k}={v}" for k, v in times) or "no time"
    names = ", ".join(name for name, _ in comps) or "no components"
    return f"{entity} ({when}): {names}"


def compare_unordered(a: list[Chunk], b: list[Chunk], name_a: str, name_b: str) -> list[str]:
    rows_a = Counter(row for c in a for row in iter_rows(c))
    rows_b = Counter(row for c in b for row in iter_rows(c))
    only_a, only_b = rows_a - rows_b, rows_b - rows_a
    problems = []
    for label, only in ((name_a, only_a), (name_b, only_b)):
        if only:
            sample = "; ".join(_describe_row(r) for r in sorted(only)[:3])
            problems.append(f"{sum(only.values())} row(s) only in {label}, e.g. {sample}")
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
