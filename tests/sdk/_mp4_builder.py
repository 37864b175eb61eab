"""Builds tiny (undecodable but well-formed) H.264 MP4 files with chosen sample timing."""

from __future__ import annotations

import struct


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full_box(kind: bytes, version: int, flags: int, payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags) + payload)


def _sps() -> bytes:
    """A valid baseline SPS for a 64x64 stream (exp-Golomb coded by hand)."""
    bits: list[int] = []

    def u(n: int, v: int) -> None:
        bits.extend(int(b) for b in format(v, f"0{n}b"))

    def ue(v: int) -> None:
        x = v + 1
        bits.extend([0] * (x.bit_length() - 1))
        u(x.bit_length(), x)

    for n, v in ((8, 66), (8, 0xC0), (8, 10)):  # profile (baseline), constraints, level
        u(n, v)
    for v in (0, 0, 0, 0, 1):  # sps id, log2 frame num, poc type, log2 poc lsb, ref frames
        ue(v)
    u(1, 0)  # gaps in frame num
    ue(3)  # width in macroblocks - 1
    ue(3)  # height in map units - 1
    for bit in (1, 1, 0, 0, 1):  # frame_mbs_only, direct_8x8, cropping, vui, rbsp stop bit
        u(1, bit)
    while len(bits) % 8:
        bits.append(0)
    return b"\x67" + bytes(int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8))


def _stbl(deltas: list[int], offsets: list[int], ctts_version: int, sample: bytes, mdat_offset: int) -> bytes:
    n = len(deltas)
    sps, pps = _sps(), bytes.fromhex("68ce3c80")
    avcc = bytes([1, 0x42, 0xC0, 0x0A, 0xFF, 0xE1]) + struct.pack(">H", len(sps)) + sps
    avcc += bytes([1]) + struct.pack(">H", len(pps)) + pps
    avc1 = bytes(6) + struct.pack(">H", 1) + bytes(16) + struct.pack(">HHII", 64, 64, 0x480000, 0x480000)
    avc1 += bytes(4) + struct.pack(">H", 1) + bytes(32) + struct.pack(">Hh", 0x18, -1) + box(b"avcC", avcc)
    entry = ">Ii" if ctts_version else ">II"
    return box(
        b"stbl",
        full_box(b"stsd", 0, 0, struct.pack(">I", 1) + box(b"avc1", avc1))
        + full_box(b"stts", 0, 0, struct.pack(">I", n) + b"".join(struct.pack(">II", 1, d) for d in deltas))
        + full_box(
            b"ctts",
            ctts_version,
            0,
            struct.pack(">I", n) + b"".join(struct.pack(entry, 1, o) for o in offsets),
        )
        + full_box(b"stss", 0, 0, struct.pack(">II", 1, 1))
        + full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, n, 1))
        + full_box(b"stsz", 0, 0, struct.pack(">II", len(sample), n))
        + full_box(b"stco", 0, 0, struct.pack(">II", 1, mdat_offset)),
    )


def _moov(
    deltas: list[int], offsets: list[int], timescale: int, ctts_version: int, sample: bytes, at: int
) -> bytes:
    dur = sum(deltas)
    matrix = struct.pack(">9i", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    dinf = box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1) + full_box(b"url ", 0, 1, b"")))
    minf = box(
        b"minf", full_box(b"vmhd", 0, 1, bytes(8)) + dinf + _stbl(deltas, offsets, ctts_version, sample, at)
    )
    mdhd = full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, dur, 0x55C4, 0))
    hdlr = full_box(b"hdlr", 0, 0, bytes(4) + b"vide" + bytes(12) + b"video\0")
    tkhd = full_box(
        b"tkhd",
        0,
        3,
        struct.pack(">IIIII", 0, 0, 1, 0, dur)
        + bytes(8)
        + bytes(8)
        + matrix
        + struct.pack(">II", 64 << 16, 64 << 16),
    )
    mvhd = full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">IIIIIH", 0, 0, timescale, dur, 0x10000, 0x100)
        + bytes(10)
        + matrix
        + bytes(24)
        + struct.pack(">I", 2),
    )
    return box(b"moov", mvhd + box(b"trak", tkhd + box(b"mdia", mdhd + hdlr + minf)))


def make_mp4(
    deltas: list[int], offsets: list[int], *, timescale: int = 90000, ctts_version: int = 0
) -> bytes:
    """An MP4 with one video track whose samples have these stts deltas and ctts offsets."""
    sample = bytes([0, 0, 0, 2, 0x65, 0x88])
    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    size = len(_moov(deltas, offsets, timescale, ctts_version, sample, 0))
    moov = _moov(deltas, offsets, timescale, ctts_version, sample, len(ftyp) + size + 8)
    return ftyp + moov + box(b"mdat", sample * len(deltas))
