"""Header and summary facts about an MCAP file (what 0.41's ``McapReader.info()`` reports)."""

from __future__ import annotations

import itertools
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


def file_info(f: McapFile) -> dict[str, Any]:
    """Plain values; ``rerun.chunk`` wraps them in its ``McapInfo`` dataclasses."""
    s = f.summary
    stats = s.statistics
    start = stats.message_start_time if stats else None
    end = stats.message_end_time if stats else None
    duration = end - start if start is not None and end is not None else None
    channels = _channels(f, duration)
    by_codec: dict[str, list[int]] = {}
    ranges = []
    for ci in s.chunk_indexes:
        row = by_codec.setdefault(ci.compression or "none", [0, 0, 0])
        row[0] += 1
        row[1] += ci.compressed_size
        row[2] += ci.uncompressed_size
        ranges.append((ci.message_start_time, ci.message_end_time))
    ranges.sort()
    overlapping = any(b[0] <= a[1] for a, b in itertools.pairwise(ranges))
    header = s.header
    return {
        "profile": header.profile if header else "",
        "library": header.library if header else "",
        "message_count": stats.message_count if stats else None,
        "message_start_time_ns": start,
        "message_end_time_ns": end,
        "duration_ns": duration,
        "schema_count": len(s.schemas),
        "channel_count": len(s.channels),
        "attachment_count": stats.attachment_count if stats else len(s.attachment_indexes),
        "metadata_count": stats.metadata_count if stats else len(s.metadata_indexes),
        "statistics_present": stats is not None and not s.reconstructed,
        "summary_source": "reconstructed" if s.reconstructed else "embedded",
        "chunks": (
            len(s.chunk_indexes),
            max((c.uncompressed_size for c in s.chunk_indexes), default=None),
            max((c.compressed_size for c in s.chunk_indexes), default=None),
            overlapping,
        ),
        "compression": [(codec, *vals) for codec, vals in sorted(by_codec.items())],
        "channels": channels,
    }


def _channels(f: McapFile, duration: int | None) -> list[ChannelFacts]:
    """Each channel with its schema and, from the statistics, message count and frequency."""
    s = f.summary
    stats = s.statistics
    counts = dict(stats.channel_message_counts) if stats else {}
    out = []
    for cid in sorted(s.channels):
        ch = s.channels[cid]
        schema = s.schemas.get(ch.schema_id) if ch.schema_id else None
        n = counts.get(cid) if stats else None
        freq = None
        if n is not None and duration:
            seconds = duration / 1e9
            freq = ((n - 1) / seconds, n / seconds) if n > 0 else None
        info = None if schema is None else (schema.id, schema.name, schema.encoding, len(schema.data))
        out.append(ChannelFacts(ch.id, ch.topic, ch.message_encoding, dict(ch.metadata), info, n, freq))
    return out
