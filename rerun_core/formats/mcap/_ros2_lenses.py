"""Rerun's ROS 2 lenses: reflected messages of these types become archetypes."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from rerun_core.store.chunk import Chunk

from ._arrow import rr_desc, strings, unit_lists
from ._context import ParserContext


def string_lens(ctx: ParserContext, messages: list[Any]) -> list[Chunk]:
    text = unit_lists(strings(m.data for m in messages))
    return [ctx.chunk({rr_desc("TextDocument", "text", "Text"): text})]


ROS2_LENSES = {
    "std_msgs/msg/String": string_lens,
}

__all__ = ["ROS2_LENSES", "pa"]
