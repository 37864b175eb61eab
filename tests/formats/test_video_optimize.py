"""``collect(optimize=...)`` re-cuts video streams at keyframes (GoP rebatching) as 0.41 does.

The interop cases run the same script under both SDKs and let the real ``rrd compare`` judge
the written stores (chunking included: ``--unordered`` matches chunk by chunk).
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from reader_interop import compare_streams
from video_samples import encode_mp4, x264_options

from rerun.chunk import LazyChunkStream, OptimizationProfile
from rerun.experimental import Mp4Reader
from tests.conftest import Oracle, ours_env

av = pytest.importorskip("av")

GOP = 6


def write_noise_mp4(path: Path, frames: int = 40, gop: int = GOP) -> Path:
    """H.264 without B-frames, a keyframe every ``gop`` frames; noise makes samples ~10 KB."""
    rng = np.random.default_rng(7)
    pixels = (rng.integers(0, 256, (96, 128, 3), dtype=np.uint8) for _ in range(frames))
    return encode_mp4(path, pixels, rate=30, options=x264_options(gop, crf="10"))


PROFILES = [
    "rr.chunk.OptimizationProfile.LIVE",
    "rr.chunk.OptimizationProfile.OBJECT_STORE",
    "rr.chunk.OptimizationProfile(max_bytes=150_000)",  # two GoPs per chunk
    "rr.chunk.OptimizationProfile(max_bytes=60_000)",  # a GoP (~66 kB) per chunk
    "rr.chunk.OptimizationProfile(max_rows=8)",  # rows do not bound GoP chunks
]


@pytest.mark.interop
@pytest.mark.parametrize("by_gop", [False, True])
@pytest.mark.parametrize("profile", PROFILES)
def test_reader_stream_rebatched_like_real_sdk(
    oracle: Oracle, tmp_path: Path, profile: str, by_gop: bool
) -> None:
    video = write_noise_mp4(tmp_path / "noise.mp4")
    expr = (
        f"Mp4Reader({str(video)!r}, entity_path='/cam', chunk_by_gop={by_gop}).stream()"
        f".collect(optimize={profile}).stream()"
    )
    compare_streams(oracle, tmp_path, expr)


# The real SDK logs the samples one row at a time (plus, per case, scalars on the same entity,
# a temporal codec, a second timeline, or wrong keyframe labels).
GEN_LOGGED = """
import pickle, sys, rerun as rr
samples = pickle.load(open(sys.argv[2], "rb"))
case = sys.argv[3]
rec = rr.RecordingStream("rerun_example_gop", recording_id="gop")
rec.save(sys.argv[1])
if case != "temporal_codec":
    rec.log("cam", rr.VideoStream(codec=rr.VideoCodec.H264), static=True)
for i, (pts, data) in enumerate(samples):
    rec.set_time("video", duration=pts * 1e-9)
    if case == "two_timelines":
        rec.set_time("frame", sequence=i)
    if case == "temporal_codec" and i == 0:
        rec.log("cam", rr.VideoStream(codec=rr.VideoCodec.H264))
    if case == "wrong_labels":
        rec.log("cam", rr.VideoStream.from_fields(sample=data, is_keyframe=i % 4 == 0))
    else:
        rec.log("cam", rr.VideoStream.from_fields(sample=data))
    if case == "scalars":
        rec.log("cam", rr.Scalars(float(i)))
