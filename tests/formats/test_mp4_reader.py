"""``rerun.experimental.Mp4Reader`` and ``log_file_from_path(*.mp4)`` against the real 0.41 ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from reader_interop import compare_streams
from video_samples import encode_mp4, x264_options

from rerun.experimental import Mp4Reader, Mp4TranscodeOptions

av = pytest.importorskip("av")


def write_mp4(path: Path, frames: int = 10, gop: int = 4) -> Path:
    """A small H.264 video without B-frames, a keyframe every ``gop`` frames."""
    pixels = (np.full((24, 32, 3), i * 20, np.uint8) for i in range(frames))
    return encode_mp4(path, pixels, rate=10, options=x264_options(gop))


CASES = [
    "",
    "chunk_by_gop=False, timeline_name='t', timeline_type='timestamp_ns', entity_path='/cam'",
    "mode='asset'",
    "mode='asset', timeline_type='timestamp', entity_path='world/video'",
]


@pytest.mark.interop
@pytest.mark.parametrize("options", CASES)
def test_stream_matches_real_reader(oracle, tmp_path: Path, options: str) -> None:
    path = write_mp4(tmp_path / "clip.mp4")
    compare_streams(oracle, tmp_path, f"Mp4Reader({str(path)!r}, {options}).stream()")


def test_stream_layout(tmp_path: Path) -> None:
    r = Mp4Reader(write_mp4(tmp_path / "clip.mp4"))
    assert r.entity_path == str(tmp_path / "clip.mp4")
    chunks = list(r.stream())
    assert chunks[0].is_static
    assert [c.num_rows for c in chunks[1:]] == [4, 4, 2, 3]  # three GOPs, then the keyframe rows
    sample = chunks[1].to_record_batch().column("VideoStream:sample").to_pylist()[0][0]
    assert bytes(sample[:5]) == b"\x00\x00\x00\x01\x67"  # Annex B, SPS first on a keyframe


def test_option_errors(tmp_path: Path) -> None:
    path = write_mp4(tmp_path / "clip.mp4")
    with pytest.raises(ValueError, match="transcode"):
        Mp4Reader(path, mode="asset", transcode=Mp4TranscodeOptions())  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="chunk_by_gop"):
        Mp4Reader(path, mode="asset", chunk_by_gop=False)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        Mp4TranscodeOptions(output_codec="h264")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        Mp4Reader(tmp_path / "nope.mp4")
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"garbage")
    with pytest.raises(ValueError, match="not a readable MP4"):
        list(Mp4Reader(bad).stream())


@pytest.mark.interop
def test_log_file_from_path_matches_real_importer(oracle, tmp_path: Path) -> None:
    from reader_interop import run_ours

    path = write_mp4(tmp_path / "clip.mp4")
    code = f"""
import sys, rerun as rr
rr.init("app", recording_id="rec")
rr.save(sys.argv[1])
rr.log_file_from_path({str(path)!r}, entity_path_prefix="videos")
"""
    theirs, ours = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    oracle.run_script(code, str(theirs))
    run_ours(code, str(ours))
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
    assert proc.returncode == 0, proc.stderr
