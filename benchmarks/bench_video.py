"""Video playback benchmark: decode and frame time for a 640x480 H.264 video (AssetVideo).

    .venv/bin/python -m benchmarks.bench_video [--frames 90] [--gop 30]

"decode" plays forward through ``rerun_core.viewer.video.AssetVideo`` (decode + RGBA);
"seek" jumps to random frames (keyframe seek + decode forward, LRU off); "playback" is a
ViewerApp at 640x480 stepping its time cursor one frame at a time (sync + decode + texture
upload + render + read-back), i.e. what playing the video in the notebook costs per frame
before the widget's JPEG/PNG encode.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time

import numpy as np

os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/xdg-runtime-{os.getuid()}")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], exist_ok=True)


def make_mp4(frames: int, gop: int, w: int = 640, h: int = 480) -> bytes:
    """A gradient with a moving disc and some noise: textured enough to be a real decode load."""
    import av

    buf = io.BytesIO()
    container = av.open(buf, "w", format="mp4")
    stream = container.add_stream("libx264", rate=30)
    stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
    stream.options = {"g": str(gop), "bf": "2", "crf": "23"}
    yy, xx = np.mgrid[0:h, 0:w]
    rng = np.random.default_rng(0)
    for i in range(frames):
        img = np.zeros((h, w, 3), np.uint8)
        img[..., 0] = (xx * 255 // w).astype(np.uint8)
        img[..., 2] = (yy * 255 // h).astype(np.uint8)
        cx, cy = w / 2 + 200 * np.cos(i / 10), h / 2 + 150 * np.sin(i / 10)
        img[(xx - cx) ** 2 + (yy - cy) ** 2 < 60**2] = (255, 220, 0)
        img = np.clip(img.astype(np.int16) + rng.integers(-12, 12, img.shape), 0, 255).astype(np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return buf.getvalue()


def bench_decode(data: bytes) -> None:
    from rerun_core.viewer import video as vd

    asset = vd.AssetVideo(data, "video/mp4")
    ts = sorted(asset.timestamps_ns)
    t0 = time.perf_counter()
    for t in ts:
        asset.frame_at(t)
    per = (time.perf_counter() - t0) / len(ts)
    print(
        f"RESULT video decode 640x480 h264 forward: {per * 1e3:.1f} ms/frame ({1 / per:.0f} fps), seeks={asset.decoder.seeks}"
    )
    asset = vd.AssetVideo(data, "video/mp4")
    asset.decoder.lru_size = 1
    rng = np.random.default_rng(1)
    times = []
    for i in rng.integers(0, len(ts), 20):
        t0 = time.perf_counter()
        asset.frame_at(ts[int(i)])
        times.append(time.perf_counter() - t0)
    print(
        f"RESULT video decode random seek: median {statistics.median(times) * 1e3:.1f} ms, max {max(times) * 1e3:.1f} ms"
    )


def bench_playback(data: bytes, width: int, height: int) -> None:
    import rerun as rr
    from rerun_core.store.hub import StoreHub
    from rerun_core.viewer import ViewerApp

    rec = rr.RecordingStream("bench_video")
    mem = rec.memory_recording()
    video = rr.AssetVideo(contents=data, media_type="video/mp4")
    rr.log("video", video, static=True, recording=rec)
    ts = video.read_frame_timestamps_nanos()
    rr.send_columns(
        "video",
        indexes=[rr.TimeColumn("video_time", duration=ts * 1e-9)],
        columns=rr.VideoFrameReference.columns_nanos(ts),
        recording=rec,
    )
    hub = StoreHub()
    for msg in mem.drain():
        hub.insert(msg)
    store = hub.active_recording
    assert store is not None
    app = ViewerApp(store, width, height)
    try:
        app.set_time("video_time", int(ts[0]))
        app.render()  # warm-up: pipelines, texture
        times = []
        for t in ts[1:]:
            app.set_time("video_time", int(t))
            t0 = time.perf_counter()
            app.render()
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        print(
            f"RESULT video playback {width}x{height} (sync+decode+render+read-back): median {med * 1e3:.1f} ms/frame ({1 / med:.0f} fps)"
        )
    finally:
        app.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=90)
    ap.add_argument("--gop", type=int, default=30)
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=480)
    args = ap.parse_args()
    data = make_mp4(args.frames, args.gop)
    print(f"video: {args.frames} frames 640x480, keyframe every {args.gop}, {len(data) / 1e6:.1f} MB")
    bench_decode(data)
    bench_playback(data, args.width, args.height)


if __name__ == "__main__":
    main()
