"""sensor_msgs/Imu: the batched decoding (one numpy pass per layout) equals decoding message by
message, in order, when the frame_id's layout changes within a chunk."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from mcap.records import Channel, Message, Schema
from mcap_ros2._dynamic import serialize_dynamic
from mcap_samples import MESSAGES, MSGDEFS

from rerun_core.formats.mcap._context import ParserContext
from rerun_core.formats.mcap._ros2 import cdr_decoder
from rerun_core.formats.mcap._ros2_sensors import ImuParser
from rerun_core.types import TimeType

IMU = "sensor_msgs/msg/Imu"
SCHEMA = Schema(id=1, name=IMU, encoding="ros2msg", data=MSGDEFS[IMU].encode())
CHANNEL = Channel(id=1, topic="/imu", message_encoding="cdr", schema_id=1, metadata={})


def _payload(i: int, frame: str, sec: int | None = None) -> bytes:
    msg = MESSAGES[IMU](i)
    msg["header"] = {"stamp": {"sec": 100 + i if sec is None else sec, "nanosec": 7 * i}, "frame_id": frame}
    return serialize_dynamic(IMU, MSGDEFS[IMU])[IMU](msg)


def _messages(frames: list[str]) -> list[Message]:
    out = []
    for i, frame in enumerate(frames):
        data = _payload(i, frame, sec=-5 if i == 2 else None)  # a negative stamp saturates
        out.append(Message(channel_id=1, sequence=i, log_time=1000 + i, publish_time=2000 + i, data=data))
    return out


def _parse(msgs: list[Message], *, one_by_one: bool) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    ctx = ParserContext(CHANNEL, SCHEMA, TimeType.TIMESTAMP)
    parser = ImuParser(cdr_decoder(SCHEMA))
    for msg in msgs:
        if one_by_one:
            parser._append_one(ctx, msg)
        else:
            parser.append(ctx, msg)
    chunk = parser.finalize(ctx)[0]
    comps = {d.component: arr.to_pylist() for d, arr in chunk.components.items()}
    times = {name: col.values.tolist() for name, col in chunk.timelines.items()}
    return comps, times


def test_one_layout_is_decoded_as_one_batch() -> None:
    msgs = _messages(["imu"] * 5)
    parser = ImuParser(cdr_decoder(SCHEMA))
    ctx = ParserContext(CHANNEL, SCHEMA, TimeType.TIMESTAMP)
    for msg in msgs:
        parser.append(ctx, msg)
    assert parser.batch is not None and len(parser.batch.payloads) == 5
    assert _parse(msgs, one_by_one=False) == _parse(msgs, one_by_one=True)


def test_layout_change_keeps_rows_in_message_order() -> None:
    # ("i" pads to the same message length as "imu": only its frame_id bytes differ.)
    msgs = _messages(["imu", "imu", "imu", "imu_long_name", "imu", "i"])
    batched, reference = _parse(msgs, one_by_one=False), _parse(msgs, one_by_one=True)
    assert batched == reference
    comps, times = batched
    assert comps["CoordinateFrame:frame"] == [["imu"], ["imu"], ["imu"], ["imu_long_name"], ["imu"], ["i"]]
    assert times["ros2_timestamp"][2] == 2**63 - 1
    assert pa.array(comps["Scalars:scalars"]).type == pa.list_(pa.float64())
