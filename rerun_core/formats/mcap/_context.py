"""What every message parser shares: the per-channel time columns and the chunk it emits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pyarrow as pa
from mcap.records import Channel, Message, Schema

from rerun_core.store.chunk import Chunk, TimeColumn
from rerun_core.types import ComponentDescriptor, TimeType
from rerun_core.types.entity_path import format_entity_path, parse_entity_path
from rerun_core.types.tuid import new_tuids

LOG_TIME = "message_log_time"
PUBLISH_TIME = "message_publish_time"
ROS2_TIME = "ros2_timestamp"


def topic_entity_path(topic: str, *suffix: str) -> str:
    return format_entity_path([*parse_entity_path(topic), *suffix])


@dataclass
class ParserContext:
    channel: Channel
    schema: Schema | None
    time_type: TimeType
    timelines: dict[str, list[int]] = field(default_factory=dict)

    @property
    def topic(self) -> str:
        return self.channel.topic

    @property
    def entity_path(self) -> str:
        return topic_entity_path(self.channel.topic)

    def add_time(self, name: str, value: int) -> None:
        """One row's time (clamped to int64 when the columns are built)."""
        col = self.timelines.get(name)
        if col is None:
            col = self.timelines[name] = []
        col.append(value)

    def add_log_and_publish(self, msg: Message, times: int = 1) -> None:
        tl = self.timelines
        if LOG_TIME not in tl:
            tl[LOG_TIME] = []
        if PUBLISH_TIME not in tl:
            tl[PUBLISH_TIME] = []
        if times == 1:
            tl[LOG_TIME].append(msg.log_time)
            tl[PUBLISH_TIME].append(msg.publish_time)
        else:
            tl[LOG_TIME].extend([msg.log_time] * times)
            tl[PUBLISH_TIME].extend([msg.publish_time] * times)

    def time_columns(self) -> dict[str, TimeColumn]:
        return {n: TimeColumn.from_values(n, self.time_type, _clamped(v)) for n, v in self.timelines.items()}

    def chunk(
        self, components: Mapping[ComponentDescriptor, pa.Array], entity_path: str | None = None
    ) -> Chunk:
        return make_chunk(entity_path or self.entity_path, self.time_columns(), components)


_I64_MAX = 2**63 - 1


def _clamped(values: list[int]) -> np.ndarray:
    """Times as int64, values past its range saturated (MCAP times are u64)."""
    try:
        arr = np.fromiter(values, dtype=np.uint64, count=len(values))
    except (OverflowError, TypeError, ValueError):  # a negative or odd value: one by one
        return np.array([min(int(v), _I64_MAX) for v in values], dtype=np.int64)
    return np.minimum(arr, np.uint64(_I64_MAX)).astype(np.int64)


def make_chunk(
    entity_path: str, timelines: Mapping[str, TimeColumn], components: Mapping[ComponentDescriptor, pa.Array]
) -> Chunk:
    n = len(next(iter(components.values())))
    return Chunk.from_columns(entity_path, new_tuids(n), dict(timelines), components)


def static_chunk(entity_path: str, components: Mapping[ComponentDescriptor, pa.Array]) -> Chunk:
    return make_chunk(entity_path, {}, components)


class MessageParser(Protocol):
    def append(self, ctx: ParserContext, msg: Message) -> None: ...

    def finalize(self, ctx: ParserContext) -> list[Chunk]: ...
