"""A stand-in ``ffmpeg`` for the real 0.41 readers in the tests (no ffmpeg binary here).

It answers ``-version`` / ``-encoders`` and carries out the transcode command line the readers
run with PyAV (``rerun_core.formats.mp4_transcode.encode_like_ffmpeg``), the fragmented MP4 on
stdout. ``install(dir)`` writes an ``ffmpeg`` executable there that runs this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

ENCODERS = """Encoders:
 V..... = Video
 ------
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D libx265              libx265 H.265 / HEVC (codec hevc)
 V....D libvpx               libvpx VP8 (codec vp8)
 V....D libvpx-vp9           libvpx VP9 (codec vp9)
 V....D libsvtav1            SVT-AV1(Scalable Video Technology for AV1) encoder (codec av1)
"""


def install(directory: Path) -> Path:
    """An executable ``directory/ffmpeg`` running this shim under this interpreter."""
    directory.mkdir(parents=True, exist_ok=True)
    exe = directory / "ffmpeg"
    repo = Path(__file__).resolve().parents[2]
    exe.write_text(f'#!/bin/sh\nPYTHONPATH={repo} exec {sys.executable} {Path(__file__).resolve()} "$@"\n')
    exe.chmod(0o755)
    return exe


def _log_streams(args: list[str]) -> None:
    """The stderr lines ffmpeg prints about its input and output (the real readers' ffmpeg driver
    waits for the output stream's description before it reads stdout)."""
    import av

    src = args[args.index("-i") + 1]
    encoder = args[args.index("-c:v") + 1]
    with av.open(src) as container:
        s = container.streams.video[0]
        codec, size = s.codec_context.name, f"{s.codec_context.width}x{s.codec_context.height}"
        fps = float(s.average_rate or 30)
    out_codec = {"libx264": "h264", "libx265": "hevc", "libvpx": "vp8", "libvpx-vp9": "vp9"}.get(
        encoder, "av1"
    )
    lines = [
        f"Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '{src}':",
        "  Duration: 00:00:01.00, start: 0.000000, bitrate: 100 kb/s",
        f"  Stream #0:0[0x1](und): Video: {codec} (avc1 / 0x31637661), yuv420p(progressive), {size}, 100 kb/s, {fps:g} fps, {fps:g} tbr, 15360 tbn (default)",
        "Stream mapping:",
        f"  Stream #0:0 -> #0:0 ({codec} (native) -> {out_codec} ({encoder}))",
        "Output #0, mp4, to 'pipe:1':",
        f"  Stream #0:0(und): Video: {out_codec}, yuv420p(progressive), {size}, q=2-31, {fps:g} fps, 15360 tbn (default)",
    ]
    for line in lines:
        sys.stderr.write(f"[info] {line}\n")
    sys.stderr.flush()


def main(args: list[str]) -> int:
    if "-version" in args:
        print("ffmpeg version 7.1 (PyAV stand-in)")
        return 0
    if "-encoders" in args:
        print(ENCODERS, end="")
        return 0
    from rerun_core.formats.mp4_transcode import encode_like_ffmpeg

    data = encode_like_ffmpeg(args)
    _log_streams(args)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
