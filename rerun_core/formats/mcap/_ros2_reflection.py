"""``ros2_reflection``: any ROS 2 CDR message as one Arrow struct column (``<pkg.msg.Name>:message``).

Message types with a lens (``_ros2_lenses``) become archetypes instead, as Rerun's MCAP lenses do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
from mcap.records import Channel, Message, Schema
from mcap_ros2._dynamic import TimeDefinition, _for_each_msgdef

from rerun_core.store.chunk import Chunk

from ._arrow import custom_desc, unit_lists
from ._context import ROS2_TIME, ParserContext
from ._ros2 import cdr_decoder, is_ros2_cdr, stamp_ns

_PRIMITIVES: dict[str, pa.DataType] = {
    "bool": pa.bool_(),
    "byte": pa.uint8(),
    "char": pa.uint8(),
    "uint8": pa.uint8(),
    "int8": pa.int8(),
    "int16": pa.int16(),
    "uint16": pa.uint16(),
    "int32": pa.int32(),
    "uint32": pa.uint32(),
    "int64": pa.int64(),
    "uint64": pa.uint64(),
    "float32": pa.float32(),
    "float64": pa.float64(),
    "string": pa.utf8(),
    "wstring": pa.utf8(),
}


class MessageLayout:
    """A parsed message definition (with its dependencies) and the Arrow type of its messages."""

    def __init__(self, schema: Schema) -> None:
        self.name = schema.name
        self.defs: dict[str, Any] = {
            "builtin_interfaces/Time": TimeDefinition,
            "builtin_interfaces/Duration": TimeDefinition,
        }

        def add(full: str, short: str, msgdef: Any) -> None:
            self.defs[full] = msgdef
            self.defs[short] = msgdef

        _for_each_msgdef(schema.name, schema.data.decode("utf-8", "replace"), add)
        self.root = self.defs[schema.name]
        self.arrow_type = self.struct_type(self.root)

    def nested(self, ftype: Any) -> Any:
        found = self.defs.get(f"{ftype.pkg_name}/{ftype.type}")
        # Rerun's resolver finds no definition in an empty MSG section either: such a schema stays raw.
        if found is None or (not found.fields and found is not TimeDefinition):
            raise ValueError(f"message definition not found for {ftype.pkg_name}/{ftype.type}")
        return found

    def value_type(self, ftype: Any) -> pa.DataType:
        if ftype.is_primitive_type():
            return _PRIMITIVES[ftype.type]
        return self.struct_type(self.nested(ftype))

    def field_type(self, ftype: Any) -> pa.DataType:
        elem = self.value_type(ftype)
        if ftype.is_array:
            return pa.list_(pa.field("item", elem, nullable=not ftype.is_primitive_type()))
        return elem

    def struct_type(self, msgdef: Any) -> pa.StructType:
        return pa.struct([pa.field(f.name, self.field_type(f.type), nullable=False) for f in msgdef.fields])

    def stamp_path(self) -> tuple[str, ...] | None:
        """Where the message's time is: ``header.stamp`` or a top-level ``stamp``."""
        fields = {f.name: f.type for f in self.root.fields}
        if "header" in fields:
            h = fields["header"]
            if h.is_primitive_type() or h.is_array:
                return None
            return ("header", "stamp") if self._has_stamp(self.nested(h)) else None
        return ("stamp",) if self._has_stamp(self.root) else None

    def _has_stamp(self, msgdef: Any) -> bool:
        stamp = next((f.type for f in msgdef.fields if f.name == "stamp"), None)
        if stamp is None or stamp.is_primitive_type() or stamp.is_array:
            return False
        inner = {f.name: f.type.type for f in self.nested(stamp).fields if not f.type.is_array}
        return inner.get("sec") == "int32" and inner.get("nanosec") == "uint32"


def to_py(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return list(bytes(value))
    if isinstance(value, list | tuple):
        return [to_py(v) for v in value]
    if hasattr(value, "__slots__") and not isinstance(value, str | int | float | bool):
        return {k: to_py(getattr(value, k)) for k in value.__slots__}
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


Lens = Callable[[ParserContext, list[Any]], list[Chunk]]


class ReflectionParser:
    def __init__(self, schema: Schema, lens: Lens | None) -> None:
        self.layout = MessageLayout(schema)
        self.decode = cdr_decoder(schema)
        self.stamp = self.layout.stamp_path()
        self.lens = lens
        self.messages: list[Any] = []

    def append(self, ctx: ParserContext, msg: Message) -> None:
        m = self.decode(msg.data)
        if self.stamp is not None:
            t = m
            for name in self.stamp:
                t = getattr(t, name)
            ctx.add_time(ROS2_TIME, stamp_ns(t))
        self.messages.append(m)
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        if self.lens is not None:
            return self.lens(ctx, self.messages)
        arch = self.layout.name.replace("/", ".")
        values = pa.array([to_py(m) for m in self.messages], type=self.layout.arrow_type)
        return [ctx.chunk({custom_desc(f"{arch}:message", arch): unit_lists(values)})]


class Ros2ReflectionDecoder:
    identifier = "ros2_reflection"

    def __init__(self, lenses: dict[str, Lens]) -> None:
        self.lenses = lenses

    def supports(self, channel: Channel, schema: Schema | None) -> bool:
        if not is_ros2_cdr(channel, schema) or schema is None:
            return False
        try:
            MessageLayout(schema)
        except Exception:
            return False
        return True

    def parser(self, channel: Channel, schema: Schema | None) -> ReflectionParser:
        assert schema is not None
        return ReflectionParser(schema, self.lenses.get(schema.name))
