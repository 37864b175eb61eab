"""The decoder pipeline: file decoders, then each message decoder over every chunk of the file."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import xxhash
from mcap.records import Channel, Schema

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.store.messages import (
    ArrowMsg,
    LogMsg,
    SetStoreInfo,
    StoreId,
    StoreInfo,
    StoreKind,
    StoreSource,
    StoreSourceKind,
)
from rerun_core.types import TimeType
from rerun_core.types.tuid import new_tuid

from ._context import MessageParser, ParserContext
from ._file import McapFile, McapFileError
from ._properties import FILE_DECODERS
from ._raw import RawDecoder
from ._ros2 import Ros2Decoder
from ._ros2_lenses import ROS2_LENSES
from ._ros2_pointcloud import PointCloud2Parser
from ._ros2_reflection import Ros2ReflectionDecoder
from ._ros2_scalars import Float64ArrayParser, JoyParser, scalar_parser
from ._ros2_sensors import (
    CompressedImageParser,
    ImageParser,
    ImuParser,
    JointStateParser,
    NavSatFixParser,
    TfParser,
)

log = logging.getLogger("rerun.mcap")

ROS2_PARSERS: dict[str, Any] = {
    "sensor_msgs/msg/CompressedImage": CompressedImageParser,
    "sensor_msgs/msg/Image": ImageParser,
    "sensor_msgs/msg/Imu": ImuParser,
    "sensor_msgs/msg/JointState": JointStateParser,
    "sensor_msgs/msg/NavSatFix": NavSatFixParser,
    "sensor_msgs/msg/PointCloud2": PointCloud2Parser,
    "tf2_msgs/msg/TFMessage": TfParser,
    "sensor_msgs/msg/BatteryState": scalar_parser("sensor_msgs/msg/BatteryState"),
    "sensor_msgs/msg/Range": scalar_parser("sensor_msgs/msg/Range"),
    "sensor_msgs/msg/Joy": JoyParser,
    "std_msgs/msg/Float64MultiArray": Float64ArrayParser,
    "std_msgs/msg/Float64Array": Float64ArrayParser,
}

MESSAGE_DECODERS = ("ros2msg", "ros2_reflection", "protobuf", "raw")
ALL_DECODERS = (
    "attachments",
    "foxglove",
    "metadata",
    "protobuf",
    "raw",
    "recording_info",
    "ros2_reflection",
    "ros2msg",
    "schema",
    "stats",
    "urdf",
)


class MessageDecoder(Protocol):
    identifier: str

    def supports(self, channel: Channel, schema: Schema | None) -> bool: ...

    def parser(self, channel: Channel, schema: Schema | None) -> MessageParser: ...


@dataclass
class McapOptions:
    """What ``rerun mcap convert`` and ``McapReader`` take."""

    timeline_type: TimeType = TimeType.TIMESTAMP
    timestamp_offset_ns: int | None = None
    decoders: Iterable[str] | None = None
    raw_fallback: bool = True
    include_topic_regex: list[str] = field(default_factory=list)
    exclude_topic_regex: list[str] = field(default_factory=list)
    start_time_ns: int | None = None
    end_time_ns: int | None = None
    recover: bool = False

    def selected(self) -> set[str]:
        chosen = set(ALL_DECODERS if self.decoders is None else self.decoders)
        unknown = chosen - set(ALL_DECODERS)
        if unknown:
            raise ValueError(f"unknown decoder {sorted(unknown)[0]!r} (one of: {', '.join(ALL_DECODERS)})")
        return chosen

    def topic_matches(self, topic: str) -> bool:
        inc = not self.include_topic_regex or any(re.search(p, topic) for p in self.include_topic_regex)
        return inc and not any(re.search(p, topic) for p in self.exclude_topic_regex)


def _message_decoders(selected: set[str], raw_fallback: bool) -> tuple[list[MessageDecoder], bool]:
    lenses = ROS2_LENSES if "ros2msg" in selected else {}
    table: dict[str, MessageDecoder] = {
        "ros2msg": Ros2Decoder(ROS2_PARSERS),
        "ros2_reflection": Ros2ReflectionDecoder(lenses),
        "protobuf": _LazyProtobuf("foxglove" in selected),
        "raw": RawDecoder(),
    }
    chosen = [table[d] for d in MESSAGE_DECODERS if d in selected and d in table]
    return chosen, raw_fallback and "raw" in selected


class _LazyProtobuf:
    """The ``protobuf`` decoder, imported only for a file that has a Protobuf channel."""

    identifier = "protobuf"

    def __init__(self, foxglove: bool) -> None:
        self.foxglove = foxglove
        self._real: MessageDecoder | None = None

    def _decoder(self) -> MessageDecoder:
        if self._real is None:
            from ._foxglove import FOXGLOVE_LENSES
            from ._protobuf import ProtobufDecoder

            self._real = ProtobufDecoder(FOXGLOVE_LENSES if self.foxglove else {})
        return self._real

    def supports(self, channel: Channel, schema: Schema | None) -> bool:
        if schema is None or schema.encoding != "protobuf" or channel.message_encoding != "protobuf":
            return False
        return self._decoder().supports(channel, schema)

    def parser(self, channel: Channel, schema: Schema | None) -> MessageParser:
        return self._decoder().parser(channel, schema)


def plan(f: McapFile, opts: McapOptions) -> tuple[list[int], dict[int, MessageDecoder]]:
    """The channels worth decoding (non-empty, matching the topic filter) and each one's decoder."""
    selected = opts.selected()
    decoders, fallback = _message_decoders(selected, opts.raw_fallback)
    counts = f.message_counts()
    relevant = [cid for cid in sorted(f.summary.channels) if counts.get(cid, 0) > 0]
    relevant = [cid for cid in relevant if opts.topic_matches(f.summary.channels[cid].topic)]
    assigned: dict[int, MessageDecoder] = {}
    for cid in relevant:
        ch = f.summary.channels[cid]
        schema = f.summary.schemas.get(ch.schema_id) if ch.schema_id else None
        chosen = next((d for d in decoders if d.supports(ch, schema)), None)
        if chosen is None and fallback:
            chosen = RawDecoder()
        if chosen is not None:
            assigned[cid] = chosen
    return relevant, assigned


