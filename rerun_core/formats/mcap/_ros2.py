"""ROS 2 (CDR) channels: the semantic decoder's registry and the message types shared by its parsers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mcap.records import Channel, Schema
from mcap_ros2.decoder import DecoderFactory

from ._context import ROS2_TIME, MessageParser, ParserContext

ROS2_SCHEMA_ENCODING = "ros2msg"
I64_MAX = 2**63 - 1


def is_ros2_cdr(channel: Channel, schema: Schema | None) -> bool:
    return (
        schema is not None
        and schema.encoding == ROS2_SCHEMA_ENCODING
        and channel.message_encoding.lower() == "cdr"
    )


def stamp_ns(stamp: Any) -> int:
    """``builtin_interfaces/Time`` as nanoseconds (a negative stamp saturates, as Rerun's does)."""
    ns = int(stamp.sec) * 1_000_000_000 + int(stamp.nanosec)
    return ns if 0 <= ns <= I64_MAX else I64_MAX


def add_header_time(ctx: ParserContext, header: Any) -> None:
    ctx.add_time(ROS2_TIME, stamp_ns(header.stamp))


def cdr_decoder(schema: Schema) -> Callable[[bytes], Any]:
    """A CDR decoder for one schema, built once per schema text (parsers are made per MCAP chunk)."""
    return _cdr_decoder(schema.name, schema.encoding, bytes(schema.data))


@functools.lru_cache(maxsize=256)
def _cdr_decoder(name: str, encoding: str, data: bytes) -> Callable[[bytes], Any]:
    # A fresh factory: its own cache is keyed by the schema id, which is per file.
    fn = DecoderFactory().decoder_for("cdr", Schema(id=1, name=name, encoding=encoding, data=data))
    if fn is None:
        raise ValueError(f"cannot decode schema {name!r}")
    return fn


ParserFactory = Callable[[Callable[[bytes], Any]], MessageParser]


class Ros2Decoder:
    """``ros2msg``: the message types Rerun maps straight onto archetypes."""

    identifier = "ros2msg"

    def __init__(self, registry: dict[str, ParserFactory]) -> None:
        self.registry = registry

    def supports(self, channel: Channel, schema: Schema | None) -> bool:
        return is_ros2_cdr(channel, schema) and schema is not None and schema.name in self.registry

    def parser(self, channel: Channel, schema: Schema | None) -> MessageParser:
        assert schema is not None
        return self.registry[schema.name](cdr_decoder(schema))
