"""``rerun rrd stats``: counts and size distributions of the chunks in one or more streams.

Sections and names follow the real CLI's output. Sizes are measured by re-encoding each chunk
as an Arrow IPC stream (schema + batch) as an ``ArrowMsg`` carries it, "compressed" being its
LZ4 block; the real CLI's encoder pads differently, so its numbers run somewhat higher.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import lz4.block
import numpy as np
import pyarrow as pa

from rerun_core.store.chunk import Chunk
from rerun_core.store.messages import ArrowMsg

from .common import EXIT_OK, Progress, format_bytes, format_uint, iter_messages

PERCENTILES = (("p50", 50.0), ("p90", 90.0), ("p95", 95.0), ("p99", 99.0), ("p999", 99.9))


@dataclass
class ChunkSizes:
    compressed: int
    uncompressed: int
    schema: int

    @classmethod
    def of(cls, chunk: Chunk, wire_size: tuple[int, int] | None = None) -> ChunkSizes:
        """From the sizes stored in the file when known (as the real CLI reports), else by
        encoding the chunk as a writer would."""
        schema = chunk.batch.schema.serialize().size
        if wire_size is not None:
            return cls(wire_size[0], wire_size[1], schema)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, chunk.batch.schema) as writer:
            writer.write_batch(chunk.batch)
        ipc = sink.getvalue()
        compressed = len(lz4.block.compress(ipc.to_pybytes(), store_size=False))
        return cls(compressed, ipc.size, schema)


@dataclass
class Stats:
    """Everything the report needs, accumulated one chunk at a time."""

    num_chunks: int = 0
    num_static: int = 0
    num_without_components: int = 0
    rows: list[int] = field(default_factory=list)
    num_indexes: list[int] = field(default_factory=list)
    num_components: list[int] = field(default_factory=list)
    per_entity: Counter[str] = field(default_factory=Counter)
    per_index: Counter[str] = field(default_factory=Counter)
    per_component: Counter[str] = field(default_factory=Counter)
    sizes: list[ChunkSizes] = field(default_factory=list)
    unsorted: Counter[str] = field(default_factory=Counter)

    def add(self, chunk: Chunk, wire_size: tuple[int, int] | None = None) -> None:
        self.num_chunks += 1
        self.num_static += chunk.is_static
        comps = chunk.components
        self.num_without_components += not comps
        self.rows.append(chunk.num_rows)
        self.num_indexes.append(len(chunk.timelines))
        self.num_components.append(len(comps))
        self.per_entity[chunk.entity_path.path] += 1
        for name, col in chunk.timelines.items():
            self.per_index[name] += 1
            if not col.is_sorted:
                self.unsorted[name] += 1
        for desc in comps:
            self.per_component[desc.component] += 1
        self.sizes.append(ChunkSizes.of(chunk, wire_size))


def _min_max_avg(name: str, values: list[int]) -> list[str]:
    if not values:
        return [f"{name}_min = 0", f"{name}_max = 0", f"{name}_avg = 0.000"]
    return [
        f"{name}_min = {format_uint(min(values))}",
        f"{name}_max = {format_uint(max(values))}",
        f"{name}_avg = {sum(values) / len(values):.3f}",
    ]


def _section(title: str, lines: Iterable[str]) -> list[str]:
    return [title, "-" * max(10, len(title)), *lines, ""]


def _counts(counter: Counter[str]) -> list[str]:
    return [f"{key}: {format_uint(n)}" for key, n in sorted(counter.items())] or ["(none)"]


def _size_lines(values: list[int]) -> list[str]:
    arr = np.asarray(values or [0], dtype=np.float64)
    lines = [
        f"ipc_size_bytes_total = {format_bytes(arr.sum())}",
        f"ipc_size_bytes_min = {format_bytes(arr.min())}",
        f"ipc_size_bytes_max = {format_bytes(arr.max())}",
        f"ipc_size_bytes_avg = {format_bytes(arr.mean())}",
    ]
    for name, q in PERCENTILES:
        lines.append(f"ipc_size_bytes_{name} = {format_bytes(np.percentile(arr, q, method='nearest'))}")
    return lines


def render(stats: Stats) -> str:
    n = stats.num_chunks
    pct = 100.0 * stats.num_without_components / n if n else 0.0
    overview = [
        f"num_chunks = {format_uint(n)}",
        f"num_entity_paths = {format_uint(len(stats.per_entity))}",
        f"num_chunks_without_components = {format_uint(stats.num_without_components)} ({pct:.3f}%)",
        f"num_rows = {format_uint(sum(stats.rows))}",
        *_min_max_avg("num_rows", stats.rows),
        f"num_static = {format_uint(stats.num_static)}",
        *_min_max_avg("num_indexes", stats.num_indexes),
        *_min_max_avg("num_components", stats.num_components),
    ]
    sizes = stats.sizes
    out = _section("Overview", overview)
    out += _section("Num chunks per entity", _counts(stats.per_entity))
    out += _section("Num chunks per index", _counts(stats.per_index))
    out += _section("Num chunks per component", _counts(stats.per_component))
    out += _section("Size (schema + data, compressed)", _size_lines([s.compressed for s in sizes]))
    out += _section("Size (schema + data, uncompressed)", _size_lines([s.uncompressed for s in sizes]))
    out += _section("Size (schema only, uncompressed)", _size_lines([s.schema for s in sizes]))
    out += _section("Size (data only, uncompressed)", _size_lines([s.uncompressed - s.schema for s in sizes]))
    unsorted = (
        [f"{name}: {format_uint(k)} chunk(s)" for name, k in sorted(stats.unsorted.items())]
        if stats.unsorted
        else ["(none — every timeline on every chunk is sorted)"]
    )
    out += _section("Unsorted timelines", unsorted)
    return "\n".join(out).rstrip("\n")


def run(args: argparse.Namespace) -> int:
    stats = Stats()
    progress = Progress("stats")
    for _, msg in iter_messages(args.paths, continue_on_error=args.continue_on_error, progress=progress):
        if isinstance(msg, ArrowMsg):
            stats.add(msg.chunk, msg.wire_size)
    progress.done()
    print(render(stats))
    return EXIT_OK
