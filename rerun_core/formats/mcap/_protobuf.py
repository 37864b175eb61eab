"""``protobuf``: any Protobuf channel as one Arrow struct column (``<full.Name>:message``).

Foxglove schemas with a lens (``_foxglove``) become archetypes instead, as Rerun's lenses do.
Mapping (as Rerun's reflection): scalars non-null unless the field tracks presence, repeated ->
``List<item not null>`` (nullable), messages -> nullable structs, enums -> ``{name, value}`` structs,
real oneofs -> a nullable wrapper struct.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from mcap.records import Channel, Message, Schema
from mcap_protobuf.decoder import DecoderFactory

from rerun_core.store.chunk import Chunk

from ._arrow import custom_desc, unit_lists
from ._context import ParserContext
from ._file import McapFileError

_SCALARS: dict[int, pa.DataType] = {
    FieldDescriptor.TYPE_DOUBLE: pa.float64(),
    FieldDescriptor.TYPE_FLOAT: pa.float32(),
    FieldDescriptor.TYPE_INT32: pa.int32(),
    FieldDescriptor.TYPE_SINT32: pa.int32(),
    FieldDescriptor.TYPE_SFIXED32: pa.int32(),
    FieldDescriptor.TYPE_INT64: pa.int64(),
    FieldDescriptor.TYPE_SINT64: pa.int64(),
    FieldDescriptor.TYPE_SFIXED64: pa.int64(),
    FieldDescriptor.TYPE_UINT32: pa.uint32(),
    FieldDescriptor.TYPE_FIXED32: pa.uint32(),
    FieldDescriptor.TYPE_UINT64: pa.uint64(),
    FieldDescriptor.TYPE_FIXED64: pa.uint64(),
    FieldDescriptor.TYPE_BOOL: pa.bool_(),
    FieldDescriptor.TYPE_STRING: pa.utf8(),
    FieldDescriptor.TYPE_BYTES: pa.binary(),
}
_DYNAMIC = ("google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue")
_ENUM = pa.struct([pa.field("name", pa.utf8()), pa.field("value", pa.int32())])
_EXT = b"ARROW:extension:name"


def _is_repeated(f: FieldDescriptor) -> bool:
    return bool(f.is_repeated)


def _is_map(f: FieldDescriptor) -> bool:
    return f.message_type is not None and f.message_type.GetOptions().map_entry and _is_repeated(f)


def _in_cycle(d: Descriptor) -> bool:
    """Whether message type ``d`` reaches itself through its message fields."""
    stack = [f.message_type for f in d.fields if f.message_type is not None]
    seen: set[str] = set()
    while stack:
        cur = stack.pop()
        if cur.full_name == d.full_name:
            return True
        if cur.full_name in seen:
            continue
        seen.add(cur.full_name)
        stack.extend(f.message_type for f in cur.fields if f.message_type is not None)
    return False


def _extension(f: FieldDescriptor) -> bytes | None:
    if f.enum_type is not None:
        return b"rerun.datatypes.ProtobufEnum"
    if f.message_type is not None and f.message_type.full_name in _DYNAMIC:
        return b"google.protobuf.Struct"
    if f.message_type is not None and not _is_map(f) and _in_cycle(f.message_type):
        return b"rerun.datatypes.ProtobufSelfReferential"
    return None


def _groups(d: Descriptor) -> list[Any]:
    """Fields by field number (as prost-reflect lists them); a oneof with several fields stands in
    place of its first one."""
    out: list[Any] = []
    seen: set[str] = set()
    for f in sorted(d.fields, key=lambda f: f.number):
        o = f.containing_oneof
        if o is not None and len(o.fields) > 1:
            if o.full_name not in seen:
                seen.add(o.full_name)
                out.append(o)
            continue
        out.append(f)
    return out


class ProtoLayout:
    def __init__(self, d: Descriptor) -> None:
        self.descriptor = d
        self.arrow_type = self.struct_type(d)

    def struct_type(self, d: Descriptor) -> pa.StructType:
        fields = []
        for g in _groups(d):
            if isinstance(g, FieldDescriptor):
                fields.append(self.field(g))
            else:
                inner = pa.struct([self.field(f) for f in g.fields])
                fields.append(pa.field(g.name, inner, True, {_EXT: b"rerun.datatypes.ProtobufOneOf"}))
        return pa.struct(fields)

    def field(self, f: FieldDescriptor) -> pa.Field:
        nullable = f.has_presence or _is_repeated(f)
        ext = _extension(f)
        meta = {_EXT: ext} if ext else None
        entry = f.message_type
        if _is_map(f) and entry is not None:
            kf, vf = entry.fields_by_name["key"], entry.fields_by_name["value"]
            kx, vx = _extension(kf), _extension(vf)
            key = pa.field(kf.name, self.single(kf), False, {_EXT: kx} if kx else None)
            value = pa.field(vf.name, self.single(vf), False, {_EXT: vx} if vx else None)
            return pa.field(f.name, pa.map_(key, value), True)
        typ = self.single(f)
        if _is_repeated(f):
            typ = pa.list_(pa.field("item", typ, False))
        return pa.field(f.name, typ, nullable, meta)

    def single(self, f: FieldDescriptor) -> pa.DataType:
        ext = _extension(f)
        if f.enum_type is not None:
            return _ENUM
        if ext == b"google.protobuf.Struct":
            return pa.utf8()  # dynamic values as JSON text
        if ext is not None:
            return pa.binary()  # self-referential messages stay encoded
        if f.message_type is not None:
            return self.struct_type(f.message_type)
        return _SCALARS[f.type]


def to_py(msg: Any, d: Descriptor) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for g in _groups(d):
        if isinstance(g, FieldDescriptor):
            out[g.name] = _field_value(msg, g)
        else:
            which = msg.WhichOneof(g.name)
            out[g.name] = (
                None
                if which is None
                else {f.name: (_field_value(msg, f) if f.name == which else None) for f in g.fields}
            )
    return out


def _field_value(msg: Any, f: FieldDescriptor) -> Any:
    value = getattr(msg, f.name)
    if _is_map(f) and f.message_type is not None:
        vf = f.message_type.fields_by_name["value"]
        items = sorted(value.items())
        return [(k, _single(v, vf)) for k, v in items] if items else None
    if _is_repeated(f):
        return [_single(v, f) for v in value] if len(value) else None
    if f.has_presence and not msg.HasField(f.name):
        return None
    return _single(value, f)


def _single(value: Any, f: FieldDescriptor) -> Any:
    if f.enum_type is not None:
        ev = f.enum_type.values_by_number.get(int(value))
        if ev is None:
            raise ValueError(f"unknown enum number {value}")
        return {"name": ev.name, "value": int(value)}
    if f.message_type is not None:
        ext = _extension(f)
        if ext == b"google.protobuf.Struct":
            return _json(value)
        if ext is not None:
            return value.SerializeToString()
        return to_py(value, f.message_type)
    return value


def _json(value: Any) -> str:
    """A Struct/Value/ListValue as compact JSON (keys sorted, numbers as floats), as Rerun writes it."""
    import json

    from google.protobuf.json_format import MessageToDict

    def fix(v: Any) -> Any:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, int | float):
            f = float(v)
            return (
                "NaN"
                if f != f
                else "Infinity"
                if f == float("inf")
                else "-Infinity"
                if f == float("-inf")
                else f
            )
        if isinstance(v, dict):
            return {k: fix(v[k]) for k in sorted(v)}
        return [fix(x) for x in v]

    return json.dumps(fix(MessageToDict(value)), separators=(",", ":"), ensure_ascii=False)


def null_children(arr: pa.Array, parent_null: pa.Array | None = None) -> pa.Array:
    """Children of null structs are null too (Rust's builders append a null to every child;
    pyarrow fills them with defaults), recursively; the real ``rrd compare`` sees the difference."""
    import pyarrow.compute as pc

    if parent_null is not None and parent_null.true_count:
        arr = pc.if_else(parent_null, pa.nulls(len(arr), arr.type), arr)
    if not isinstance(arr, pa.StructArray):
        return arr
    own_null = arr.is_null()
    if not own_null.true_count:
        children = [null_children(arr.field(i)) for i in range(arr.type.num_fields)]
    else:
        children = [null_children(arr.field(i), own_null) for i in range(arr.type.num_fields)]
    return pa.StructArray.from_arrays(
        children, fields=list(arr.type), mask=own_null if own_null.true_count else None
    )


Lens = Callable[[ParserContext, list[Any]], list[Chunk]]


class ProtobufParser:
    def __init__(self, schema: Schema, lens: Lens | None) -> None:
        decode = DecoderFactory().decoder_for("protobuf", schema)
        if decode is None:
            raise ValueError(f"cannot decode schema {schema.name!r}")
        self.decode = decode
        self.lens = lens
        self.layout = ProtoLayout(decode(b"").DESCRIPTOR)  # an empty payload is the default message
        self.messages: list[Any] = []

    def append(self, ctx: ParserContext, msg: Message) -> None:
        m = self.decode(msg.data)
        self.messages.append(m)
        ctx.add_log_and_publish(msg)

    def finalize(self, ctx: ParserContext) -> list[Chunk]:
        if self.lens is not None:
            return self.lens(ctx, self.messages)
        d = self.layout.descriptor
        values = null_children(pa.array([to_py(m, d) for m in self.messages], type=self.layout.arrow_type))
        return [ctx.chunk({custom_desc(f"{d.full_name}:message", d.full_name): unit_lists(values)})]


class ProtobufDecoder:
    identifier = "protobuf"

    def __init__(self, lenses: dict[str, Lens]) -> None:
        self.lenses = lenses

    def supports(self, channel: Channel, schema: Schema | None) -> bool:
        ok = schema is not None and schema.encoding == "protobuf" and channel.message_encoding == "protobuf"
        if ok and schema is not None:
            try:
                DecoderFactory().decoder_for("protobuf", schema)
            except Exception as err:  # as Rerun: a broken descriptor set fails the whole file
                why = " ".join(str(err).split())
                raise McapFileError(
                    f"Invalid schema {schema.name}: failed to decode file descriptor set: {why}"
                ) from None
        return ok

    def parser(self, channel: Channel, schema: Schema | None) -> ProtobufParser:
        assert schema is not None
        return ProtobufParser(schema, self.lenses.get(schema.name))