def iter_chunks(f: McapFile, opts: McapOptions) -> Iterator[Chunk]:
    selected = opts.selected()
    relevant, assigned = plan(f, opts)
    for name, decoder in FILE_DECODERS.items():
        if name in selected:
            yield from decoder(f, relevant)
    by_decoder: dict[str, list[int]] = {}
    for cid, dec in assigned.items():
        by_decoder.setdefault(dec.identifier, []).append(cid)
    for ident in MESSAGE_DECODERS:
        channels = set(by_decoder.get(ident, ()))
        if channels:
            yield from _run_decoder(f, opts, channels, assigned)
    if "urdf" in selected:
        yield from _robot_descriptions(f, opts)


def _robot_descriptions(f: McapFile, opts: McapOptions) -> Iterator[Chunk]:
    """Each ``*robot_description*`` topic of ``std_msgs/msg/String``: its last URDF as static
    chunks (geometry and frames, no joint transforms: those come as TF messages), as 0.41 adds."""
    wanted = set()
    for cid, ch in f.summary.channels.items():
        schema = f.summary.schemas.get(ch.schema_id) if ch.schema_id else None
        if (
            "robot_description" in ch.topic
            and opts.topic_matches(ch.topic)
            and schema is not None
            and schema.name == "std_msgs/msg/String"
            and schema.encoding == "ros2msg"
        ):
            wanted.add(cid)
    if not wanted:
        return
    from ._ros2_fast import cdr_string

    latest: dict[int, str] = {}
    try:
        for _start, _end, messages in f.chunks():
            for msg in messages:
                if msg.channel_id in wanted:
                    text = cdr_string(msg.data)
                    if text is not None:
                        latest[msg.channel_id] = text
    except McapFileError as err:
        log.warning("Failed to extract URDF from robot_description topics: %s", err)
    from rerun_core.formats.urdf import UrdfChunks, UrdfOptions
    from rerun_core.formats.urdf_model import UrdfError, parse_urdf

    for cid in sorted(latest):
        try:
            robot = parse_urdf(Path(f.summary.channels[cid].topic), latest[cid].encode())
        except UrdfError as err:
            log.warning("Failed to parse URDF from robot_description topic: %s", err)
            continue
        yield from UrdfChunks(robot, UrdfOptions(include_joint_transforms=False), [])


