"""``rerun rrd verify``: decode every message (LZ4 blocks walked strictly), validate every chunk
and its column types, check the footer: its trailer and checksum, and its index against the
frames (offsets, sizes, chunk ids).

Prints ``N file(s) verified without error.`` on success, else one line per problem and exits 1.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from collections.abc import Callable

import pyarrow as pa
import xxhash

from rerun_core.store.chunk import Chunk, ChunkError
from rerun_core.store.messages import ArrowMsg
from rerun_core.types import ComponentDescriptor

from .common import EXIT_FAILURE, EXIT_OK, CliError, check_source, describe_error, source_label
from .table import format_type

TRAILER_SIZE = 32
TRAILER_MAGIC = b"RRF2FOOT"
FOOTER_XXH32_SEED = 7850921


def check_footer(size: int, read_at: Callable[[int, int], bytes]) -> str | None:
    """Check the footer of an .rrd stream of ``size`` bytes; None if fine.

    ``read_at(offset, length)`` reads the stream. The trailer (last 32 bytes) must carry the
    footer magic and point at the End frame's payload just before it, whose xxh32 must match.
    """
    if size < TRAILER_SIZE:
        return f"Missing RRD footer / no RRD manifests (at byte offset {size})"
    tail = read_at(size - TRAILER_SIZE, TRAILER_SIZE)
    if tail[20:28] != TRAILER_MAGIC:
        return f"Missing RRD footer / no RRD manifests (at byte offset {size - TRAILER_SIZE})"
    offset, length, checksum, _, count = struct.unpack("<QQI8sI", tail)
    payload_at = size - TRAILER_SIZE - length  # offsets count from the start of their stream
    if payload_at < 0 or offset > payload_at:
        return f"RRD footer points outside the file (offset {offset}, length {length}) (at byte offset {size - TRAILER_SIZE})"
    if count == 0:
        return f"RRD footer has no manifests (at byte offset {size - 4})"
    if xxhash.xxh32_intdigest(read_at(payload_at, length), seed=FOOTER_XXH32_SEED) != checksum:
        return f"RRD footer checksum mismatch (at byte offset {payload_at})"
    if payload_at != offset:
        return (
            "more than one .rrd stream (concatenated files): `rerun rrd merge` them into one"
            f" (at byte offset {payload_at - offset})"
        )
    return None


def _check_file_footer(path: str) -> str | None:
    with open(path, "rb") as fh:

        def read_at(offset: int, length: int) -> bytes:
            fh.seek(offset)
            return fh.read(length)

        return check_footer(os.path.getsize(path), read_at)


def same_shape(actual: pa.DataType, expected: pa.DataType) -> bool:
    """Arrow types equal up to list item names and nullability (what a reader can deserialize)."""
    if pa.types.is_fixed_size_list(expected):
        return (
            pa.types.is_fixed_size_list(actual)
            and actual.list_size == expected.list_size
            and same_shape(actual.value_type, expected.value_type)
        )
    for is_kind in (pa.types.is_list, pa.types.is_large_list):
        if is_kind(expected):
            return is_kind(actual) and same_shape(actual.value_type, expected.value_type)
    if pa.types.is_struct(expected):
        if not pa.types.is_struct(actual) or actual.num_fields != expected.num_fields:
            return False
        return all(
            a.name == e.name and same_shape(a.type, e.type) for a, e in zip(actual, expected, strict=True)
        )
    if pa.types.is_union(expected) or pa.types.is_dictionary(expected):
        return str(actual) == str(expected) or actual.id == expected.id
    return bool(actual == expected)


def _component_types() -> dict[str, pa.DataType]:
    """``rerun.components.X`` -> its Arrow type, from the SDK's component table (if present)."""
    try:
        from rerun.components._table import COMPONENT_TYPES
    except ImportError:  # pragma: no cover - the SDK table is part of this package
        return {}
    return {f"rerun.components.{name}": arrow for name, (arrow, _) in COMPONENT_TYPES.items()}


