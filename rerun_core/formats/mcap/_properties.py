"""File-level decoders: recording info, channel/schema descriptions, statistics, metadata records."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyarrow as pa

from rerun_core.store.chunk import Chunk
from rerun_core.types import ComponentDescriptor

from ._arrow import BLOB, blobs, rr_desc, unit_lists
from ._context import static_chunk, topic_entity_path
from ._file import McapFile

PROPERTIES = "/__mcap_properties"
METADATA = "/__mcap_metadata"

_PAIR = pa.struct([pa.field("first", pa.utf8(), False), pa.field("second", pa.utf8(), False)])
_PAIRS = pa.list_(pa.field("item", _PAIR, False))
_COUNT_PAIR = pa.struct(
    [pa.field("channel_id", pa.uint16(), False), pa.field("message_count", pa.uint64(), False)]
)
_COUNT_PAIRS = pa.list_(pa.field("item", _COUNT_PAIR, False))


def _one(value: object, typ: pa.DataType) -> pa.ListArray:
    return unit_lists(pa.array([value], type=typ))


def _pairs(items: Iterable[tuple[str, str]]) -> pa.ListArray:
    value = [{"first": k, "second": v} for k, v in sorted(items)]
    return unit_lists(pa.array([value], type=_PAIRS))


def recording_info(f: McapFile) -> list[Chunk]:
    stats = f.summary.statistics
    if stats is None:
        return []
    start = min(stats.message_start_time, 2**63 - 1)
    return [
        static_chunk(
            PROPERTIES, {rr_desc("RecordingInfo", "start_time", "Timestamp"): _one(start, pa.int64())}
        )
    ]


def schemas(f: McapFile, channel_ids: Iterable[int]) -> list[Chunk]:
    out = []
    for cid in channel_ids:
        ch = f.summary.channels[cid]
        comps: dict[ComponentDescriptor, pa.Array] = {
            rr_desc("McapChannel", "id", "ChannelId"): _one(ch.id, pa.uint16()),
            rr_desc("McapChannel", "topic", "Text"): _one(ch.topic, pa.utf8()),
            rr_desc("McapChannel", "message_encoding", "Text"): _one(ch.message_encoding, pa.utf8()),
            rr_desc("McapChannel", "metadata", "KeyValuePairs"): _pairs(ch.metadata.items()),
        }
        schema = f.summary.schemas.get(ch.schema_id) if ch.schema_id else None
        if schema is not None:
            comps[rr_desc("McapSchema", "name", "Text")] = _one(schema.name, pa.utf8())
            comps[rr_desc("McapSchema", "id", "SchemaId")] = _one(schema.id, pa.uint16())
            comps[rr_desc("McapSchema", "encoding", "Text")] = _one(schema.encoding, pa.utf8())
            comps[rr_desc("McapSchema", "data", "Blob")] = unit_lists(blobs([bytes(schema.data)]))
        out.append(static_chunk(topic_entity_path(ch.topic), comps))
    return out


def statistics(f: McapFile) -> list[Chunk]:
    s = f.summary.statistics
    if s is None:
        return []

    def count(field: str, value: int) -> tuple[ComponentDescriptor, pa.Array]:
        return rr_desc("McapStatistics", field, "Count"), _one(value, pa.uint64())

    pairs = [{"channel_id": k, "message_count": v} for k, v in sorted(s.channel_message_counts.items())]
    comps = dict(
        [
            count("message_count", s.message_count),
            count("schema_count", s.schema_count),
            count("channel_count", s.channel_count),
            count("attachment_count", s.attachment_count),
            count("metadata_count", s.metadata_count),
            count("chunk_count", s.chunk_count),
        ]
    )
    ts = rr_desc("McapStatistics", "message_start_time", "Timestamp")
    comps[ts] = _one(min(s.message_start_time, 2**63 - 1), pa.int64())
    te = rr_desc("McapStatistics", "message_end_time", "Timestamp")
    comps[te] = _one(min(s.message_end_time, 2**63 - 1), pa.int64())
    cc = rr_desc("McapStatistics", "channel_message_counts", "ChannelMessageCounts")
    comps[cc] = unit_lists(pa.array([pairs], type=_COUNT_PAIRS))
    return [static_chunk(PROPERTIES, comps)]


def metadata(f: McapFile) -> list[Chunk]:
    records = f.metadata()
    if not records:
        return []
    by_name: dict[str, dict[str, str]] = {}
    for rec in records:
        by_name.setdefault(rec.name, {}).update(rec.metadata)
    comps = {
        ComponentDescriptor(name, "McapMetadata", "rerun.components.KeyValuePairs"): _pairs(entries.items())
        for name, entries in sorted(by_name.items())
    }
    return [static_chunk(METADATA, comps)]


ATTACHMENTS = "/__mcap_attachments"


def attachments(f: McapFile) -> list[Chunk]:
    """All attachments as instances of one static row (blob, media type, a description of each)."""
    records = f.attachments()
    if not records:
        return []
    offsets = [ix.offset for ix in f.summary.attachment_indexes] or [0] * len(records)
    described = []
    for att, offset in zip(records, offsets):
        pairs = [
            ("name", att.name),
            ("media_type", att.media_type),
            ("log_time", str(att.log_time)),
            ("create_time", str(att.create_time)),
            ("data_size", str(len(att.data))),
            ("offset", str(offset)),
        ]
        described.append([{"first": k, "second": v} for k, v in pairs])

    def one_row(values: pa.Array) -> pa.ListArray:
        return pa.ListArray.from_arrays(pa.array([0, len(values)], pa.int32()), values)

    comps = {
        ComponentDescriptor("data", "McapAttachment", "rerun.components.Blob"): one_row(
            blobs(bytes(a.data) for a in records)
        ),
        ComponentDescriptor("media_type", "McapAttachment", "rerun.components.MediaType"): one_row(
            pa.array([a.media_type for a in records], pa.utf8())
        ),
        ComponentDescriptor("metadata", "McapAttachment", "rerun.components.KeyValuePairs"): one_row(
            pa.array(described, type=_PAIRS)
        ),
    }
    return [static_chunk(ATTACHMENTS, comps)]


FileDecoder = Callable[[McapFile, list[int]], list[Chunk]]

# Rerun runs its file decoders in the order of their names.
FILE_DECODERS: dict[str, FileDecoder] = {
    "attachments": lambda f, _ids: attachments(f),
    "metadata": lambda f, _ids: metadata(f),
    "recording_info": lambda f, _ids: recording_info(f),
    "schema": schemas,
    "stats": lambda f, _ids: statistics(f),
}

__all__ = ["BLOB", "FILE_DECODERS"]
