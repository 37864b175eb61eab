"""MP4 re-encoding as the real 0.41 readers do it: B-frame sources, ``Mp4TranscodeOptions``,
LeRobot episodes that start mid-GoP.

0.41 re-encodes by running an ``ffmpeg`` executable; there is none here, so the real readers get
``ffmpeg_shim`` on their ``PATH`` (PyAV carrying out the command line they pass), while ours runs
with no ``ffmpeg`` at all (its in-process PyAV path). The real ``rrd compare`` judges the output:
which sources get re-encoded, with which command line, and how the result becomes chunks
(timestamps, GoP chunks, keyframes, the stored samples after a re-encoded head).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from ffmpeg_shim import install
from lerobot_samples import EPISODES, VIDEO_FEATURE, write_v2, write_v3
from reader_interop import PRELUDE, run_ours
from video_samples import encode_mp4, x264_options

from rerun.experimental import Mp4Reader, Mp4TranscodeOptions
from rerun_core.formats.mp4 import demux
from rerun_core.formats.mp4_transcode import VP8, ffmpeg_args, reencode
from tests.conftest import Oracle

av = pytest.importorskip("av")


def write_h264(path: Path, frames: int, gop: int, b_frames: int = 0) -> Path:
    """Frames that change a lot from one to the next (64x48, 30 fps)."""

    def pixels(i: int) -> np.ndarray:
        out = np.zeros((48, 64, 3), np.uint8)
        out[:, :, 0] = i * 8
        out[i % 48, :, 1] = 255
        return out

    return encode_mp4(path, map(pixels, range(frames)), rate=30, options=x264_options(gop, b_frames))


def _no_ffmpeg_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if not (Path(p) / "ffmpeg").exists()
    )
    return env


def compare_with_shimmed_oracle(
    oracle: Oracle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream_expr: str
) -> None:
    """``stream_expr`` written by the real SDK (ffmpeg = the shim) and by ours (no ffmpeg)."""
    code = PRELUDE + f"({stream_expr}).write_rrd(out, application_id='app', recording_id='rec')\n"
    theirs, ours = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    no_ffmpeg = _no_ffmpeg_env()["PATH"]
    monkeypatch.setenv("PATH", f"{install(tmp_path / 'shim').parent}{os.pathsep}{no_ffmpeg}")
    oracle.run_script(code, str(theirs), timeout=300)
    monkeypatch.setenv("PATH", no_ffmpeg)
    run_ours(code, str(ours))
    proc = oracle.cli("rrd", "compare", "--unordered", str(theirs), str(ours), check=False)
    assert proc.returncode == 0, f"{stream_expr}:\n{proc.stderr[-4000:]}"


MP4_CASES = [
    ("b_frames", ""),
    ("b_frames", "chunk_by_gop=False"),
    ("plain", "transcode=Mp4TranscodeOptions(gop_size=5)"),
    ("b_frames", "transcode=Mp4TranscodeOptions(gop_size=4)"),
    ("plain", "transcode=Mp4TranscodeOptions(output_codec=rr.components.VideoCodec.H264)"),  # no re-encode
    ("b_frames", "mode='asset'"),
    ("b_frames", "transcode=Mp4TranscodeOptions(output_codec=rr.components.VideoCodec.H265)"),
    ("plain", "transcode=Mp4TranscodeOptions(output_codec=rr.components.VideoCodec.VP9, gop_size=4)"),
    ("plain", "transcode=Mp4TranscodeOptions(output_codec=rr.components.VideoCodec.AV1)"),
    ("plain", "transcode=Mp4TranscodeOptions(output_codec=rr.components.VideoCodec.VP8)"),
    ("b_frames", "transcode=Mp4TranscodeOptions(output_codec=rr.components.VideoCodec.VP8, gop_size=4)"),
    ("vp8", ""),  # a VP8 source (as the VP8 re-encode lays it out), read as stored
    ("vp8", "transcode=Mp4TranscodeOptions(gop_size=3)"),  # VP8 -> VP8
    # no hardware encoder (the stand-in lists none; PyAV's NVENC does not open here): software
    ("b_frames", "transcode=Mp4TranscodeOptions(try_gpu=True)"),
]


def write_source(path: Path, source: str) -> Path:
    """``plain`` / ``b_frames``: H.264 without / with B-frames; ``vp8``: VP8 (from ``plain``)."""
    video = write_h264(path, frames=24, gop=10, b_frames=2 if source == "b_frames" else 0)
    if source == "vp8":
        path.write_bytes(reencode(video, VP8))
    return path


@pytest.mark.interop
@pytest.mark.parametrize(("source", "options"), MP4_CASES)
def test_mp4_reader_reencodes_like_real_reader(
    oracle: Oracle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, options: str
) -> None:
    video = write_source(tmp_path / "in.mp4", source)
    expr = f"Mp4Reader({str(video)!r}, entity_path='/cam', {options}).stream()"
    compare_with_shimmed_oracle(oracle, tmp_path, monkeypatch, expr)


def _with_video_feature(root: Path, video_dir: str) -> Path:
    """Declare the ``observation.image`` video feature; the (new) folder its files go in."""
    info = json.loads((root / "meta" / "info.json").read_text())
    info["features"]["observation.image"] = VIDEO_FEATURE
    (root / "meta" / "info.json").write_text(json.dumps(info, indent=2))
    (root / video_dir).mkdir(parents=True)
    return root / video_dir


def _mid_gop_dataset(root: Path, b_frames: int = 0, vp8: bool = False) -> Path:
    """A LeRobot v3 dataset whose shared video has a keyframe every 2 frames, so the second
    episode (frames 3..6) starts mid-GoP (with ``b_frames``: every 4 frames, B-frames between;
    ``vp8``: the video re-encoded to VP8, keyframes kept every 2 frames)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    d = _with_video_feature(write_v3(root), "videos/observation.image/chunk-000")
    video = write_h264(d / "file-000.mp4", frames=7, gop=4 if b_frames else 2, b_frames=b_frames)
    if vp8:
        video.write_bytes(reencode(video, VP8, 2))
    path = root / "meta" / "episodes" / "chunk-000" / "file-000.parquet"
    t = pq.read_table(path)
    key = "videos/observation.image"
    for name, values in (
        ("chunk_index", pa.array([0, 0], pa.int64())),
        ("file_index", pa.array([0, 0], pa.int64())),
        ("from_timestamp", pa.array([0.0, 0.1])),
        ("to_timestamp", pa.array([0.1, 7 / 30])),
    ):
        t = t.append_column(f"{key}/{name}", values)
    pq.write_table(t, path)
    return root


