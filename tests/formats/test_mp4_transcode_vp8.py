"""Re-encoding to VP8 without an ffmpeg binary: PyAV's libvpx packets laid out as a fragmented MP4
(``mp4_fragmented``), read back by PyAV's demuxer (the real reader's reading of it is compared in
``test_mp4_transcode``)."""

from __future__ import annotations

import io
import struct
from fractions import Fraction
from pathlib import Path

import pytest
from test_mp4_transcode import _no_ffmpeg_env, write_h264

from rerun_core.formats.mp4 import demux
from rerun_core.formats.mp4_fragmented import Packet, track_timescale, write_vp8
from rerun_core.formats.mp4_transcode import VP8, VP9, reencode

av = pytest.importorskip("av")


@pytest.fixture(autouse=True)
def _no_ffmpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _no_ffmpeg_env()["PATH"])


def _mdhd_timescale(mp4: bytes) -> int:
    at = mp4.index(b"mdhd")
    return int(struct.unpack(">I", mp4[at + 16 : at + 20])[0])


def test_laid_out_packets_read_back_as_written() -> None:
    # VP8 frame tags (PyAV's VP8 parser reads them): shown, bit 0 clear on key frames
    packets = [Packet(512 * i, i % 3 == 0, bytes([0x10 | (i % 3 != 0), i]) * (5 + i)) for i in range(8)]
    mp4 = write_vp8(packets, 64, 48, 15360)
    assert mp4.count(b"moof") == 3  # one fragment per keyframe
    with av.open(io.BytesIO(mp4)) as container:
        stream = container.streams.video[0]
        ctx = stream.codec_context
        assert (ctx.name, ctx.width, ctx.height, stream.time_base) == ("vp8", 64, 48, Fraction(1, 15360))
        read = [Packet(p.pts, p.is_keyframe, bytes(p)) for p in container.demux(stream) if p.size]
    assert read == packets


def test_timescale_is_ffmpegs_choice() -> None:
    assert [track_timescale(den) for den in (30, 25, 15360, 90000, 10000)] == [
        15360,
        12800,
        15360,
        90000,
        10000,
    ]


def test_vp8_reencode_matches_vp9_timing(tmp_path: Path) -> None:
    """Same timescale, timestamps and forced keyframes as FFmpeg's own muxer gives VP9."""
    src = write_h264(tmp_path / "in.mp4", frames=15, gop=15, b_frames=2)
    vp8, vp9 = reencode(src, VP8, 5), reencode(src, VP9, 5)
    assert _mdhd_timescale(vp8) == _mdhd_timescale(vp9)
    a, b = demux(src, vp8), demux(src, vp9)
    assert a.codec == VP8
    assert (
        [s.pts_ns for s in a.samples]
        == [s.pts_ns for s in b.samples]
        == [round(i * 1e9 / 30) for i in range(15)]
    )
    assert [i for i, s in enumerate(a.samples) if s.is_keyframe] == [0, 5, 10]
    assert all(s.data[3:6] == b"\x9d\x01\x2a" for s in a.samples if s.is_keyframe)  # VP8 key frame start code


def test_vp8_window_starts_at_zero(tmp_path: Path) -> None:
    """``-ss``/``-to`` as a LeRobot head re-encode asks: frames 3..5, timestamps from 0."""
    src = write_h264(tmp_path / "in.mp4", frames=10, gop=10)
    head = demux(src, reencode(src, VP8, None, (0.1, 0.2))).samples
    assert [s.pts_ns for s in head] == [0, 33333333, 66666667]
    assert head[0].is_keyframe
