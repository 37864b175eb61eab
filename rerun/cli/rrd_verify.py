"""``rerun rrd verify``: decode every message, validate every chunk and its column types, check
the footer.

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
        return "Missing RRD footer / no RRD manifests"
    tail = read_at(size - TRAILER_SIZE, TRAILER_SIZE)
    if tail[20:28] != TRAILER_MAGIC:
        return "Missing RRD footer / no RRD manifests"
    offset, length, checksum, _, count = struct.unpack("<QQI8sI", tail)
    payload_at = size - TRAILER_SIZE - length  # offsets count from the start of their stream
    if payload_at < 0 or offset > payload_at:
        return f"RRD footer points outside the file (offset {offset}, length {length})"
    if count == 0:
        return "RRD footer has no manifests"
    if xxhash.xxh32_intdigest(read_at(payload_at, length), seed=FOOTER_XXH32_SEED) != checksum:
        return "RRD footer checksum mismatch"
    if payload_at != offset:
        return "more than one .rrd stream (concatenated files): `rerun rrd merge` them into one"
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


def check_datatypes(chunk: Chunk, known: dict[str, pa.DataType]) -> list[str]:
    """Columns whose Arrow type does not match their declared Rerun component type."""
    problems = []
    for desc, arr in chunk.components.items():
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
    from rerun_core.store.rrd import RrdError, read_messages

    problems: list[str] = []
    known = _component_types()
    data: bytes | None = None
    try:
        check_source(source)
        if source == "-":
            data = sys.stdin.buffer.read()
        num_messages = 0
        for msg in read_messages(data if data is not None else source):
            num_messages += 1
            if isinstance(msg, ArrowMsg):
                try:
                    msg.chunk.validate()
                except ChunkError as err:
                    problems.append(f"chunk {msg.chunk.id}: {err}")
                problems += check_datatypes(msg.chunk, known)
        if num_messages == 0:
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
