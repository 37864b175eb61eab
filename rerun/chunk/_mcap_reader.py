"""``McapReader`` and the MCAP info types, as 0.41's ``rerun.chunk`` exposes them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from rerun_core.store.chunk import Chunk as CoreChunk

from ._stream import LazyChunkStream


@dataclass(frozen=True)
class McapSchemaInfo:
    """Schema metadata referenced by an MCAP channel, excluding the schema payload."""

    id: int
    name: str
    encoding: str
    data_size_bytes: int


@dataclass(frozen=True)
class McapChannelInfo:
    """Information about one MCAP channel."""

    id: int
    topic: str
    message_encoding: str
    metadata: Mapping[str, str]
    schema: McapSchemaInfo | None
    message_count: int | None
    frequency_hz: tuple[float, float] | None


@dataclass(frozen=True)
class McapCompressionInfo:
    """Aggregate information for one MCAP chunk compression codec."""

    codec: str
    chunk_count: int
    compressed_size_bytes: int
    uncompressed_size_bytes: int

    @property
    def savings_ratio(self) -> float | None:
        """Return the fraction of uncompressed bytes removed by compression."""
        if self.uncompressed_size_bytes == 0:
            return None
        return 1.0 - self.compressed_size_bytes / self.uncompressed_size_bytes


@dataclass(frozen=True)
class McapChunkInfo:
    """Aggregate information about indexed MCAP chunks."""

    count: int
    max_uncompressed_size_bytes: int | None
    max_compressed_size_bytes: int | None
    has_overlapping_time_ranges: bool


@dataclass(frozen=True)
class McapInfo:
    """Header and summary information about a complete MCAP file (no payloads; filters don't apply)."""

    profile: str
    library: str
    message_count: int | None
    message_start_time_ns: int | None
    message_end_time_ns: int | None
    duration_ns: int | None
    schema_count: int
    channel_count: int
    attachment_count: int
    metadata_count: int
    statistics_present: bool
    summary_source: Literal["embedded", "reconstructed"]
    chunks: McapChunkInfo
    compression: tuple[McapCompressionInfo, ...]
    channels: tuple[McapChannelInfo, ...]


_TIMELINE_TYPES = {
    "timestamp_ns": "timestamp",
    "timestamp": "timestamp",
    "duration_ns": "duration",
    "duration": "duration",
}


class McapReader:
    """Read chunks from an MCAP file (the chunks ``rerun mcap convert`` writes)."""

    def __init__(
        self,
        path: str | Path,
        *,
        timeline_type: str = "timestamp_ns",
        timestamp_offset_ns: int | None = None,
        decoders: Sequence[str] | None = None,
        include_topic_regex: Sequence[str] | None = None,
        exclude_topic_regex: Sequence[str] | None = None,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        recover: bool = False,
    ) -> None:
        from rerun_core.formats.mcap import McapFile, McapOptions
        from rerun_core.types import TimeType

        if timeline_type not in _TIMELINE_TYPES:
            raise ValueError(f"invalid timeline_type {timeline_type!r} (timestamp_ns or duration_ns)")
        self._path = Path(path)
        self._file = McapFile(self._path, recover=recover)
        kind = TimeType.DURATION if _TIMELINE_TYPES[timeline_type] == "duration" else TimeType.TIMESTAMP
        self._opts = McapOptions(
            timeline_type=kind,
            timestamp_offset_ns=timestamp_offset_ns,
            decoders=list(decoders) if decoders is not None else None,
            include_topic_regex=list(include_topic_regex or []),
            exclude_topic_regex=list(exclude_topic_regex or []),
            start_time_ns=start_time_ns,
            end_time_ns=end_time_ns,
            recover=recover,
        )
        self._opts.selected()  # unknown decoders fail here, as 0.41's constructor does

    def stream(self, *, start_time_ns: int | None = None, end_time_ns: int | None = None) -> LazyChunkStream:
        """A lazy stream over the file's chunks; either bound given resets both for this scan."""
        import dataclasses

        from rerun_core.formats.mcap import iter_chunks

        opts = self._opts
        if start_time_ns is not None or end_time_ns is not None:
            opts = dataclasses.replace(opts, start_time_ns=start_time_ns, end_time_ns=end_time_ns)

        def source() -> Iterator[CoreChunk]:
            return iter_chunks(self._file, opts)

        return LazyChunkStream(source)

    def time_bounds(self) -> tuple[int, int]:
        """The ``(min, max)`` MCAP ``log_time`` bounds (nanoseconds, inclusive)."""
        stats = self._file.summary.statistics
        if stats is None:
            raise ValueError(f"{self._path}: no statistics to take time bounds from")
        return int(stats.message_start_time), int(stats.message_end_time)

    def info(self) -> McapInfo:
        """Structured information about the complete MCAP file."""
        from rerun_core.formats.mcap._info import file_info

        raw = file_info(self._file)
        channels = tuple(
            McapChannelInfo(
                id=c.id,
                topic=c.topic,
                message_encoding=c.message_encoding,
                metadata=MappingProxyType(dict(c.metadata)),
                schema=None if c.schema is None else McapSchemaInfo(*c.schema),
                message_count=c.message_count,
                frequency_hz=c.frequency_hz,
            )
            for c in raw.pop("channels")
        )
        chunks = McapChunkInfo(*raw.pop("chunks"))
        compression = tuple(McapCompressionInfo(*row) for row in raw.pop("compression"))
        return McapInfo(**raw, chunks=chunks, compression=compression, channels=channels)

    @property
    def path(self) -> Path:
        """The file path of the MCAP file."""
        return self._path

    def __repr__(self) -> str:
        return f"McapReader({self._path})"

    @staticmethod
    def available_decoders() -> list[str]:
        """All supported MCAP decoder identifiers."""
        from rerun_core.formats.mcap import ALL_DECODERS

        return list(ALL_DECODERS)