def _run_decoder(
    f: McapFile, opts: McapOptions, channels: set[int], assigned: dict[int, MessageDecoder]
) -> Iterator[Chunk]:
    lo, hi = opts.start_time_ns, opts.end_time_ns
    for start, end, messages in f.chunks():
        if (lo is not None and end < lo) or (hi is not None and start >= hi):
            continue
        parsers: dict[int, tuple[ParserContext, MessageParser]] = {}
        broken: set[int] = set()
        for msg in messages:
            cid = msg.channel_id
            if cid not in channels:
                continue
            if (lo is not None and msg.log_time < lo) or (hi is not None and msg.log_time >= hi):
                continue
            if cid in broken:
                continue
            if cid not in parsers:
                ch = f.summary.channels[cid]
                schema = f.summary.schemas.get(ch.schema_id) if ch.schema_id else None
                ctx = ParserContext(ch, schema, opts.timeline_type)
                try:
                    parsers[cid] = (ctx, assigned[cid].parser(ch, schema))
                except Exception as err:  # a schema the parser cannot take: the channel is left out
                    log.error("Cannot decode channel %s: %s", ch.topic, err)
                    broken.add(cid)
                    continue
            ctx, parser = parsers[cid]
            try:
                parser.append(ctx, msg)
            except Exception as err:
                _rollback(ctx)
                log.error("Failed to decode message on channel %s: %s", ctx.topic, err)
        for ctx, parser in parsers.values():
            try:
                chunks = parser.finalize(ctx)
            except Exception as err:
                log.error("Failed to decode chunk of %s: %s", ctx.topic, err)
                continue
            for chunk in chunks:  # (one whose messages all failed is empty, as Rerun's)
                yield _offset(chunk, opts.timestamp_offset_ns)


def _rollback(ctx: ParserContext) -> None:
    """A message that failed part-way leaves no time behind (timelines stay as long as the rows)."""
    n = min((len(v) for k, v in ctx.timelines.items()), default=0)
    for v in ctx.timelines.values():
        del v[n:]


def _offset(chunk: Chunk, offset: int | None) -> Chunk:
    if not offset:
        return chunk
    cols = {}
    for name, col in chunk.timelines.items():
        values = col.values + offset if col.typ == TimeType.TIMESTAMP else col.values
        cols[name] = TimeColumn.from_values(name, col.typ, values)
    return Chunk.from_columns(chunk.entity_path, chunk.row_ids, cols, chunk.components, chunk_id=chunk.id)


_ENTRY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_- ")


def application_id_for(name: str) -> str:
    """Rerun's application id for a name: invalid characters (dots too) become '-', plus a hash suffix."""
    if len(name.encode()) <= 180 and all(c in _ENTRY_CHARS for c in name):
        return name
    h = xxhash.xxh64(name.encode(), 0).intdigest() & 0xFFFF
    prefix = "".join(c if c in _ENTRY_CHARS else "-" for c in name[: 180 - 4])
    return f"{prefix}{h:04x}"


def recording_id() -> str:
    import uuid

    return f"rec_{uuid.uuid4().hex}"


def store_id_for(path: str | Path, application_id: str | None, rec_id: str | None) -> StoreId:
    app = application_id_for(application_id if application_id else str(path))  # the path as given
    return StoreId(StoreKind.RECORDING, rec_id or recording_id(), app)


def iter_log_msgs(
    path: str | Path | bytes,
    opts: McapOptions | None = None,
    *,
    store_id: StoreId,
    name: str | None = None,
) -> Iterator[LogMsg]:
    """``SetStoreInfo`` then one ``ArrowMsg`` per chunk, as ``rerun mcap convert`` writes them."""
    opts = opts or McapOptions()
    f = McapFile(path, recover=opts.recover)
    info = StoreInfo(store_id, StoreSource(StoreSourceKind.OTHER, b"McapImporter"))
    yield SetStoreInfo(new_tuid(), info)
    for chunk in iter_chunks(f, opts):
        yield ArrowMsg(store_id, chunk)
