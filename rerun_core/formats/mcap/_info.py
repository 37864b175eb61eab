"""Header and summary facts about an MCAP file (what 0.41's ``McapReader.info()`` reports)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._file import McapFile


@dataclass(frozen=True)
class ChannelFacts:
    id: int
    topic: str
    message_encoding: str
    metadata: dict[str, str]
    schema: tuple[int, str, str, int] | None  # id, name, encoding, data size
    message_count: int | None
    frequency_hz: tuple[float, float] | None


def _chunk_facts(f: McapFile) -> list[tuple[int, int, str, int, int]]:
    """(start, end, codec, compressed, uncompressed) per chunk: the index, or the chunks a
    recovering scan found."""
    s = f.summary
    if s.reconstructed:
        return [
            (c.message_start_time, c.message_end_time, c.compression, len(c.data), c.uncompressed_size)
            for c in s.recovered_chunks
        ]
    return [
        (c.message_start_time, c.message_end_time, c.compression, c.compressed_size, c.uncompressed_size)
        for c in s.chunk_indexes
    ]


def file_info(f: McapFile) -> dict[str, Any]:
    """Plain values; ``rerun.chunk`` wraps them in its ``McapInfo`` dataclasses."""
    s = f.summary
    stats = s.statistics
    chunks = _chunk_facts(f)
    counts: dict[int, int] | None = None
    if stats is not None or chunks:
        counts = dict.fromkeys(s.channels, 0)
        counts.update(stats.channel_message_counts if stats is not None else f.message_counts())
    message_count = stats.message_count if stats else (sum(counts.values()) if counts is not None else None)
    start: int | None = None
    end: int | None = None
    if message_count != 0:
        if stats is not None and stats.message_count > 0:
            start, end = stats.message_start_time, stats.message_end_time
        elif chunks:
            start, end = min(c[0] for c in chunks), max(c[1] for c in chunks)
    duration = max(end - start, 0) if start is not None and end is not None else None
    channels = _channels(f, counts, duration)
    by_codec: dict[str, list[int]] = {}
    for _s, _e, codec, comp, unc in chunks:
        row = by_codec.setdefault(codec, [0, 0, 0])
        row[0] += 1
        row[1] += comp
        row[2] += unc
    overlapping, running_end = False, None
    for c0, c1, *_ in sorted(chunks, key=lambda c: c[0]):
        if running_end is not None and c0 < running_end:
            overlapping = True
            break
        running_end = c1 if running_end is None else max(running_end, c1)
    header = s.header
    return {
        "profile": header.profile if header else "",
        "library": header.library if header else "",
        "message_count": message_count,
        "message_start_time_ns": start,
        "message_end_time_ns": end,
        "duration_ns": duration,
        "schema_count": len(s.schemas),
        "channel_count": len(s.channels),
        "attachment_count": len(s.recovered_attachments if s.reconstructed else s.attachment_indexes),
        "metadata_count": len(s.recovered_metadata if s.reconstructed else s.metadata_indexes),
        "statistics_present": stats is not None and not s.reconstructed,
        "summary_source": "reconstructed" if s.reconstructed else "embedded",
        "chunks": (
            len(chunks),
            max((c[4] for c in chunks), default=None),
            max((c[3] for c in chunks), default=None),
            overlapping,
        ),
        "compression": [(codec or "none", *vals) for codec, vals in sorted(by_codec.items())],
        "channels": channels,
    }


def _channels(f: McapFile, counts: dict[int, int] | None, duration: int | None) -> list[ChannelFacts]:
    """Each channel with its schema, message count and whole-recording frequency."""
    s = f.summary
    out = []
    for cid in sorted(s.channels):
        ch = s.channels[cid]
        schema = s.schemas.get(ch.schema_id) if ch.schema_id else None
        n = counts.get(cid) if counts is not None else None
        freq = None
        if n is not None and duration and n >= 2:
            seconds = duration / 1e9
            freq = ((n - 1) / seconds, n / seconds)
        info = None if schema is None else (schema.id, schema.name, schema.encoding, len(schema.data))
        out.append(ChannelFacts(ch.id, ch.topic, ch.message_encoding, dict(ch.metadata), info, n, freq))
    return out
