"""A fragmented MP4 holding one VP8 track, for the in-process (PyAV) re-encode.

FFmpeg's MP4 muxer writes VP8 (a ``vp08`` sample entry with a ``vpcC`` record) only under
``-strict experimental``; PyAV refuses to add such a stream (it asks the muxer at normal
strictness), so the encoded packets are laid out here the way ``-movflags
frag_keyframe+empty_moov+default_base_moof`` lays them out: an empty ``moov``, then one
``moof`` + ``mdat`` fragment per keyframe, base offsets relative to each ``moof``, every sample's
decode time from its fragment's ``tfdt`` plus the durations before it.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Sequence
from dataclasses import dataclass

MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
KEY_FLAGS = 0x02000000  # depends on no other sample
DELTA_FLAGS = 0x01010000  # depends on others, not a sync sample


@dataclass(frozen=True)
class Packet:
    """One encoded frame: its decode time (track timescale units), keyframe flag and bytes."""

    dts: int
    is_keyframe: bool
    data: bytes


def box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags), *parts)


def track_timescale(time_base_den: int) -> int:
    """FFmpeg's choice for a video track: the stream time base's denominator, doubled below 10000."""
    scale = max(time_base_den, 1)
    while scale < 10000:
        scale *= 2
    return scale


def _vp08_entry(width: int, height: int) -> bytes:
    visual = struct.pack(
        ">6xH2x2x12xHHIIIH32sHh", 1, width, height, 0x00480000, 0x00480000, 0, 1, b"", 0x18, -1
    )
    # vpcC v1: profile 0, level 1.0, 8 bits, 4:2:0 co-sited with luma, limited range, unspecified
    # colour primaries / transfer / matrix, no initialisation data
    vpcc = full_box(b"vpcC", 1, 0, struct.pack(">BBBBBBH", 0, 10, 0x82, 2, 2, 2, 0))
    return box(b"vp08", visual, vpcc)


def _moov(width: int, height: int, timescale: int) -> bytes:
    mvhd = full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">IIIIIH10x", 0, 0, 1000, 0, 0x10000, 0x100),
        MATRIX,
        bytes(24),
        b"\0\0\0\2",
    )
    tkhd_fields = struct.pack(">III4xI8xHHH2x", 0, 0, 1, 0, 0, 0, 0)  # times, track 1, no duration
    tkhd = full_box(b"tkhd", 0, 3, tkhd_fields, MATRIX, struct.pack(">II", width << 16, height << 16))
    mdhd = full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, 0, 0x55C4, 0))
    hdlr = full_box(b"hdlr", 0, 0, struct.pack(">I4s12x", 0, b"vide"), b"VideoHandler\0")
    dinf = box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1), full_box(b"url ", 0, 1)))
    stbl = box(
        b"stbl",
        full_box(b"stsd", 0, 0, struct.pack(">I", 1), _vp08_entry(width, height)),
        full_box(b"stts", 0, 0, b"\0\0\0\0"),
        full_box(b"stsc", 0, 0, b"\0\0\0\0"),
        full_box(b"stsz", 0, 0, bytes(8)),
        full_box(b"stco", 0, 0, b"\0\0\0\0"),
    )
    minf = box(b"minf", full_box(b"vmhd", 0, 1, bytes(8)), dinf, stbl)
    trak = box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf))
    mvex = box(b"mvex", full_box(b"trex", 0, 0, struct.pack(">IIIII", 1, 1, 0, 0, 0)))
    return box(b"moov", mvhd, trak, mvex)


def _fragment(seq: int, samples: Sequence[tuple[Packet, int]]) -> bytes:
    """``moof`` + ``mdat`` for (packet, duration) pairs."""
    mfhd = full_box(b"mfhd", 0, 0, struct.pack(">I", seq))
    tfhd = full_box(b"tfhd", 0, 0x020000, struct.pack(">I", 1))  # default-base-is-moof
    tfdt = full_box(b"tfdt", 1, 0, struct.pack(">Q", samples[0][0].dts))
    rows = b"".join(
        struct.pack(">III", duration, len(p.data), KEY_FLAGS if p.is_keyframe else DELTA_FLAGS)
        for p, duration in samples
    )
    # trun: data offset, per-sample duration, size, flags
    trun_size = 8 + 4 + 4 + 4 + len(rows)
    moof_size = 8 + len(mfhd) + 8 + len(tfhd) + len(tfdt) + trun_size
    trun = full_box(b"trun", 0, 0x000701, struct.pack(">Ii", len(samples), moof_size + 8), rows)
    moof = box(b"moof", mfhd, box(b"traf", tfhd, tfdt, trun))
    return moof + box(b"mdat", *(p.data for p, _ in samples))


def write_vp8(packets: Sequence[Packet], width: int, height: int, timescale: int) -> bytes:
    """The fragmented MP4 of these VP8 packets (decode order, first one a keyframe)."""
    out = [box(b"ftyp", b"iso5", struct.pack(">I", 0x200), b"iso5iso6mp41"), _moov(width, height, timescale)]
    durations = [b.dts - a.dts for a, b in itertools.pairwise(packets)]
    durations.append(durations[-1] if durations else 1)
    group: list[tuple[Packet, int]] = []
    for packet, duration in zip(packets, durations, strict=True):
        if packet.is_keyframe and group:
            out.append(_fragment(len(out) - 1, group))
            group = []
        group.append((packet, duration))
    if group:
        out.append(_fragment(len(out) - 1, group))
    return b"".join(out)
