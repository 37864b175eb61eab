"""sensor_msgs/Imu and JointState: the batched decoding (one numpy pass per layout) equals
decoding message by message, in order, when the layout changes within a chunk."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from mcap.records import Channel, Message, Schema
from mcap_ros2._dynamic import serialize_dynamic
from mcap_samples import MESSAGES, MSGDEFS

from rerun_core.formats.mcap._context import ParserContext
from rerun_core.formats.mcap._ros2 import cdr_decoder
from rerun_core.formats.mcap._ros2_sensors import ImuParser, JointStateParser
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


def _batch_size(parser: Any, ctx: ParserContext, msgs: list[Message]) -> int:
    """How many of ``msgs`` the parser holds in its batch after appending them all."""
    for msg in msgs:
        parser.append(ctx, msg)
    return 0 if parser.batch is None else len(parser.batch.payloads)


def test_one_layout_is_decoded_as_one_batch() -> None:
    msgs = _messages(["imu"] * 5)
    assert (
        _batch_size(ImuParser(cdr_decoder(SCHEMA)), ParserContext(CHANNEL, SCHEMA, TimeType.TIMESTAMP), msgs)
        == 5
    )
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


JOINTS = "sensor_msgs/msg/JointState"
J_SCHEMA = Schema(id=2, name=JOINTS, encoding="ros2msg", data=MSGDEFS[JOINTS].encode())
J_CHANNEL = Channel(id=2, topic="/joints", message_encoding="cdr", schema_id=2, metadata={})


def _joint_messages(layouts: list[tuple[list[str], int]]) -> list[Message]:
    encode = serialize_dynamic(JOINTS, MSGDEFS[JOINTS])[JOINTS]
    out = []
    for i, (names, n_effort) in enumerate(layouts):
        msg = {
            "header": {"stamp": {"sec": -1 if i == 1 else 10 + i, "nanosec": 3 * i}, "frame_id": "base"},
            "name": names,
            "position": [0.5 * i + k for k in range(len(names))],
            "velocity": [float(-i)] * len(names),
            "effort": [1.5] * n_effort,
        }
        out.append(Message(channel_id=2, sequence=i, log_time=i, publish_time=i, data=encode(msg)))
    return out


def _parse_joints(
    msgs: list[Message], *, one_by_one: bool
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    ctx = ParserContext(J_CHANNEL, J_SCHEMA, TimeType.TIMESTAMP)
    parser = JointStateParser(cdr_decoder(J_SCHEMA))
    if one_by_one:
        parser.batch = None
        parser.frames = [""]  # (no batch starts once a row is in: rows of the message path)
    for msg in msgs:
        parser.append(ctx, msg)
    if one_by_one:
        parser.frames.pop(0)
    out = []
    for chunk in parser.finalize(ctx):
        comps = {d.component: arr.to_pylist() for d, arr in chunk.components.items()}
        times = {name: col.values.tolist() for name, col in chunk.timelines.items()}
        out.append((str(chunk.entity_path), comps, times))
    return out


def test_joint_states_of_one_layout_decode_as_one_batch() -> None:
    msgs = _joint_messages([(["j1", "j2"], 0)] * 4)
    ctx = ParserContext(J_CHANNEL, J_SCHEMA, TimeType.TIMESTAMP)
    assert _batch_size(JointStateParser(cdr_decoder(J_SCHEMA)), ctx, msgs) == 4
    assert _parse_joints(msgs, one_by_one=False) == _parse_joints(msgs, one_by_one=True)
    (_path, comps, times), *_ = _parse_joints(msgs, one_by_one=False)
    assert comps["Scalars:scalars"][2] == [1.0, 2.0]
    assert times["ros2_timestamp"][1] == 2**63 - 1


def test_joint_state_layout_change_keeps_rows_in_message_order() -> None:
    layouts = [(["j1", "j2"], 0), (["j1", "j2"], 0), (["j1", "jX"], 0), (["j1", "j2"], 2), (["j1"], 0)]
    msgs = _joint_messages(layouts)
    batched = _parse_joints(msgs, one_by_one=False)
    assert batched == _parse_joints(msgs, one_by_one=True)
    effort = next(comps for path, comps, _t in batched if path.endswith("effort"))
    assert effort["Scalars:scalars"] == [[], [], [], [1.5, 1.5], []]
    assert effort["SeriesLines:names"][2] == ["j1", "jX"]
