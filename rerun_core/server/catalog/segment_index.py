"""What the server knows about one recording of one ``.rrd`` file without holding its chunks.

A layer of a segment is indexed once (from the 0.41 footer, or by one streaming pass over a
file without one) and its chunks are read back on demand by byte range: the server's memory
grows with the number of chunks, never with their size. Bytes come through a
:class:`RangeReader`: a local file here, an object in a bucket in ``object_store.py``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from rerun_core.proto.gen import log_msg_pb2
from rerun_core.store.chunk import Chunk
from rerun_core.store.messages import ArrowMsg, StoreId, StoreKind
from rerun_core.store.rrd import RrdError, RrdTruncatedError, arrow_msg_to_proto, decode_message
from rerun_core.store.rrd.footer import RrdManifest, read_footer_ranges
from rerun_core.store.rrd.frames import (
    CRATE_VERSION,
    FRAME_HEADER_SIZE,
    HEADER_SIZE,
    MessageKind,
    parse_header,
)
from rerun_core.store.rrd.manifest import PROPERTIES_PATH, ManifestBuilder, sorbet_column_name
from rerun_core.store.rrd.reader import iter_frames
from rerun_core.types.time import TimeType
from rerun_core.types.tuid import Tuid

READ_BATCH_BYTES = 4 << 20  # chunks asked of a reader at once (one batch of ranged reads)


class RangeReader(Protocol):
    """Random access to the bytes of one ``.rrd`` file, wherever it lies.

    ``read_range`` returns exactly ``length`` bytes or raises (RrdError when the file is
    shorter); ``read_ranges`` may batch and coalesce requests, answering in the order asked.
    """

    @property
    def url(self) -> str: ...

    def size(self) -> int: ...

    def read_range(self, offset: int, length: int) -> bytes: ...

    def read_ranges(self, ranges: Sequence[tuple[int, int]]) -> list[bytes]: ...


class LocalFileReader:
    """A local file, read with ``os.pread`` (one open file per batch)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def url(self) -> str:
        return self.path.absolute().as_uri()

    def size(self) -> int:
        return self.path.stat().st_size

    def read_range(self, offset: int, length: int) -> bytes:
        return self.read_ranges([(offset, length)])[0]

    def read_ranges(self, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            out = []
            for offset, length in ranges:
                data = os.pread(fd, length, offset)
                if len(data) != length:
                    raise RrdError(
                        f"{self.path}: {length} bytes at {offset} lie past the end of the file", offset
                    )
                out.append(data)
            return out
        finally:
            os.close(fd)


@dataclass(frozen=True, slots=True)
class ChunkEntry:
    """One chunk of a layer: where its ArrowMsg lies in the file, and what it covers."""

    chunk_id: Tuid
    entity_path: str
    is_static: bool
    num_rows: int
    offset: int  # of the ArrowMsg protobuf body
    size: int  # its length on disk
    size_uncompressed: int
    time_ranges: dict[str, tuple[int, int]]
    components: frozenset[str]


@dataclass
class LayerIndex:
    """The chunks of one recording inside one ``.rrd`` file, from its manifest."""

    reader: RangeReader
    store_id: StoreId
    manifest: RrdManifest
    chunks: list[ChunkEntry]
    timelines: dict[str, TimeType]
    file_size: int
    raw_ok: bool = True  # chunks are in the current layout: forward their bytes as they are
    _by_id: dict[Tuid, ChunkEntry] = field(default_factory=dict, repr=False)
    _properties: pa.Table | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def schema(self) -> pa.Schema:
        """The sorbet schema of the recording: row id, timelines, ``<entity>:<component>``."""
        return self.manifest.sorbet_schema

    @property
    def schema_sha256(self) -> bytes:
        return (
            self.manifest.sorbet_schema_sha256
            or hashlib.sha256(self.schema.serialize().to_pybytes()).digest()
        )

    @property
    def num_chunks(self) -> int:
        return len(self.chunks)

    @property
    def size_bytes(self) -> int:
        """Bytes of the layer's chunk frames in its file (frame headers included, as 0.41 counts)."""
        return sum(c.size + FRAME_HEADER_SIZE for c in self.chunks)

    def has_temporal_chunks(self) -> bool:
        return any(not c.is_static for c in self.chunks)

    def chunk(self, chunk_id: Tuid) -> ChunkEntry | None:
        if len(self._by_id) != len(self.chunks):
            self._by_id = {c.chunk_id: c for c in self.chunks}
        return self._by_id.get(chunk_id)

    def time_range(self, timeline: str) -> tuple[int, int] | None:
        ranges = [r for c in self.chunks if (r := c.time_ranges.get(timeline)) is not None]
        if not ranges:
            return None
        return min(r[0] for r in ranges), max(r[1] for r in ranges)

    @property
    def url(self) -> str:
        return self.reader.url

    def read_raw(
        self, entries: Iterable[ChunkEntry], batch_bytes: int = READ_BATCH_BYTES
    ) -> Iterator[tuple[ChunkEntry, bytes]]:
        """The ArrowMsg bodies of ``entries`` by byte range, in file order.

        Asked of the reader in batches of about ``batch_bytes`` (one round of ranged requests
        for an object store), so memory stays bounded for any number of chunks.
        """
        batch: list[ChunkEntry] = []
        size = 0
        for e in sorted(entries, key=lambda e: e.offset):
            batch.append(e)
            size += e.size
            if size >= batch_bytes:
                yield from self._read_batch(batch)
                batch, size = [], 0
        if batch:
            yield from self._read_batch(batch)

    def _read_batch(self, batch: list[ChunkEntry]) -> Iterator[tuple[ChunkEntry, bytes]]:
        datas = self.reader.read_ranges([(e.offset, e.size) for e in batch])
        yield from zip(batch, datas)

    def read_msgs(
        self, entries: Iterable[ChunkEntry], batch_bytes: int = READ_BATCH_BYTES
    ) -> Iterator[tuple[ChunkEntry, log_msg_pb2.ArrowMsg]]:
        """ArrowMsg protos of ``entries``: the file's bytes, or re-encoded after migration for
        files older than 0.41 (so clients always get the current chunk layout)."""
        for e, raw in self.read_raw(entries, batch_bytes):
            if self.raw_ok:
                yield e, log_msg_pb2.ArrowMsg.FromString(raw)
                continue
            msg = decode_message(MessageKind.ARROW_MSG, raw)
            if isinstance(msg, ArrowMsg):
                yield e, arrow_msg_to_proto(msg)

    def read_chunks(self, entries: Iterable[ChunkEntry]) -> Iterator[Chunk]:
        """Decoded chunks (for the few the server itself must look into, e.g. properties)."""
        for _, raw in self.read_raw(entries):
            msg = decode_message(MessageKind.ARROW_MSG, raw)
            if isinstance(msg, ArrowMsg):
                yield msg.chunk

    def properties(self) -> pa.Table:
        """The recording's properties as one row: ``property:...`` columns, newest value wins."""
        with self._lock:
            if self._properties is None:
                props = [
                    c
                    for c in self.chunks
                    if c.is_static
                    and (c.entity_path == PROPERTIES_PATH or c.entity_path.startswith(PROPERTIES_PATH + "/"))
                ]
                self._properties = properties_row(self.read_chunks(props))
            return self._properties


def properties_row(chunks: Iterable[Chunk]) -> pa.Table:
    """One row of property columns (sorted by name); the newest chunk's last value wins."""
    values: dict[str, pa.Scalar] = {}
    fields: dict[str, pa.Field] = {}
    for c in sorted(chunks, key=lambda c: c.id):
        entity = str(c.entity_path)
        for desc, arr in c.components.items():
            if len(arr) == 0:
                continue
            name = sorbet_column_name(entity, desc.component)
            meta = {b"rerun:component": desc.component.encode(), b"rerun:entity_path": entity.encode()}
            if desc.archetype:
                meta[b"rerun:archetype"] = desc.archetype.encode()
            if desc.component_type:
                meta[b"rerun:component_type"] = desc.component_type.encode()
            meta[b"rerun:kind"] = b"data"
            fields.setdefault(name, pa.field(name, arr.type, metadata=meta))
            values[name] = arr[len(arr) - 1]
    names = sorted(fields)
    arrays = [pa.array([values[n].as_py()], fields[n].type) for n in names]
    return pa.Table.from_arrays(arrays, schema=pa.schema([fields[n] for n in names]))


def _entries(manifest: RrdManifest) -> tuple[list[ChunkEntry], dict[str, TimeType]]:
    """Per-chunk entries from a manifest table (the footer's columns, see ``rrd/manifest.py``)."""
    t = manifest.table
    cols = {
        f.name: (
            t.column(f.name).cast(pa.int64()) if pa.types.is_temporal(f.type) else t.column(f.name)
        ).to_pylist()
        for f in t.schema
    }
    n = t.num_rows
    timelines: dict[str, TimeType] = {}
    for f in manifest.sorbet_schema:
        meta = f.metadata or {}
        if meta.get(b"rerun:kind") == b"index":
            timelines[f.name] = TimeType.from_arrow(f.type)
    range_cols: list[tuple[str, str, str]] = []  # (timeline, start column, end column)
    comp_cols: list[tuple[str, str]] = []  # (component, column: has_static_data / num_rows)
    for f in t.schema:
        meta = f.metadata or {}
        index = (meta.get(b"rerun:index") or b"").decode()
        comp = (meta.get(b"rerun:component") or b"").decode()
        if not index:
            continue
        if not comp and f.name.endswith(":start"):
            range_cols.append((index, f.name, f.name[: -len(":start")] + ":end"))
        elif comp and (f.name.endswith(":has_static_data") or f.name.endswith(":num_rows")):
            comp_cols.append((comp, f.name))
    out = []
    for i in range(n):
        ranges = {
            tl: (s, cols[end][i])
            for tl, start, end in range_cols
            if (s := cols[start][i]) is not None and end in cols and cols[end][i] is not None
        }
        comps = frozenset(comp for comp, name in comp_cols if cols[name][i])
        out.append(
            ChunkEntry(
                Tuid.from_bytes(cols["chunk_id"][i]),
                cols["chunk_entity_path"][i],
                bool(cols["chunk_is_static"][i]),
                int(cols["chunk_num_rows"][i]),
                int(cols["chunk_byte_offset"][i]),
                int(cols["chunk_byte_size"][i]),
                int(cols["chunk_byte_size_uncompressed"][i]),
                ranges,
                comps,
            )
        )
    return out, timelines


def _manifests_by_scan(reader: RangeReader, partial: bool = False) -> list[RrdManifest]:
    """Manifests built by one streaming pass, for files written without a footer (a remote
    file is read whole, once). ``partial``: a file cut short keeps its whole chunks."""
    source: Path | bytes = (
        reader.path if isinstance(reader, LocalFileReader) else reader.read_range(0, reader.size())
    )
    builders: dict[StoreId, ManifestBuilder] = {}
    try:
        for kind, body, offset in iter_frames(source):
            if kind != MessageKind.ARROW_MSG:
                continue
            msg = decode_message(kind, body)
            if not isinstance(msg, ArrowMsg):
                continue
            size = msg.wire_size[1] if msg.wire_size else len(body)
            builder = builders.setdefault(msg.store_id, ManifestBuilder(msg.store_id))
            builder.add(msg.chunk, offset, len(body), size)
    except RrdTruncatedError:
        if not partial or not builders:
            raise
    out = []
    for b in builders.values():
        pb = b.to_proto()
        out.append(_manifest_from_proto(b.store_id, pb))
    return out


def _manifest_from_proto(store_id: StoreId, pb: log_msg_pb2.RrdManifest) -> RrdManifest:
    from rerun_core.store.rrd import dataframe_part_to_table

    schema = pa.ipc.read_schema(pa.py_buffer(pb.sorbet_schema.arrow_schema))
    return RrdManifest(store_id, schema, pb.sorbet_schema_sha256, dataframe_part_to_table(pb.data))


@dataclass(frozen=True)
class FileManifests:
    """What indexing learns of a whole file: its manifests, and whether its chunks are in the
    current layout (may be forwarded as they are). Cacheable per file version."""

    manifests: list[RrdManifest]
    raw_ok: bool
    file_size: int


def read_manifests(reader: RangeReader, partial: bool = False) -> FileManifests:
    """The header, then the footer (two ranged reads), else one pass over the whole file
    (``partial``: the whole chunks of a file cut short, as the real server serves them)."""
    size = reader.size()
    if size < HEADER_SIZE:
        raise RrdError(f"file too small to be an RRD ({size} bytes)", 0)
    version = parse_header(reader.read_range(0, HEADER_SIZE), 0)
    manifests = read_footer_ranges(reader)  # a footer failing its checksum is refused (as 0.41)
    raw_ok = manifests is not None and version[:2] >= CRATE_VERSION[:2]
    if manifests is None:
        manifests = _manifests_by_scan(reader, partial)
    return FileManifests(manifests, raw_ok, size)


def layers_of(reader: RangeReader, found: FileManifests, kind: StoreKind) -> list[LayerIndex]:
    """One LayerIndex per recording of ``kind`` in an indexed file."""
    out = []
    for m in found.manifests:
        if m.store_id.kind != kind:
            continue
        entries, timelines = _entries(m)
        out.append(LayerIndex(reader, m.store_id, m, entries, timelines, found.file_size, found.raw_ok))
    return out


def index_file(
    source: RangeReader | Path, kind: StoreKind = StoreKind.RECORDING, *, partial: bool = False
) -> list[LayerIndex]:
    """Every recording of ``kind`` in a file (a path or a reader), indexed; raises RrdError /
    OSError (and whatever the reader raises)."""
    reader = LocalFileReader(source) if isinstance(source, Path) else source
    return layers_of(reader, read_manifests(reader, partial), kind)
