"""``Mp4TranscodeOptions(try_gpu=True)``: which encoder 0.41 picks, and the fallback to software.

0.41 reads ``ffmpeg -encoders`` and takes NVENC, then VideoToolbox, for H.264 / H.265 (NVENC for
AV1, none for VP8 / VP9), else the software encoder. The real reader and ours are given the same
stand-in ``ffmpeg`` with made-up encoder lists and must run the same command lines. Without an
``ffmpeg`` the choice is made among PyAV's encoders, a hardware one only if it opens. No GPU here:
hardware encoders are never actually run.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from ffmpeg_shim import install
from reader_interop import PRELUDE, run_ours
from test_mp4_transcode import _no_ffmpeg_env, write_h264

from rerun_core.formats import mp4_transcode
from rerun_core.formats._common import FormatError
from rerun_core.formats.mp4 import demux
from rerun_core.formats.mp4_transcode import AV1, H264, H265, VP8, VP9, choose_encoder, ffmpeg_args, reencode
from tests.conftest import Oracle

pytest.importorskip("av")

HARDWARE = {"h264_nvenc", "h264_videotoolbox", "hevc_nvenc", "hevc_videotoolbox", "av1_nvenc"}
SOFTWARE = {"libx264", "libx265", "libsvtav1", "libaom-av1", "libvpx", "libvpx-vp9"}


@pytest.mark.parametrize(
    ("codec", "listed", "try_gpu", "picked"),
    [
        (H264, HARDWARE | SOFTWARE, True, "h264_nvenc"),
        (H264, {"h264_videotoolbox", "libx264"}, True, "h264_videotoolbox"),
        (H264, HARDWARE | SOFTWARE, False, "libx264"),
        (H265, HARDWARE | SOFTWARE, True, "hevc_nvenc"),
        (H265, {"hevc_videotoolbox", "libx265"}, True, "hevc_videotoolbox"),
        (AV1, HARDWARE | SOFTWARE, True, "av1_nvenc"),
        (AV1, {"libaom-av1", "libsvtav1"}, True, "libsvtav1"),
        (AV1, {"libaom-av1"}, False, "libaom-av1"),
        (VP9, HARDWARE | SOFTWARE, True, "libvpx-vp9"),
        (VP8, HARDWARE | SOFTWARE, True, "libvpx"),
    ],
)
def test_encoder_choice_follows_0_41_order(codec: int, listed: set[str], try_gpu: bool, picked: str) -> None:
    assert choose_encoder(codec, try_gpu, listed.__contains__) == picked


def test_no_hardware_encoder_warns_and_uses_software(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=mp4_transcode.__name__):
        assert choose_encoder(VP9, True, SOFTWARE.__contains__) == "libvpx-vp9"
        assert choose_encoder(H264, True, SOFTWARE.__contains__) == "libx264"
    assert [r.getMessage() for r in caplog.records] == [
        f"No hardware encoder available in this FFmpeg build for {name}; using a software encoder"
        for name in ("VP9", "H264")
    ]


def test_no_encoder_at_all_is_0_41s_error() -> None:
    with pytest.raises(FormatError, match=r"has no encoder for output codec H265\. Install a build"):
        choose_encoder(H265, True, {"libx264", "h264_nvenc"}.__contains__)


def test_hardware_encoder_command_lines() -> None:
    def encoder_part(encoder: str, codec: int) -> list[str]:
        args = ffmpeg_args(Path("in.mp4"), codec, None, encoder=encoder)
        return args[args.index("-c:v") : args.index("-fps_mode")]

    assert encoder_part("h264_nvenc", H264) == ["-c:v", "h264_nvenc", "-rc", "vbr", "-cq", "23", "-bf", "0"]
    assert encoder_part("hevc_videotoolbox", H265) == ["-c:v", "hevc_videotoolbox", "-q:v", "55", "-bf", "0"]
    assert encoder_part("av1_nvenc", AV1) == ["-c:v", "av1_nvenc", "-rc", "vbr", "-cq", "30"]
    assert encoder_part("libaom-av1", AV1) == ["-c:v", "libaom-av1", "-crf", "30", "-b:v", "0"]


def _no_ffmpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _no_ffmpeg_env()["PATH"])


def test_pyav_path_runs_the_chosen_hardware_encoder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an ffmpeg, an NVENC that PyAV can open is the one the command line names."""
    _no_ffmpeg(monkeypatch)
    seen: list[list[str]] = []
    monkeypatch.setattr(mp4_transcode, "pyav_can_encode", lambda name: name in {"h264_nvenc", "libx264"})
    monkeypatch.setattr(mp4_transcode, "encode_like_ffmpeg", lambda args: seen.append(args) or b"")
    src = tmp_path / "in.mp4"
    reencode(src, H264, 4, try_gpu=True)
    reencode(src, H264, 4, try_gpu=False)
    assert seen == [ffmpeg_args(src, H264, 4, encoder="h264_nvenc"), ffmpeg_args(src, H264, 4)]


