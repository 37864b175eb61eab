"""Small videos for the video tests: solid-color frames (a distinct color per frame) encoded with
the codecs in PyAV's wheel, and helpers to log them with our SDK and read a view's pixels."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

import rerun as rr

PALETTE = [
    (255, 0, 0),
    (0, 255, 0),
    (0, 0, 255),
    (255, 255, 0),
    (0, 255, 255),
    (255, 0, 255),
    (255, 255, 255),
    (128, 0, 0),
    (0, 128, 0),
    (0, 0, 128),
    (128, 128, 0),
    (0, 128, 128),
]
W, H = 64, 48


def _frame(i: int, w: int = W, h: int = H) -> Any:
    import av

    img = np.full((h, w, 3), PALETTE[i % len(PALETTE)], np.uint8)
    return av.VideoFrame.from_ndarray(img, format="rgb24")


def make_mp4(n: int = 12, gop: int = 4, b_frames: int = 0, codec: str = "libx264") -> bytes:
    """An MP4 of ``n`` solid frames at 10 fps, a keyframe every ``gop`` frames."""
    import av

    buf = io.BytesIO()
    container = av.open(buf, "w", format="mp4")
    stream = container.add_stream(codec, rate=10)
    stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
    stream.options = (
        {"g": str(gop), "bf": str(b_frames), "crf": "10", "sc_threshold": "0"} if codec == "libx264" else {}
    )
    stream.gop_size = gop
    for i in range(n):
        for packet in stream.encode(_frame(i)):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return buf.getvalue()


STREAM_CODECS = [  # encoders in PyAV's wheel, one per codec Rerun's VideoStream takes
    ("libx264", rr.VideoCodec.H264),
    ("libx265", rr.VideoCodec.H265),
    ("libsvtav1", rr.VideoCodec.AV1),
    ("libvpx", rr.VideoCodec.VP8),
    ("libvpx-vp9", rr.VideoCodec.VP9),
]
_VPX_OPTIONS = {"auto-alt-ref": "0", "lag-in-frames": "0", "deadline": "realtime", "crf": "4", "b": "2M"}


def make_stream(n: int = 12, gop: int = 4, codec: str = "libx264") -> list[tuple[bytes, bool]]:
    """Raw samples (bytes, PyAV's keyframe flag) of ``n`` solid frames, no B-frames: Annex B for
    H.264/H.265, the low-overhead OBU stream for AV1 (SVT-AV1 wants at least 64x64: 128x96)."""
    import av

    fmt = {"libx264": "h264", "libx265": "hevc", "libsvtav1": "obu", "libvpx": "ivf", "libvpx-vp9": "ivf"}[
        codec
    ]
    w, h = (128, 96) if codec == "libsvtav1" else (W, H)
    container = av.open(io.BytesIO(), "w", format=fmt)
    stream = container.add_stream(codec, rate=10)
    stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
    stream.max_b_frames = 0
    stream.gop_size = gop
    stream.options = {
        "libx264": {"g": str(gop), "bf": "0", "crf": "10", "tune": "zerolatency", "sc_threshold": "0"},
        "libx265": {"x265-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0:log-level=none"},
        "libsvtav1": {"svtav1-params": f"keyint={gop}:scd=0", "preset": "12"},
        "libvpx": _VPX_OPTIONS | {"g": str(gop), "keyint_min": str(gop)},
        "libvpx-vp9": _VPX_OPTIONS | {"g": str(gop), "keyint_min": str(gop)},
    }[codec]
    out = []
    for i in range(n):
        out += [(bytes(p), bool(p.is_keyframe)) for p in stream.encode(_frame(i, w, h))]
    out += [(bytes(p), bool(p.is_keyframe)) for p in stream.encode()]
    container.close()
    return out


def close_to(rgb: np.ndarray, i: int, tol: int = 24) -> bool:
    return bool(np.abs(rgb[:3].astype(int) - PALETTE[i % len(PALETTE)]).max() <= tol)


def store_of(log: Any) -> Any:
    from rerun_core.store.hub import StoreHub

    rec = rr.RecordingStream("viewer_video_test")
    mem = rec.memory_recording()
    log(rec)
    hub = StoreHub()
    for msg in mem.drain():
        hub.insert(msg)
    return hub.active_recording


def log_asset(rec: Any, data: bytes) -> np.ndarray:
    video = rr.AssetVideo(contents=data, media_type="video/mp4")
    rr.log("video", video, static=True, recording=rec)
    ts = video.read_frame_timestamps_nanos()
    rr.send_columns(
        "video",
        indexes=[rr.TimeColumn("video_time", duration=ts * 1e-9)],
        columns=rr.VideoFrameReference.columns_nanos(ts),
        recording=rec,
    )
    return ts


def view_center(app: Any, frame: np.ndarray, view_id: str) -> np.ndarray:
    x, y, w, h = next(v["rect"] for v in app.layout() if v["id"] == view_id)
    return frame[y + h // 2, x + w // 2]
