"""`ChannelCountPair`: one MCAP channel id with its message count (a `ChannelMessageCounts` entry)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from ._extra import _batch

CHANNEL_COUNT_PAIR_TYPE = pa.struct(
    [
        pa.field("channel_id", pa.uint16(), nullable=False),
        pa.field("message_count", pa.uint64(), nullable=False),
    ]
)


class ChannelCountPair:
    """A channel id (uint16) and how many messages it carried (uint64).

    Unpacks as ``(channel_id, message_count)``, so `ChannelMessageCounts` takes it like a pair.
    """

    channel_id: int = 0  # class-level too, as 0.41's attrs fields
    message_count: int = 0

    def __init__(self, channel_id: Any, message_count: Any) -> None:
        self.channel_id = int(getattr(channel_id, "value", channel_id))
        self.message_count = int(getattr(message_count, "value", message_count))

    def __iter__(self) -> Iterator[int]:
        return iter((self.channel_id, self.message_count))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChannelCountPair) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"ChannelCountPair(channel_id={self.channel_id}, message_count={self.message_count})"

    @staticmethod
    def native_to_pa_array_override(data: Any, data_type: pa.DataType) -> pa.Array:
        """Pairs as a struct array of `data_type` (0.41's hook for the batch conversion)."""
        return channel_count_pairs(data).cast(data_type)


def channel_count_pairs(data: Any) -> pa.Array:
    """Pairs (or `(channel_id, message_count)` tuples) as a struct array; out-of-range ids fail."""
    items = [data] if isinstance(data, ChannelCountPair) else list(data)
    ids, counts = zip(*(tuple(item) for item in items), strict=True) if items else ((), ())
    return pa.StructArray.from_arrays(
        [pa.array(ids, type=pa.uint16()), pa.array(counts, type=pa.uint64())],
        fields=list(CHANNEL_COUNT_PAIR_TYPE),
    )


ChannelCountPairBatch = _batch("ChannelCountPair", CHANNEL_COUNT_PAIR_TYPE, channel_count_pairs)
ChannelCountPairLike = Any  # a ChannelCountPair or a (channel_id, message_count) pair
ChannelCountPairArrayLike = Any
