"""Frame presentation timestamps of an MP4 video track (for `AssetVideo.read_frame_timestamps_nanos`).

Reads only the sample tables of the first video track (ISO/IEC 14496-12): `mdhd` for the
timescale, `stts` for decode times and `ctts` for composition offsets. PTS = DTS + offset.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

import numpy as np

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box in data[start:end]."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError(f"corrupt MP4: box {kind!r} at offset {pos} has size {size}")
        yield kind, pos + header, pos + size
        pos += size


def _find(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for k, s, e in _boxes(data, start, end):
        if k == kind:
            return s, e
    return None


def _video_tracks(data: bytes) -> Iterator[tuple[int, int]]:
    moov = _find(data, 0, len(data), b"moov")
    if moov is None:
        raise ValueError("not an MP4 file (no moov box)")
    for kind, s, e in _boxes(data, *moov):
        if kind != b"trak":
            continue
        mdia = _find(data, s, e, b"mdia")
        hdlr = mdia and _find(data, *mdia, b"hdlr")
        if mdia and hdlr and data[hdlr[0] + 8 : hdlr[0] + 12] == b"vide":
            yield mdia


def _timescale(data: bytes, mdia: tuple[int, int]) -> int:
    mdhd = _find(data, *mdia, b"mdhd")
    if mdhd is None:
        raise ValueError("MP4 video track has no mdhd box")
    version = data[mdhd[0]]
    offset = mdhd[0] + (20 if version == 1 else 12)
    (scale,) = struct.unpack_from(">I", data, offset)
    return int(scale)


def _table(data: bytes, box: tuple[int, int], signed: bool = False) -> np.ndarray:
    """(count, value) rows of an stts/ctts box."""
    (n,) = struct.unpack_from(">I", data, box[0] + 4)
    raw = np.frombuffer(data, dtype=">u4", count=2 * n, offset=box[0] + 8).reshape(n, 2)
    rows = raw.astype(np.int64)
    if signed:
        rows[:, 1] = raw[:, 1].astype(np.uint32).view(np.int32)
    return rows


def frame_timestamps_nanos(data: bytes) -> np.ndarray:
    """Sorted presentation timestamps (ns after the first frame) of the first video track's frames."""
    mdia = next(_video_tracks(data), None)
    if mdia is None:
        raise ValueError("the MP4 file has no video track")
    scale = _timescale(data, mdia)
    minf = _find(data, *mdia, b"minf")
    stbl = minf and _find(data, *minf, b"stbl")
    stts = stbl and _find(data, *stbl, b"stts")
    if not stbl or not stts:
        raise ValueError("MP4 video track has no sample table (fragmented MP4 is not supported)")
    deltas = np.repeat(*_table(data, stts)[:, ::-1].T)
    dts = (np.cumsum(deltas) - deltas).astype(np.int64)
    ctts = _find(data, *stbl, b"ctts")
    if ctts is not None:
        offsets = _table(data, ctts, signed=data[ctts[0]] == 1)
        expanded = np.repeat(offsets[:, 1], offsets[:, 0])[: len(dts)]
        dts[: len(expanded)] += expanded
    if len(dts) == 0:
        return np.zeros(0, dtype=np.int64)
    pts = np.sort(dts)
    pts -= pts[0]  # timestamps count from the first presented frame
    return np.round(pts.astype(np.float64) / scale * 1e9).astype(np.int64)