def test_fallback_output_is_the_software_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No hardware encoder opens: ``try_gpu`` gives exactly what the software encoder gives."""
    _no_ffmpeg(monkeypatch)
    monkeypatch.setattr(mp4_transcode, "pyav_can_encode", lambda name: name in SOFTWARE)
    src = write_h264(tmp_path / "in.mp4", frames=12, gop=6, b_frames=2)
    for codec in (H264, VP9):
        gpu = demux(src, reencode(src, codec, 4, try_gpu=True)).samples
        cpu = demux(src, reencode(src, codec, 4)).samples
        assert gpu == cpu
        assert len(gpu) == 12


@pytest.mark.skipif(Path("/dev/nvidiactl").exists(), reason="an NVIDIA driver is present")
def test_pyav_nvenc_is_compiled_in_but_does_not_open_without_a_gpu() -> None:
    import av

    for name in ("h264_nvenc", "hevc_nvenc", "av1_nvenc"):
        av.codec.Codec(name, "w")  # PyAV's wheel has it ...
        assert not mp4_transcode.pyav_can_encode(name)  # ... but it cannot run here
    assert mp4_transcode.pyav_can_encode("libx264")
    assert not mp4_transcode.pyav_can_encode("h264_videotoolbox")


def _listing_ffmpeg(directory: Path, encoders: tuple[str, ...], log: Path) -> Path:
    """An ``ffmpeg`` that logs its command lines, lists ``encoders`` and transcodes as the
    PyAV stand-in (which fails for the hardware encoders)."""
    listing = directory / "encoders.txt"
    directory.mkdir(parents=True)
    rows = "".join(f" V....D {name:<20} {name} (codec x)\n" for name in encoders)
    listing.write_text(f"Encoders:\n V..... = Video\n ------\n{rows}")
    shim = install(directory / "shim")
    exe = directory / "bin" / "ffmpeg"
    exe.parent.mkdir()
    exe.write_text(
        f'#!/bin/sh\necho "$@" >> {log}\n'
        f'case "$*" in *-encoders*) cat {listing}; exit 0;; esac\nexec {shim} "$@"\n'
    )
    exe.chmod(0o755)
    return exe.parent


GPU_CASES = [  # listed encoders, codec, try_gpu, what 0.41 runs (None: it refuses)
    (("libx264", "h264_videotoolbox", "h264_nvenc"), "H264", True, "h264_nvenc"),
    (("h264_videotoolbox", "libx264"), "H264", True, "h264_videotoolbox"),
    (("libx265", "hevc_nvenc"), "H265", False, "libx265"),
    (("libaom-av1", "av1_nvenc"), "AV1", True, "av1_nvenc"),
    (("libaom-av1",), "AV1", False, "libaom-av1"),
    (("libvpx-vp9", "hevc_nvenc"), "VP9", True, "libvpx-vp9"),
    (("libx265",), "H264", True, None),
]


@pytest.mark.interop
@pytest.mark.parametrize(("encoders", "codec", "try_gpu", "runs"), GPU_CASES)
def test_same_encoder_as_real_reader(
    oracle: Oracle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    encoders: tuple[str, ...],
    codec: str,
    try_gpu: bool,
    runs: str | None,
) -> None:
    """Both readers, given the same ``ffmpeg``: the same calls, and both succeed or both fail."""
    src = write_h264(tmp_path / "in.mp4", frames=12, gop=6, b_frames=2)
    options = f"output_codec=rr.components.VideoCodec.{codec}, try_gpu={try_gpu}"
    code = PRELUDE + (
        "try:\n"
        f"    Mp4Reader({str(src)!r}, transcode=Mp4TranscodeOptions({options})).stream().to_chunks()\n"
        "    print('transcoded')\n"
        "except Exception as err:\n"
        "    print('failed', 'has no encoder for output codec' in str(err))\n"
    )
    results = []
    for side in ("theirs", "ours"):
        log = tmp_path / f"{side}.log"
        bin_dir = _listing_ffmpeg(tmp_path / side, encoders, log)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        run = oracle.run_script if side == "theirs" else run_ours
        results.append((run(code, "unused").stdout.strip(), log.read_text().splitlines()))
        monkeypatch.undo()
    assert results[0] == results[1]
    outcome, calls = results[0]
    assert calls[:2] == ["-version", "-loglevel level+info -hide_banner -encoders"]
    if runs is None:
        assert (outcome, calls[2:]) == ("failed True", [])
    else:
        assert calls[2:] == [" ".join(ffmpeg_args(src, getattr(mp4_transcode, codec), None, encoder=runs))]
        # the stand-in transcodes with PyAV, which has neither libaom-av1 nor a GPU: those runs
        # fail on both sides, after the same command line
        assert outcome == ("transcoded" if runs in SOFTWARE - {"libaom-av1"} else "failed False")


def _fake_ffmpeg(directory: Path, version_line: str) -> Path:
    """An ``ffmpeg`` whose ``-version`` prints ``version_line`` and that lists only libx264."""
    directory.mkdir(parents=True)
    exe = directory / "ffmpeg"
    exe.write_text(
        f'#!/bin/sh\ncase "$*" in *-version*) echo "{version_line}"; exit 0;; esac\n'
        'case "$*" in *-encoders*) printf " ------\\n V....D libx264 x\\n"; exit 0;; esac\nexit 1\n'
    )
    exe.chmod(0o755)
    return exe


def test_ffmpeg_older_than_5_1_is_refused(tmp_path: Path) -> None:
    exe = _fake_ffmpeg(tmp_path / "old", "ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021")
    with pytest.raises(FormatError) as err:
        reencode(tmp_path / "in.mp4", H264, 4, ffmpeg=exe)
    assert str(err.value) == (  # 0.41's words
        "Failed to transcode MP4 stream via FFmpeg: FFmpeg version is 4.4.2-0ubuntu0.22.04.1. "
        "Only versions >= 5.1 are officially supported."
    )


def test_unreadable_ffmpeg_version_is_let_through(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    exe = _fake_ffmpeg(tmp_path / "odd", "a build of unknown version")
    with caplog.at_level(logging.WARNING, logger=mp4_transcode.__name__), pytest.raises(FormatError) as err:
        reencode(tmp_path / "in.mp4", H264, 4, ffmpeg=exe)
    assert "ffmpeg exited with exit status: 1" in str(err.value)  # it went on to transcode
    assert [r.getMessage() for r in caplog.records] == ["Failed to parse FFmpeg version: No version found"]
