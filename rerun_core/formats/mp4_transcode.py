"""Re-encoding an MP4's video the way 0.41's readers do (``Mp4Reader(transcode=...)``, sources with
B-frames, LeRobot episodes that start mid-GoP).

0.41 runs the ``ffmpeg`` executable: ``-version`` (older than 5.1 is refused), ``-encoders`` to
pick the encoder (:func:`choose_encoder`), then :func:`ffmpeg_args`, and demuxes the fragmented
MP4 it writes to stdout. So do we when an ``ffmpeg`` is given or on ``PATH``; without one the same
choice is made among PyAV's encoders and the command line is carried out in-process
(:func:`encode_like_ffmpeg`): the encoder and its rate-control options, no B-frames, every input
frame kept with its own timestamp (``-fps_mode passthrough``), a forced keyframe every ``-g``
frames, ``-ss``/``-to`` input seeking (output timestamps start at 0). VP8, which PyAV's MP4 muxer
refuses, is laid out by :mod:`.mp4_fragmented`.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ._common import FormatError
from .mp4_fragmented import Packet, track_timescale, write_vp8

log = logging.getLogger(__name__)

H264, H265, AV1, VP8, VP9 = 0x61766331, 0x68657631, 0x61763031, 0x76703038, 0x76703039
CODEC_NAMES = {H264: "H264", H265: "H265", AV1: "AV1", VP8: "VP8", VP9: "VP9"}
# rerun.components.VideoCodec value -> the encoders 0.41 looks for, in its order of preference
SOFTWARE_ENCODERS: dict[int, tuple[str, ...]] = {
    H264: ("libx264",),
    H265: ("libx265",),
    AV1: ("libsvtav1", "libaom-av1"),
    VP8: ("libvpx",),
    VP9: ("libvpx-vp9",),
}
# with ``try_gpu``, tried first: NVENC, then VideoToolbox (none for VP8 / VP9)
HARDWARE_ENCODERS: dict[int, tuple[str, ...]] = {
    H264: ("h264_nvenc", "h264_videotoolbox"),
    H265: ("hevc_nvenc", "hevc_videotoolbox"),
    AV1: ("av1_nvenc",),
}
_NVENC = ("-rc", "vbr", "-cq", "23", "-bf", "0")
_VIDEOTOOLBOX = ("-q:v", "55", "-bf", "0")
ENCODER_OPTIONS: dict[str, tuple[str, ...]] = {
    "libx264": ("-crf", "18", "-bf", "0"),
    "libx265": ("-crf", "20", "-bf", "0"),
    "libvpx-vp9": ("-crf", "31", "-b:v", "0"),
    "libsvtav1": ("-crf", "30"),
    "libaom-av1": ("-crf", "30", "-b:v", "0"),
    "libvpx": ("-crf", "10", "-b:v", "2M", "-strict", "experimental"),
    "h264_nvenc": _NVENC,
    "hevc_nvenc": _NVENC,
    "av1_nvenc": ("-rc", "vbr", "-cq", "30"),
    "h264_videotoolbox": _VIDEOTOOLBOX,
    "hevc_videotoolbox": _VIDEOTOOLBOX,
}
FRAGMENTED = "frag_keyframe+empty_moov+default_base_moof"
QP2LAMBDA = 118  # FFmpeg's FF_QP2LAMBDA: ``-q:v N`` asks for global_quality N * 118


@dataclass(frozen=True)
class Transcode:
    """A requested re-encode: target codec (None: the source's), forced GoP, ffmpeg to run."""

    output_codec: int | None = None
    gop_size: int | None = None
    try_gpu: bool = False
    ffmpeg: Path | None = None


def choose_encoder(codec: int, try_gpu: bool, available: Callable[[str], bool]) -> str:
    """The encoder 0.41 picks for ``codec``: with ``try_gpu`` the first hardware encoder that is
    ``available`` (a warning when there is none), else the first available software one."""
    name = CODEC_NAMES[codec]
    if try_gpu:
        for encoder in HARDWARE_ENCODERS.get(codec, ()):
            if available(encoder):
                return encoder
        log.warning(
            "No hardware encoder available in this FFmpeg build for %s; using a software encoder", name
        )
    for encoder in SOFTWARE_ENCODERS[codec]:
        if available(encoder):
            return encoder
    raise FormatError(
        f"This FFmpeg build has no encoder for output codec {name}. Install a build with the matching "
        "encoder (e.g. libvpx for VP8/VP9, libsvtav1/libaom for AV1), or choose a different `output_codec`."
    )


def ffmpeg_args(
    src: Path,
    codec: int,
    gop_size: int | None,
    start: float | None = None,
    end: float | None = None,
    encoder: str | None = None,
) -> list[str]:
    """The ffmpeg command line (without the executable) 0.41 runs for this re-encode (``encoder``:
    the one :func:`choose_encoder` picked; by default the codec's first software encoder)."""
    encoder = encoder or SOFTWARE_ENCODERS[codec][0]
    args = ["-loglevel", "level+info"]
    if start is not None:
        args += ["-ss", _seconds(start)]
    if end is not None:
        args += ["-to", _seconds(end)]
    args += ["-i", str(src), "-c:v", encoder, *ENCODER_OPTIONS[encoder]]
    if gop_size is not None:
        args += ["-g", str(gop_size), "-force_key_frames", f"expr:gte(n,n_forced*{gop_size})"]
    return [*args, "-fps_mode", "passthrough", "-an", "-movflags", FRAGMENTED, "-f", "mp4", "pipe:1", "-n"]


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def reencode(
    src: Path,
    codec: int,
    gop_size: int | None = None,
    window: tuple[float | None, float | None] = (None, None),
    *,
    ffmpeg: Path | None = None,
    try_gpu: bool = False,
) -> bytes:
    """Re-encode ``src`` (from ``window``'s start to its end, in seconds) to ``codec``: with the
    ffmpeg executable if there is one, else with PyAV. The fragmented MP4's bytes."""
    exe = str(ffmpeg) if ffmpeg is not None else shutil.which("ffmpeg")
    if exe is None:
        encoder = choose_encoder(codec, try_gpu, pyav_can_encode)
        return encode_like_ffmpeg(ffmpeg_args(src, codec, gop_size, *window, encoder))
    _check_version(exe)
    listed = ffmpeg_encoders(exe)
    encoder = choose_encoder(codec, try_gpu, listed.__contains__)
    return run_ffmpeg(exe, ffmpeg_args(src, codec, gop_size, *window, encoder))


def _check_version(exe: str) -> None:
    """0.41 refuses an ffmpeg older than 5.1 (one whose version it cannot read is let through)."""
    proc = subprocess.run([exe, "-version"], capture_output=True, stdin=subprocess.DEVNULL, check=False)
    line = proc.stdout.decode(errors="replace").partition("\n")[0]
    found = re.match(r"ffmpeg version (\S+)", line)
    numbers = re.match(r"n?(\d+)\.(\d+)", found.group(1)) if found else None
    if found is None or numbers is None:
        log.warning("Failed to parse FFmpeg version: No version found")
        return
    if (int(numbers.group(1)), int(numbers.group(2))) < (5, 1):
        raise FormatError(
            f"Failed to transcode MP4 stream via FFmpeg: FFmpeg version is {found.group(1)}. "
            "Only versions >= 5.1 are officially supported."
        )


def ffmpeg_encoders(exe: str) -> set[str]:
    """The encoder names ``ffmpeg -encoders`` lists (the rows below its ``------`` line)."""
    args = [exe, "-loglevel", "level+info", "-hide_banner", "-encoders"]
    proc = subprocess.run(args, capture_output=True, stdin=subprocess.DEVNULL, check=False)
    _, _, rows = proc.stdout.decode(errors="replace").partition("------")
    return {fields[1] for fields in map(str.split, rows.splitlines()) if len(fields) >= 2}


def pyav_can_encode(name: str) -> bool:
    """Whether PyAV's FFmpeg has this encoder; a hardware one must also open (PyAV's wheels carry
    NVENC whether or not there is an NVIDIA GPU and driver to run it)."""
    import av

    try:
        av.codec.Codec(name, "w")
    except (av.error.FFmpegError, ValueError):
        return False
    if not any(name in names for names in HARDWARE_ENCODERS.values()):
        return True
    ctx: Any = av.CodecContext.create(name, "w")
    ctx.width, ctx.height, ctx.pix_fmt, ctx.time_base = 256, 256, "yuv420p", Fraction(1, 30)
    try:
        ctx.open()
    except (av.error.FFmpegError, OSError, ValueError):
        return False
    return True


def run_ffmpeg(exe: str, args: list[str]) -> bytes:
    """Run the ffmpeg executable on this command line; what it writes to stdout."""
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


def _encoder_options(opts: dict[str, str]) -> dict[str, str]:
    """The command line's encoder options as AVOptions (``-b:v`` is ``b``, ``-q:v`` a qscale)."""
    out = {k[1:]: v for k, v in opts.items() if k in ("-crf", "-bf", "-rc", "-cq")}
    if "-b:v" in opts:
        out["b"] = opts["-b:v"]
    if "-q:v" in opts:
        out["flags"] = "+qscale"
        out["global_quality"] = str(round(float(opts["-q:v"]) * QP2LAMBDA))
    return out


@dataclass(frozen=True)
class _Job:
    """An :func:`ffmpeg_args` command line, read back."""

    src: str
    encoder: str
    options: dict[str, str]
    start: float | None
    end: float | None
    gop: int | None
    strict: str | None

    @classmethod
    def parse(cls, args: list[str]) -> _Job:
        opts = _parse(args)
        return cls(
            src=opts["-i"],
            encoder=opts["-c:v"],
            options=_encoder_options(opts),
            start=float(opts["-ss"]) if "-ss" in opts else None,
            end=float(opts["-to"]) if "-to" in opts else None,
            gop=int(opts["-g"]) if "-g" in opts else None,
            strict=opts.get("-strict"),
        )


def encode_like_ffmpeg(args: list[str]) -> bytes:
    """Carry out an :func:`ffmpeg_args` command line with PyAV; the fragmented MP4's bytes."""
    import av

    job = _Job.parse(args)
    try:
        src: Any = av.open(job.src)
    except (av.error.FFmpegError, OSError) as err:
        raise FormatError(f"{job.src}: not a readable video ({err})") from None
    with src:
        ins = src.streams.video[0]
        if job.encoder == "libvpx":
            return _encode_vp8(job, src, ins)
        return _encode_muxed(job, src, ins)


def _configure(ctx: Any, ins: Any, tb: Fraction, job: _Job) -> None:
    ctx.width, ctx.height = ins.codec_context.width, ins.codec_context.height
    ctx.pix_fmt = "yuv420p"
    ctx.time_base = tb
    ctx.options = job.options
    if job.gop is not None:
        ctx.gop_size = job.gop


def _frames(job: _Job, src: Any, ins: Any, tb: Fraction) -> Iterator[Any]:
    """The input frames from ``-ss`` to ``-to``, timestamps shifted to start at 0, every ``-g``-th
    one marked as a keyframe."""
    import av

    if job.start is not None:
        src.seek(int(job.start / tb), stream=ins, backward=True, any_frame=False)
    shift = round(job.start / tb) if job.start is not None else 0
    n = 0
    for frame in src.decode(ins):
        if frame.pts is None:
            continue
        t = frame.pts * tb
        if job.start is not None and t < Fraction(job.start).limit_denominator(1_000_000) - tb / 2:
            continue
        if job.end is not None and t >= Fraction(job.end).limit_denominator(1_000_000) - tb / 2:
            break
        frame.pts -= shift
        frame.time_base = tb
        forced = job.gop and n % job.gop == 0
        frame.pict_type = av.video.frame.PictureType.I if forced else av.video.frame.PictureType.NONE
        yield frame
        n += 1


def _encode_muxed(job: _Job, src: Any, ins: Any) -> bytes:
    """Encode into PyAV's fragmented MP4 muxer (FFmpeg's own, as the ffmpeg executable uses)."""
    import av

    out_buf = io.BytesIO()
    muxer = {"movflags": FRAGMENTED, **({"strict": job.strict} if job.strict else {})}
    tb = Fraction(ins.time_base or Fraction(1, 1))
    with av.open(out_buf, "w", format="mp4", options=muxer) as out:
        try:
            enc: Any = out.add_stream(job.encoder, rate=ins.average_rate or 30)
        except (av.error.FFmpegError, ValueError) as err:
            raise FormatError(f"PyAV cannot encode {job.encoder!r} into MP4 here ({err})") from None
        enc.time_base = tb
        _configure(enc.codec_context, ins, tb, job)
        for frame in _frames(job, src, ins, tb):
            out.mux(enc.encode(frame))
        out.mux(enc.encode())
    return out_buf.getvalue()


def _encode_vp8(job: _Job, src: Any, ins: Any) -> bytes:
    """Encode VP8 packets and lay them out as FFmpeg's MP4 muxer does (``mp4_fragmented``)."""
    import av

    tb = Fraction(ins.time_base or Fraction(1, 1))
    ctx: Any = av.CodecContext.create(job.encoder, "w")
    ctx.framerate = ins.average_rate or 30
    _configure(ctx, ins, tb, job)
    packets = [p for frame in _frames(job, src, ins, tb) for p in ctx.encode(frame)]
    packets += ctx.encode(None)
    scale = track_timescale(tb.denominator)
    laid_out = [
        Packet(round((p.dts if p.dts is not None else p.pts) * tb * scale), bool(p.is_keyframe), bytes(p))
        for p in packets
        if p.size
    ]
    if not laid_out:
        raise FormatError(f"{job.src}: no frames to re-encode")
    return write_vp8(laid_out, ctx.width, ctx.height, scale)
