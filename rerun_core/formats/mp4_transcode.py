"""Re-encoding an MP4's video the way 0.41's readers do (``Mp4Reader(transcode=...)``, sources with
B-frames, LeRobot episodes that start mid-GoP).

0.41 runs the ``ffmpeg`` executable with :func:`ffmpeg_args` and demuxes the fragmented MP4 it
writes to stdout. So do we when an ``ffmpeg`` is given or on ``PATH``; without one the same
command line is carried out in-process with PyAV (:func:`encode_like_ffmpeg`): the listed encoder
and its rate-control options, no B-frames, every input frame kept with its own timestamp
(``-fps_mode passthrough``), a forced keyframe every ``-g`` frames, ``-ss``/``-to`` input
seeking (output timestamps start at 0).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ._common import FormatError

# rerun.components.VideoCodec value -> the encoder and options 0.41 asks ffmpeg for
ENCODERS: dict[int, tuple[str, tuple[str, ...]]] = {
    0x61766331: ("libx264", ("-crf", "18", "-bf", "0")),
    0x68657631: ("libx265", ("-crf", "20", "-bf", "0")),
    0x76703039: ("libvpx-vp9", ("-crf", "31", "-b:v", "0")),
    0x61763031: ("libsvtav1", ("-crf", "30")),
    0x76703038: ("libvpx", ("-crf", "10", "-b:v", "2M", "-strict", "experimental")),
}
FRAGMENTED = "frag_keyframe+empty_moov+default_base_moof"


@dataclass(frozen=True)
class Transcode:
    """A requested re-encode: target codec (None: the source's), forced GoP, ffmpeg to run."""

    output_codec: int | None = None
    gop_size: int | None = None
    try_gpu: bool = False
    ffmpeg: Path | None = None


def ffmpeg_args(
    src: Path, codec: int, gop_size: int | None, start: float | None = None, end: float | None = None
) -> list[str]:
    """The ffmpeg command line (without the executable) 0.41 runs for this re-encode."""
    encoder, options = ENCODERS[codec]
    args = ["-loglevel", "level+info"]
    if start is not None:
        args += ["-ss", _seconds(start)]
    if end is not None:
        args += ["-to", _seconds(end)]
    args += ["-i", str(src), "-c:v", encoder, *options]
    if gop_size is not None:
        args += ["-g", str(gop_size), "-force_key_frames", f"expr:gte(n,n_forced*{gop_size})"]
    return [*args, "-fps_mode", "passthrough", "-an", "-movflags", FRAGMENTED, "-f", "mp4", "pipe:1", "-n"]


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def transcode(args: list[str], ffmpeg: Path | None) -> bytes:
    """Run the re-encode: the ffmpeg executable if there is one, else PyAV. The fragmented MP4."""
    exe = str(ffmpeg) if ffmpeg is not None else shutil.which("ffmpeg")
    if exe is None:
        return encode_like_ffmpeg(args)
    proc = subprocess.run([exe, *args], capture_output=True, stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace")[-2000:]
        raise FormatError(f"ffmpeg exited with exit status: {proc.returncode} while transcoding: {tail}")
    return proc.stdout


def _parse(args: list[str]) -> dict[str, str]:
    opts: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-an", "-n", "-y") or not arg.startswith("-"):
            i += 1
            continue
        opts[arg] = args[i + 1] if i + 1 < len(args) else ""
        i += 2
    return opts


def encode_like_ffmpeg(args: list[str]) -> bytes:
    """Carry out an :func:`ffmpeg_args` command line with PyAV; the fragmented MP4's bytes."""
    import av

    opts = _parse(args)
    start = float(opts["-ss"]) if "-ss" in opts else None
    end = float(opts["-to"]) if "-to" in opts else None
    gop = int(opts["-g"]) if "-g" in opts else None
    encoder_options = {k[1:].replace(":v", ""): v for k, v in opts.items() if k in ("-crf", "-bf", "-b:v")}
    out_buf = io.BytesIO()
    try:
        src: Any = av.open(opts["-i"])
    except (av.error.FFmpegError, OSError) as err:
        raise FormatError(f"{opts.get('-i')}: not a readable video ({err})") from None
    muxer = {"movflags": FRAGMENTED, **({"strict": opts["-strict"]} if "-strict" in opts else {})}
    with src, av.open(out_buf, "w", format="mp4", options=muxer) as out:
        ins = src.streams.video[0]
        tb = Fraction(ins.time_base or Fraction(1, 1))
        try:
            enc: Any = out.add_stream(opts["-c:v"], rate=ins.average_rate or 30)
        except (av.error.FFmpegError, ValueError) as err:
            raise FormatError(f"PyAV cannot encode {opts['-c:v']!r} into MP4 here ({err})") from None
        enc.width, enc.height = ins.codec_context.width, ins.codec_context.height
        enc.pix_fmt = "yuv420p"
        enc.time_base = tb
        enc.codec_context.time_base = tb
        enc.options = encoder_options
        if gop is not None:
            enc.codec_context.gop_size = gop
        if start is not None:
            src.seek(int(start / tb), stream=ins, backward=True, any_frame=False)
        shift = round(start / tb) if start is not None else 0
        n = 0
        for frame in src.decode(ins):
            if frame.pts is None:
                continue
            t = frame.pts * tb
            if start is not None and t < Fraction(start).limit_denominator(1_000_000) - tb / 2:
                continue
            if end is not None and t >= Fraction(end).limit_denominator(1_000_000) - tb / 2:
                break
            frame.pts -= shift
            frame.time_base = tb
            frame.pict_type = (
                av.video.frame.PictureType.I if gop and n % gop == 0 else av.video.frame.PictureType.NONE
            )
            for packet in enc.encode(frame):
                out.mux(packet)
            n += 1
        for packet in enc.encode():
            out.mux(packet)
    return out_buf.getvalue()
