"""The decoder pipeline: file decoders, then each message decoder over every chunk of the file."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import xxhash
from mcap.records import Channel, Message, Schema

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
from ._file import McapFile, McapFileError, read_ahead
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


def _channel_decoders(f: McapFile, opts: McapOptions) -> tuple[list[int], dict[int, MessageDecoder]]:
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


@dataclass(frozen=True)
class DecodeTask:
    """One message decoder over one MCAP chunk (``f.chunk_refs[chunk]``): what it yields
    depends on nothing else, so tasks may run in any process, their outputs kept in task order."""

    decoder: str
    channels: frozenset[int]
    chunk: int


def decode_tasks(f: McapFile, opts: McapOptions, assigned: dict[int, MessageDecoder]) -> list[DecodeTask]:
    """Each message decoder in turn over every MCAP chunk that may hold one of its channels
    (in the time range asked for): the order the chunks are written in."""
    by_decoder: dict[str, set[int]] = {}
    for cid, dec in assigned.items():
        by_decoder.setdefault(dec.identifier, set()).add(cid)
    lo, hi = opts.start_time_ns, opts.end_time_ns
    refs = f.chunk_refs
    tasks = []
    for ident in MESSAGE_DECODERS:
        channels = frozenset(by_decoder.get(ident, ()))
        if not channels:
            continue
        for i, ref in enumerate(refs):
            if (lo is not None and ref.end < lo) or (hi is not None and ref.start >= hi):
                continue
            if ref.may_hold(channels):
                tasks.append(DecodeTask(ident, channels, i))
    return tasks


@dataclass
class Conversion:
    """A file's conversion, planned (channels, their decoders, the tasks) before anything runs:
    worker processes forked from here on inherit it."""

    f: McapFile
    opts: McapOptions
    relevant: list[int]
    assigned: dict[int, MessageDecoder]
    tasks: list[DecodeTask]

    @classmethod
    def plan(cls, f: McapFile, opts: McapOptions) -> Conversion:
        relevant, assigned = _channel_decoders(f, opts)
        return cls(f, opts, relevant, assigned, decode_tasks(f, opts, assigned))

    def decode(self, task: DecodeTask, messages: list[Message] | None = None) -> Iterator[Chunk]:
        """The chunks of one task (its MCAP chunk read now unless ``messages`` are given)."""
        if messages is None:
            messages = self.f.chunk_refs[task.chunk].load()
        return decode_chunk(self.f, self.opts, task.channels, self.assigned, messages)

    def pieces(self, run: Callable[[list[DecodeTask]], Iterator[Any]] | None = None) -> Iterator[Any]:
        """The chunks ``rerun mcap convert`` writes, in its order. ``run``, when given, turns the
        message decoders' tasks into what stands for their chunks (frames encoded in worker
        processes, in task order); else they are decoded here."""
        f, opts = self.f, self.opts
        selected = opts.selected()
        for name, decoder in FILE_DECODERS.items():
            if name in selected:
                yield from decoder(f, self.relevant)
        if run is not None:
            yield from run(self.tasks)
        else:
            refs = f.chunk_refs
            loaded = read_ahead([refs[t.chunk] for t in self.tasks])
            for task, (_ref, messages) in zip(self.tasks, loaded, strict=True):
                yield from self.decode(task, messages)
        if "urdf" in selected:
            yield from _robot_descriptions(f, opts)


def iter_chunks(f: McapFile, opts: McapOptions) -> Iterator[Chunk]:
    """The chunks ``rerun mcap convert`` writes, in its order, decoded in this thread."""
    yield from Conversion.plan(f, opts).pieces()


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
        for _ref, messages in read_ahead([r for r in f.chunk_refs if r.may_hold(wanted)]):
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


def decode_chunk(
    f: McapFile,
    opts: McapOptions,
    channels: frozenset[int],
    assigned: dict[int, MessageDecoder],
    messages: list[Message],
) -> Iterator[Chunk]:
    """What one message decoder makes of one MCAP chunk's messages on ``channels``."""
    lo, hi = opts.start_time_ns, opts.end_time_ns
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
    conversion = Conversion.plan(McapFile(path, recover=opts.recover), opts)
    yield store_info_msg(store_id)
    for chunk in conversion.pieces():
        yield ArrowMsg(store_id, chunk)


def store_info_msg(store_id: StoreId) -> SetStoreInfo:
    return SetStoreInfo(new_tuid(), StoreInfo(store_id, StoreSource(StoreSourceKind.OTHER, b"McapImporter")))