def _archetype_fields() -> dict[str, dict[str, str]]:
    """``rerun.archetypes.X`` (and blueprint archetypes) -> field name -> component type."""
    import rerun.archetypes
    import rerun.blueprint  # noqa: F401  (registers the blueprint archetypes)
    from rerun._arch_base import Archetype

    out: dict[str, dict[str, str]] = {}
    todo = list(Archetype.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        out[cls.archetype()] = {f.name: cls._descriptor(f).component_type or "" for f in cls._FIELDS}
    return out


def check_descriptor(
    desc: ComponentDescriptor, archetypes: dict[str, dict[str, str]], known: dict[str, pa.DataType]
) -> str | None:
    """What the real verify's reflection rejects: unknown Rerun components and archetypes,
    fields an archetype lacks, a component type other than the archetype field's."""
    ctype = desc.component_type or ""
    if ctype.startswith("rerun.components.") and known and ctype not in known:
        return "Unknown component"
    arch = desc.archetype or ""
    if not ctype.startswith("rerun.") or not arch.startswith("rerun."):
        return None
    fields = archetypes.get(arch)
    if fields is None:
        return f"Unknown archetype: {arch!r}"
    field_name = desc.component.rsplit(":", 1)[-1]
    expected = fields.get(field_name)
    if expected is None:
        return (
            f"Input column referred to the component {desc.component!r} of {arch!r}, which lacks that field"
        )
    if expected != ctype:
        return f"Component {desc.component!r} of {arch!r} has type {expected!r}, but the data column has {ctype!r}"
    return None


def check_datatypes(
    chunk: Chunk, known: dict[str, pa.DataType], archetypes: dict[str, dict[str, str]] | None = None
) -> list[str]:
    """Columns whose Arrow type or descriptor does not match their declared Rerun types."""
    problems = []
    for desc, arr in chunk.components.items():
        if archetypes is not None:
            bad = check_descriptor(desc, archetypes, known)
            if bad is not None:
                problems.append(f"column {chunk.entity_path}:{desc.component}: {bad} (chunk {chunk.id})")
                continue
        expected = known.get(desc.component_type or "")
        if expected is None or not (pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)):
            continue
        if not same_shape(arr.type.value_type, expected):
            problems.append(
                f"column {chunk.entity_path}:{desc.component}: expected {format_type(expected)} "
                f"for {desc.component_type}, found {format_type(arr.type.value_type)}"
            )
    return problems


def verify_source(source: str, *, check_footers: bool) -> list[str]:
    """Problems found in one source (empty when it verifies)."""
    from rerun_core.store.rrd import RrdError
    from rerun_core.store.rrd.verify import VerifyReport, verify_messages

    problems: list[str] = []
    known = _component_types()
    archetypes = _archetype_fields()
    data: bytes | None = None
    try:
        check_source(source)
        if source == "-":
            data = sys.stdin.buffer.read()
        report = VerifyReport(problems)
        for msg in verify_messages(data if data is not None else source, report, check_index=check_footers):
            if isinstance(msg, ArrowMsg):
                found = check_datatypes(msg.chunk, known, archetypes)
                try:
                    msg.chunk.validate()
                except ChunkError as err:
                    found.insert(0, f"chunk {msg.chunk.id}: {err}")
                problems += [f"{p} (at byte offset {report.offset})" for p in found]
        if report.messages == 0:
            problems.append("no messages (empty stream)")
    except (RrdError, CliError, OSError) as err:
        problems.append(describe_error(err))
        return problems
    if check_footers and not source.startswith(("http://", "https://")):
        if data is not None:
            buf = data
            problem = check_footer(len(buf), lambda offset, length: buf[offset : offset + length])
        else:
            problem = _check_file_footer(source)
        if problem is not None:
            problems.append(problem)
    return problems


def run(args: argparse.Namespace) -> int:
    sources = args.paths or ["-"]
    num_errors = 0
    for source in sources:
        for problem in verify_source(source, check_footers=args.check_footers):
            num_errors += 1
            label = source_label(source)
            text = problem if problem.startswith(label) else f"{label}: {problem}"
            print(text, file=sys.stderr)
    if num_errors:
        print(f"Error: verification failed with {num_errors} error(s)", file=sys.stderr)
        return EXIT_FAILURE
    n = len(sources)
    print(f"{n} file{'s' if n != 1 else ''} verified without error.", file=sys.stderr)
    return EXIT_OK
