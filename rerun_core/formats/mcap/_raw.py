"""The raw fallback: a channel no other decoder takes keeps its message bytes (``McapMessage:data``)."""

from __future__ import annotations

from mcap.records import Channel, Message, Schema

from rerun_core.store.chunk import Chunk

from ._arrow import blobs, rr_desc, unit_lists
from ._context import ParserContext


class RawParser:
    def __init__(self) -> None:
        self.data: list[bytes] = []

    def append(self, ctx: ParserContext, msg: Message) -> None:
        self.data.append(bytes(msg.data))
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        return [ctx.chunk({rr_desc("McapMessage", "data", "Blob"): unit_lists(blobs(self.data))})]


class RawDecoder:
    identifier = "raw"

    def supports(self, channel: Channel, schema: Schema | None) -> bool:
        return True

    def parser(self, channel: Channel, schema: Schema | None) -> RawParser:
        return RawParser()
