"""Video decoding (``rerun_core.viewer.video``): frames by timestamp, keyframe seeks, forward
playback without re-seeking, keyframe detection for every VideoStream codec, live extension."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("av")
rr = pytest.importorskip("rerun")

from rerun_core.viewer import video as vd  # noqa: E402
from tests.viewer.videos import STREAM_CODECS, H, W, close_to, make_mp4, make_stream  # noqa: E402


@pytest.mark.parametrize("b_frames", [0, 2])
def test_asset_frames_by_timestamp_and_forward_playback(b_frames: int) -> None:
    data = make_mp4(b_frames=b_frames)
    asset = vd.AssetVideo(data, "video/mp4")
    ts = rr.AssetVideo(contents=data, media_type="video/mp4").read_frame_timestamps_nanos()
    assert sorted(asset.timestamps_ns) == ts.tolist()  # the SDK's timestamps address our frames
    for i, ns in enumerate(ts.tolist()):
        got = asset.frame_at(ns + 1000)  # between frames: the one presented before
        assert got is not None and got[0] == ns
        assert close_to(got[1][H // 2, W // 2], i), (i, got[1][H // 2, W // 2])
    # playing forward decoded every frame exactly once from one seek
    assert asset.decoder.seeks == 1 and asset.decoder.decoded == len(ts)
    assert asset.frame_at(-1) is None


def test_asset_jump_back_seeks_to_the_keyframe_before() -> None:
    asset = vd.AssetVideo(make_mp4(n=12, gop=4), "video/mp4")
    ts = sorted(asset.timestamps_ns)
    asset.decoder.lru_size = 1
    got = asset.frame_at(ts[10])
    assert got is not None and close_to(got[1][0, 0], 10)
    decoded = asset.decoder.decoded
    got = asset.frame_at(ts[5])  # back: from keyframe 4, not from the start
    assert got is not None and close_to(got[1][0, 0], 5)
    assert asset.decoder.seeks == 2 and asset.decoder.decoded - decoded == 2


def test_cached_frames_are_not_decoded_again() -> None:
    asset = vd.AssetVideo(make_mp4(), "video/mp4")
    ts = sorted(asset.timestamps_ns)
    asset.frame_at(ts[3])
    decoded = asset.decoder.decoded
    asset.frame_at(ts[2])
    asset.frame_at(ts[3])
    assert asset.decoder.decoded == decoded


@pytest.mark.parametrize(("encoder", "codec"), STREAM_CODECS)
def test_stream_keyframes_and_frames(encoder: str, codec: Any) -> None:
    samples = make_stream(codec=encoder)
    keys = [vd.is_keyframe(s, codec.value) for s, _ in samples]
    assert keys == [k for _, k in samples]  # our bitstream check agrees with the encoder
    times = [100 * i for i in range(len(samples))]
    video = vd.StreamVideo(codec.value, times, [s for s, _ in samples], [None] * len(samples))
    for i in (0, 5, 6, 11, 2):
        got = video.frame_at(100 * i + 50)
        assert got is not None and got[0] == 100 * i and close_to(got[1][0, 0], i, tol=30), i
    assert video.frame_at(-1) is None


def test_bad_asset_is_a_clear_error() -> None:
    with pytest.raises(vd.VideoDecodeError, match="cannot open"):
        vd.AssetVideo(b"definitely not a video", "video/mp4")
    with pytest.raises(vd.VideoDecodeError, match="unknown video codec"):
        vd.StreamVideo(0x1234, [0], [b"x"], [True])


# --- rendering -----------------------------------------------------------------------------


@pytest.mark.parametrize(("encoder", "codec"), STREAM_CODECS)
def test_live_stream_decodes_each_new_sample_once(encoder: str, codec: Any) -> None:
    """Following a live stream: each arriving sample is shown without re-seeking (no frame delay)."""
    samples = make_stream(n=8, gop=4, codec=encoder)
    video = vd.StreamVideo(codec.value, [0], [samples[0][0]], [None])
    video.frame_at(0)
    for i, (sample, _) in enumerate(samples[1:], start=1):
        video.extend([i], [sample], [None])
        got = video.frame_at(i)
        assert got is not None and close_to(got[1][0, 0], i, tol=30), i
    assert video.decoder.seeks == 1 and video.decoder.decoded == len(samples)


def test_logged_is_keyframe_flags_are_trusted_over_the_bitstream() -> None:
    """VideoStream's ``is_keyframe`` wins; only missing flags are read from the bitstream."""
    samples = [s for s, _ in make_stream(n=8, gop=4)]
    codec = rr.VideoCodec.H264.value
    detected = vd.StreamVideo(codec, range(8), samples, [None] * 8)
    detected.frame_at(6)
    assert detected.decoder.decoded == 3  # from the keyframe at 4
    only_first = vd.StreamVideo(codec, range(8), samples, [True] + [False] * 7)
    got = only_first.frame_at(6)
    assert got is not None and close_to(got[1][0, 0], 6)
    assert only_first.decoder.decoded == 7  # from sample 0: the flags said 4 is no keyframe