rec.flush()
rec.disconnect()
"""

COLLECT = """
import sys, rerun as rr
from rerun.chunk import OptimizationProfile, RrdReader
store = RrdReader(sys.argv[1]).stream().collect(optimize=eval(sys.argv[3]))
store.stream().write_rrd(sys.argv[2], application_id="rerun_example_gop", recording_id="gop")
"""

LOGGED_CASES = [
    ("plain", "OptimizationProfile.LIVE"),
    ("plain", "OptimizationProfile.OBJECT_STORE"),
    ("scalars", "OptimizationProfile(max_bytes=150_000)"),
    ("temporal_codec", "OptimizationProfile.LIVE"),
    ("two_timelines", "OptimizationProfile(max_rows=8)"),
    ("wrong_labels", "OptimizationProfile(fix_keyframe=True)"),
]


def _samples_file(tmp_path: Path) -> Path:
    from rerun_core.formats.mp4 import demux

    video = demux(write_noise_mp4(tmp_path / "noise.mp4"))
    out = tmp_path / "samples.pkl"
    out.write_bytes(pickle.dumps([(s.pts_ns, s.data) for s in video.samples]))
    return out


@pytest.mark.interop
@pytest.mark.parametrize(("case", "profile"), LOGGED_CASES)
def test_logged_stream_rebatched_like_real_sdk(
    oracle: Oracle, tmp_path: Path, case: str, profile: str
) -> None:
    source = tmp_path / "in.rrd"
    oracle.run_script(GEN_LOGGED, str(source), str(_samples_file(tmp_path)), case)
    script = tmp_path / "collect.py"
    script.write_text(COLLECT)
    ours, theirs = tmp_path / "ours.rrd", tmp_path / "theirs.rrd"
    for python, env, out in (
        ([sys.executable], ours_env(), ours),
        ([str(Oracle.python), "-P"], oracle.env(), theirs),
    ):
        proc = subprocess.run(
            [*python, str(script), str(source), str(out), profile],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
    proc = oracle.cli("rrd", "compare", "--unordered", str(ours), str(theirs), check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]


def _video_chunks(store_chunks: list, component: str) -> list:
    return [
        c for c in store_chunks if c.entity_path == "/cam" and component in c.to_record_batch().schema.names
    ]


def test_sample_chunks_start_at_keyframes_and_keep_gops_whole(tmp_path: Path) -> None:
    video = write_noise_mp4(tmp_path / "noise.mp4", frames=40)
    stream = Mp4Reader(video, entity_path="/cam", chunk_by_gop=False).stream()
    chunks = stream.collect(optimize=OptimizationProfile(max_bytes=150_000)).stream().to_chunks()
    samples = _video_chunks(chunks, "VideoStream:sample")
    times = [c.to_record_batch().column("video").cast("int64").to_pylist() for c in samples]
    pts = sorted(t for ts in times for t in ts)
    keyframe_times = pts[::GOP]
    assert all(ts[0] in keyframe_times for ts in times)  # every chunk starts at a keyframe
    assert sum(len(ts) for ts in times) == 40
    assert len(samples) < 40 / GOP  # whole GoPs packed together under 150 kB
    keys = _video_chunks(chunks, "VideoStream:is_keyframe")
    assert len(keys) == 1
    assert keys[0].to_record_batch().column("video").cast("int64").to_pylist() == keyframe_times


def _chunk_starts(chunks: list) -> list[int]:
    return sorted(c.to_record_batch().column("video").cast("int64")[0].as_py() for c in chunks)


def test_gop_batching_off_leaves_samples_to_compaction(tmp_path: Path) -> None:
    video = write_noise_mp4(tmp_path / "noise.mp4", frames=20)
    stream = Mp4Reader(video, entity_path="/cam", chunk_by_gop=False).stream()
    pts = sorted(
        c.to_record_batch().column("video").cast("int64")[0].as_py() for c in stream.to_chunks()[1:-1]
    )
    off = (
        stream.collect(optimize=OptimizationProfile(max_bytes=40_000, gop_batching=False))
        .stream()
        .to_chunks()
    )
    on = stream.collect(optimize=OptimizationProfile(max_bytes=40_000)).stream().to_chunks()
    # byte splits (~3 samples) cut GoPs (6 samples); rebatching gives each GoP its own chunk
    assert not set(_chunk_starts(_video_chunks(off, "VideoStream:sample"))) <= set(pts[::GOP])
    assert _chunk_starts(_video_chunks(on, "VideoStream:sample")) == pts[::GOP]


def test_wrong_keyframe_labels_leave_the_entity_unoptimized(caplog: pytest.LogCaptureFixture) -> None:
    import rerun as rr

    blobs = [
        b"\x00\x00\x00\x01\x65" + bytes([i]) * 50 if i % 3 == 0 else b"\x00\x00\x00\x01\x41" + bytes([i]) * 50
        for i in range(9)
    ]
    source = [
        rr.chunk.Chunk.from_columns(
            "/cam",
            indexes=[rr.TimeColumn("t", sequence=range(9))],
            columns=rr.VideoStream.columns(sample=blobs, is_keyframe=[True] * 9),
        ),
        rr.chunk.Chunk.from_columns(
            "/cam", indexes=[], columns=rr.VideoStream.columns(codec=[rr.VideoCodec.H264])
        ),
    ]
    stream = LazyChunkStream.from_iter(source)
    with caplog.at_level(logging.WARNING):
        kept = stream.collect(optimize=OptimizationProfile.LIVE).stream().to_chunks()
    assert "is_keyframe" in caplog.text and "fix_keyframe" in caplog.text
    labels = _video_chunks(kept, "VideoStream:is_keyframe")
    assert sum(c.num_rows for c in labels) == 9  # the logged labels stay (in a chunk of their own)
    fixed = stream.collect(optimize=OptimizationProfile(fix_keyframe=True)).stream().to_chunks()
    labels = _video_chunks(fixed, "VideoStream:is_keyframe")
    assert [c.to_record_batch().column("t").to_pylist() for c in labels] == [[0, 3, 6]]


@pytest.mark.interop
@pytest.mark.parametrize(
    ("case", "flags"), [("plain", []), ("plain", ["--profile", "live"]), ("scalars", ["--profile", "live"])]
)
def test_rrd_optimize_rebatches_like_real_cli(
    oracle: Oracle, tmp_path: Path, case: str, flags: list[str]
) -> None:
    source = tmp_path / "in.rrd"
    oracle.run_script(GEN_LOGGED, str(source), str(_samples_file(tmp_path)), case)
    ours, theirs = tmp_path / "ours.rrd", tmp_path / "theirs.rrd"
    oracle.cli("rrd", "optimize", *flags, str(source), "-o", str(theirs))
    proc = subprocess.run(
        [sys.executable, "-m", "rerun", "rrd", "optimize", *flags, str(source), "-o", str(ours)],
        capture_output=True,
        text=True,
        timeout=180,
        env=ours_env(),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = oracle.cli("rrd", "compare", "--unordered", str(ours), str(theirs), check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]


def test_a_stream_not_starting_at_a_keyframe_is_left_as_is(caplog: pytest.LogCaptureFixture) -> None:
    import rerun as rr

    blobs = [b"\x00\x00\x00\x01\x41" + bytes([i]) * 50 for i in range(3)]
    blobs.append(b"\x00\x00\x00\x01\x65" + b"\x07" * 50)
    source = rr.chunk.Chunk.from_columns(
        "/cam",
        indexes=[rr.TimeColumn("t", sequence=range(4))],
        columns=rr.VideoStream.columns(codec=[rr.VideoCodec.H264] * 4, sample=blobs),
    )
    with caplog.at_level(logging.WARNING):
        kept = LazyChunkStream.from_iter([source]).collect(optimize=OptimizationProfile.LIVE).stream()
        chunks = kept.to_chunks()
    assert "not a keyframe" in caplog.text  # 0.41: "first sample is not a keyframe", entity untouched
    samples = _video_chunks(chunks, "VideoStream:sample")
    assert len(samples) == 1 and samples[0].num_rows == 4
    assert any("VideoStream:codec" in name for name in samples[0].to_record_batch().schema.names)
    assert _video_chunks(chunks, "VideoStream:is_keyframe") == []
