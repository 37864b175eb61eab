"""AssetVideo frame timestamps from the MP4 sample tables."""

from __future__ import annotations

import pytest
from _mp4_builder import make_mp4  # tests/sdk is on sys.path (rootdir-less test module)

from rerun import _errors
from rerun import archetypes as A


def timestamps(deltas: list[int], offsets: list[int], version: int = 0) -> list[int]:
    video = A.AssetVideo(contents=make_mp4(deltas, offsets, ctts_version=version), media_type="video/mp4")
    return video.read_frame_timestamps_nanos().tolist()  # type: ignore[no-any-return]


def test_constant_frame_rate() -> None:
    assert timestamps([3000] * 4, [0] * 4) == [0, 33333333, 66666667, 100000000]


def test_b_frames_are_sorted_and_start_at_the_first_presented_frame() -> None:
    # PTS = DTS + ctts offset = [6000, 3000, 6000, 9000] ticks of 1/90000 s
    assert timestamps([3000] * 4, [6000, 0, 0, 0]) == [0, 33333333, 33333333, 66666667]


def test_signed_offsets_in_version_1() -> None:
    assert timestamps([3000] * 4, [3000, 0, -6000, 0], version=1) == [0, 33333333, 33333333, 100000000]


def test_not_an_mp4_is_a_clear_error() -> None:
    before = _errors.strict_mode()
    _errors.set_strict_mode(True)
    try:
        video = A.AssetVideo(contents=b"definitely not a video", media_type="video/mp4")
    finally:
        _errors.set_strict_mode(before)
    with pytest.raises(ValueError, match="MP4"):
        video.read_frame_timestamps_nanos()
