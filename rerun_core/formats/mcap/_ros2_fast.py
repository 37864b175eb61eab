"""sensor_msgs/Image and PointCloud2 straight from little-endian CDR, for the large messages.

The generic decoder of ``mcap-ros2-support`` copies the pixel/point bytes element-wise into a
fresh ``bytes``; these read the few scalar fields with ``struct`` and take the payload as one
slice. They return objects with the generic decoder's attribute names, or None for anything
unexpected (big-endian CDR, short or odd input), and the caller falls back to the generic one.
"""

from __future__ import annotations

import struct
from types import SimpleNamespace

_U32 = struct.Struct("<I")
_STAMP = struct.Struct("<iI")
_FIELD_TAIL = struct.Struct("<IBxxxI")  # offset, datatype, (pad), count


def _align(pos: int, n: int) -> int:
    return 4 + ((pos - 4 + n - 1) & ~(n - 1))  # alignment counts from the CDR body (after 4 bytes)


def _string(data: bytes, pos: int) -> tuple[str, int]:
    pos = _align(pos, 4)
    (n,) = _U32.unpack_from(data, pos)
    end = pos + 4 + n
    if n == 0 or end > len(data) or data[end - 1] != 0:
        raise ValueError("bad string")
    return data[pos + 4 : end - 1].decode("utf-8"), end


def _u32(data: bytes, pos: int) -> tuple[int, int]:
    pos = _align(pos, 4)
    return _U32.unpack_from(data, pos)[0], pos + 4


def _header(data: bytes) -> tuple[SimpleNamespace, int]:
    sec, nsec = _STAMP.unpack_from(data, 4)
    frame, pos = _string(data, 12)
    return SimpleNamespace(stamp=SimpleNamespace(sec=sec, nanosec=nsec), frame_id=frame), pos


def _blob(data: bytes, pos: int) -> tuple[memoryview, int]:
    """A view, not a copy: the pixels or points are copied once, into the chunk's Arrow buffer."""
    n, pos = _u32(data, pos)
    if pos + n > len(data):
        raise ValueError("sequence cut short")
    return memoryview(data)[pos : pos + n], pos + n


def fast_image(data: bytes) -> SimpleNamespace | None:
    if len(data) < 16 or data[1] != 1:  # encapsulation: CDR_LE / PL_CDR_LE
        return None
    try:
        header, pos = _header(data)
        height, pos = _u32(data, pos)
        width, pos = _u32(data, pos)
        encoding, pos = _string(data, pos)
        if pos >= len(data):
            return None
        big = data[pos]
        step, pos = _u32(data, pos + 1)
        pixels, pos = _blob(data, pos)
    except (struct.error, ValueError, UnicodeDecodeError):
        return None
    if len(data) - pos > 3:  # only CDR padding may follow
        return None
    return SimpleNamespace(
        header=header, height=height, width=width, encoding=encoding, is_bigendian=big, step=step, data=pixels
    )


def fast_pointcloud(data: bytes) -> SimpleNamespace | None:
    if len(data) < 16 or data[1] != 1:
        return None
    try:
        header, pos = _header(data)
        height, pos = _u32(data, pos)
        width, pos = _u32(data, pos)
        count, pos = _u32(data, pos)
        fields = []
        for _ in range(count):
            name, pos = _string(data, pos)
            pos = _align(pos, 4)
            offset, datatype, n = _FIELD_TAIL.unpack_from(data, pos)
            pos += _FIELD_TAIL.size
            fields.append(SimpleNamespace(name=name, offset=offset, datatype=datatype, count=n))
        if pos >= len(data):
            return None
        big = bool(data[pos])
        point_step, pos = _u32(data, pos + 1)
        row_step, pos = _u32(data, pos)
        points, pos = _blob(data, pos)
        if pos >= len(data):
            return None
        dense = bool(data[pos])
        pos += 1
    except (struct.error, ValueError, UnicodeDecodeError):
        return None
    if len(data) - pos > 3:
        return None
    return SimpleNamespace(
        header=header,
        height=height,
        width=width,
        fields=fields,
        is_bigendian=big,
        point_step=point_step,
        row_step=row_step,
        data=points,
        is_dense=dense,
    )


def _doubles(data: bytes, pos: int) -> tuple[tuple[float, ...], int]:
    n, pos = _u32(data, pos)
    if n == 0:
        return (), pos
    pos = _align(pos, 8)
    return struct.unpack_from(f"<{n}d", data, pos), pos + 8 * n


def fast_joint_state(data: bytes) -> SimpleNamespace | None:
    if len(data) < 16 or data[1] != 1:
        return None
    try:
        header, pos = _header(data)
        count, pos = _u32(data, pos)
        names = []
        for _ in range(count):
            name, pos = _string(data, pos)
            names.append(name)
        position, pos = _doubles(data, pos)
        velocity, pos = _doubles(data, pos)
        effort, pos = _doubles(data, pos)
    except (struct.error, ValueError, UnicodeDecodeError):
        return None
    if len(data) - pos > 3:
        return None
    return SimpleNamespace(header=header, name=names, position=position, velocity=velocity, effort=effort)


def cdr_string(data: bytes) -> str | None:
    """std_msgs/String's text from little-endian CDR, None if it is not that."""
    if len(data) < 9 or data[1] != 1:
        return None
    try:
        text, _end = _string(data, 4)
    except (struct.error, ValueError, UnicodeDecodeError):
        return None
    return text