def _b_frame_v2_dataset(root: Path) -> Path:
    """A LeRobot v2 dataset whose per-episode videos have B-frames."""

    d = _with_video_feature(write_v2(root), "videos/chunk-000/observation.image")
    for e, n in EPISODES:
        write_h264(d / f"episode_{e:06d}.mp4", frames=n + 6, gop=4, b_frames=2)
    return root


DATASETS = {
    "v3_mid_gop": _mid_gop_dataset,
    "v3_b_frames": lambda root: _mid_gop_dataset(root, b_frames=2),
    "v3_vp8_mid_gop": lambda root: _mid_gop_dataset(root, vp8=True),
    "v2_b_frames": _b_frame_v2_dataset,
}


@pytest.mark.interop
@pytest.mark.parametrize(
    ("dataset", "episode"),
    [
        *(("v3_mid_gop", 0), ("v3_mid_gop", 1), ("v3_b_frames", 0), ("v3_b_frames", 1), ("v2_b_frames", 1)),
        ("v3_vp8_mid_gop", 1),  # the head re-encoded to VP8
    ],
)
def test_lerobot_video_like_real_reader(
    oracle: Oracle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dataset: str, episode: int
) -> None:
    ds = DATASETS[dataset](tmp_path / "ds")
    compare_with_shimmed_oracle(
        oracle, tmp_path, monkeypatch, f"LeRobotReader({str(ds)!r}).stream({episode})"
    )


def test_b_frame_source_comes_out_without_b_frames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _no_ffmpeg_env()["PATH"])
    src = write_h264(tmp_path / "in.mp4", frames=24, gop=10, b_frames=2)
    assert demux(src, allow_b_frames=True).has_b_frames
    chunks = Mp4Reader(src, entity_path="/cam", chunk_by_gop=False).stream().to_chunks()
    times = [c.to_record_batch().column("video").cast("int64")[0].as_py() for c in chunks[1:-1]]
    assert len(times) == 24
    assert times == sorted(times)  # decode order is presentation order now


def test_gop_size_forces_keyframes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _no_ffmpeg_env()["PATH"])
    src = write_h264(tmp_path / "in.mp4", frames=20, gop=20)
    chunks = (
        Mp4Reader(src, entity_path="/cam", transcode=Mp4TranscodeOptions(gop_size=5)).stream().to_chunks()
    )
    keyframes = set(chunks[-1].to_record_batch().column("video").cast("int64").to_pylist())
    assert {round(n / 30 * 1e9) for n in (0, 5, 10, 15)} <= keyframes  # forced; the encoder may add more


def test_ffmpeg_command_line_is_the_real_readers() -> None:
    assert ffmpeg_args(Path("/v/in.mp4"), 0x61766331, None, 0.3, 0.4) == [
        *("-loglevel", "level+info", "-ss", "0.3", "-to", "0.4", "-i", "/v/in.mp4"),
        *("-c:v", "libx264", "-crf", "18", "-bf", "0", "-fps_mode", "passthrough", "-an"),
        *("-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", "pipe:1", "-n"),
    ]
    assert ffmpeg_args(Path("in.mp4"), 0x76703039, 4)[4:14] == [
        *("-c:v", "libvpx-vp9", "-crf", "31", "-b:v", "0", "-g", "4"),
        *("-force_key_frames", "expr:gte(n,n_forced*4)"),
    ]


def test_an_ffmpeg_executable_is_used_when_given(tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    exe = tmp_path / "bin" / "ffmpeg"
    exe.parent.mkdir()
    shim = install(tmp_path / "shim")
    exe.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {shim} "$@"\n')
    exe.chmod(0o755)
    src = write_h264(tmp_path / "in.mp4", frames=12, gop=12)
    opts = Mp4TranscodeOptions(gop_size=3, ffmpeg_override=exe)
    chunks = Mp4Reader(src, entity_path="/cam", transcode=opts).stream().to_chunks()
    calls = [line.split() for line in log.read_text().splitlines()]
    assert calls[:2] == [["-version"], ["-loglevel", "level+info", "-hide_banner", "-encoders"]]
    assert calls[2:] == [ffmpeg_args(src.absolute(), 0x61766331, 3)]
    keyframes = set(chunks[-1].to_record_batch().column("video").cast("int64").to_pylist())
    assert {round(n / 30 * 1e9) for n in (0, 3, 6, 9)} <= keyframes
