"""Recover the FileDescriptorProtos compiled into the real 0.41 wheel's native module.

The binary embeds ``FileDescriptorSet``s: each file is field 1 of the set, i.e. ``0x0a``, a
varint length, then the serialized ``FileDescriptorProto`` (which itself opens with its name).
We find each ``rerun/v1alpha1/*.proto`` name, read the length in front of it and parse.
"""

from __future__ import annotations

import re
from pathlib import Path

from google.protobuf import descriptor_pb2


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    out = shift = 0
    while shift < 64 and i < len(buf):
        c = buf[i]
        i += 1
        out |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return out, i
    raise ValueError("bad varint")


def _length_before(data: bytes, pos: int) -> int | None:
    for k in range(1, 6):
        if data[pos - k - 1] != 0x0A:
            continue
        try:
            n, end = _varint(data, pos - k)
        except ValueError:
            continue
        if end == pos:
            return n
    return None


def embedded_descriptors(so_path: Path) -> dict[str, descriptor_pb2.FileDescriptorProto]:
    """``{file name: descriptor}`` for every rerun/v1alpha1 file found in the binary."""
    data = so_path.read_bytes()
    found: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    for m in re.finditer(rb"\x0a(.)(rerun/v1alpha1/[a-z0-9_]+\.proto)\x12", data, re.S):
        name = m.group(2).decode()
        if m.group(1)[0] != len(name) or name in found:
            continue
        n = _length_before(data, m.start())
        if n is None:
            continue
        fd = descriptor_pb2.FileDescriptorProto.FromString(data[m.start() : m.start() + n])
        if fd.name == name:
            found[name] = fd
    return found
