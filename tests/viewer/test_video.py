"""Video in the viewer: AssetVideo + VideoFrameReference and VideoStream, rendered by a real
ViewerApp (lavapipe): the view must show the color of the frame at the time cursor. Videos come
from ``tests/viewer/videos.py``; screenshots go to artifacts/video/.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.viewer.conftest import color_mask, require_adapter

av = pytest.importorskip("av")
rr = pytest.importorskip("rerun")

from rerun_core.viewer import video as vd  # noqa: E402
from tests.viewer.videos import (  # noqa: E402
    PALETTE,
    H,
    W,
    close_to,
    log_asset,
    make_mp4,
    make_stream,
    store_of,
    view_center,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "video"


def test_asset_video_renders_the_frame_at_the_cursor() -> None:
    from rerun_core.viewer import ViewerApp

    require_adapter()
    data = make_mp4()
    ts: list[np.ndarray] = []
    store = store_of(lambda rec: ts.append(log_asset(rec, data)))
    app = ViewerApp(store, 200, 150)
    try:
        assert [v["id"] for v in app.layout()] == ["spatial2d:/video"]
        for i in (0, 3, 7, 11, 1):
            app.set_time("video_time", int(ts[0][i]) + 10)
            frame = app.render()
            assert close_to(view_center(app, frame, "spatial2d:/video"), i, tol=30), (
                i,
                view_center(app, frame, "spatial2d:/video"),
            )
            assert color_mask(frame, PALETTE[i], 30).mean() > 0.3  # the frame fills most of the view
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        from PIL import Image

        Image.fromarray(frame).save(ARTIFACTS / "asset_video.png")
        hit = app.pick(100, 75)
        assert hit is not None and hit["entity_path"] == "/video"
        assert hit["archetype"] == "VideoFrameReference"
        values = hit["values"]
        assert close_to(np.array(values["value"]), 1) and values["frame_timestamp_ns"] == int(ts[0][1])
        assert values["resolution"] == [W, H] and values["frames"] == 12 and values["codec"] == "h264"
        assert values["pixel"] == [W // 2, H // 2] or abs(values["pixel"][0] - W // 2) <= 1
    finally:
        app.close()


def test_frame_reference_to_another_entity() -> None:
    from rerun_core.viewer import ViewerApp

    require_adapter()
    data = make_mp4(n=4)

    def log(rec: Any) -> None:
        rr.log(
            "assets/clip", rr.AssetVideo(contents=data, media_type="video/mp4"), static=True, recording=rec
        )
        rec.set_time("t", sequence=1)
        rr.log("screen", rr.VideoFrameReference(seconds=0.2, video_reference="assets/clip"), recording=rec)

    app = ViewerApp(store_of(log), 160, 120)
    try:
        app.set_time("t", 1)
        frame = app.render()
        assert close_to(view_center(app, frame, "spatial2d:/screen"), 2, tol=30)
    finally:
        app.close()


def test_video_stream_renders_and_follows_live_samples() -> None:
    from rerun_core.viewer import ViewerApp

    require_adapter()
    samples = make_stream(n=12)
    from rerun_core.store.hub import StoreHub

    rec = rr.RecordingStream("viewer_video_stream")
    hub = StoreHub()
    from rerun.sinks import StoreSink

    rec._add_sink(StoreSink(hub))
    rr.log("cam", rr.VideoStream(codec=rr.VideoCodec.H264), static=True, recording=rec)
    for i, (sample, _) in enumerate(samples[:8]):
        rec.set_time("frame", sequence=i)
        rr.log("cam", rr.VideoStream.from_fields(sample=sample), recording=rec)
    rec.flush()
    store = hub.active_recording
    app = ViewerApp(store, 160, 120)
    try:
        for i in (0, 5, 7, 2):
            app.set_time("frame", i)
            frame = app.render()
            assert close_to(view_center(app, frame, "spatial2d:/cam"), i, tol=30), i
        for i, (sample, _) in enumerate(samples[8:], start=8):  # logged after the first frames
            rec.set_time("frame", sequence=i)
            rr.log("cam", rr.VideoStream.from_fields(sample=sample), recording=rec)
        rec.flush()
        app.set_time("frame", 10)
        frame = app.render()
        assert close_to(view_center(app, frame, "spatial2d:/cam"), 10, tol=30)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        from PIL import Image

        Image.fromarray(frame).save(ARTIFACTS / "video_stream.png")
    finally:
        app.close()
        rec.disconnect() if hasattr(rec, "disconnect") else None


def test_without_pyav_the_view_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from rerun_core.viewer import ViewerApp

    require_adapter()

    def missing() -> Any:
        raise vd.VideoUnavailable(vd.INSTALL_HINT)

    monkeypatch.setattr(vd, "_av", missing)
    data = make_mp4(n=2)
    ts: list[np.ndarray] = []
    store = store_of(lambda rec: ts.append(log_asset(rec, data)))
    app = ViewerApp(store, 320, 200)
    try:
        app.set_time("video_time", 0)
        frame = app.render()
        view = app.view("spatial2d:/video")
        texts = [t for _, t, _, _ in view.labels()]
        assert any("pip install av" in t for t in texts), texts
        assert (np.abs(frame[..., :3].astype(int) - [255, 115, 102]).max(axis=-1) < 60).any()  # drawn
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        from PIL import Image

        Image.fromarray(frame).save(ARTIFACTS / "no_pyav.png")
    finally:
        app.close()


ORACLE_SCRIPT = """
import sys
import rerun as rr

rr.init("viewer_video_oracle", recording_id="viewer_video_oracle")
rr.save(sys.argv[1])
video = rr.AssetVideo(path=sys.argv[2])
rr.log("video", video, static=True)
ts = video.read_frame_timestamps_nanos()
rr.send_columns(
    "video",
    indexes=[rr.TimeColumn("video_time", duration=1e-9 * ts)],
    columns=rr.VideoFrameReference.columns_nanos(ts),
)
rr.log("stream", rr.VideoStream(codec=rr.VideoCodec.H264), static=True)
for i, name in enumerate(sys.argv[3:]):
    rr.set_time("video_time", duration=0.1 * i)
    with open(name, "rb") as f:
        rr.log("stream", rr.VideoStream.from_fields(sample=f.read()))
"""


@pytest.mark.interop
def test_oracle_video_recording_renders(oracle: Any, tmp_path: Path) -> None:
    """Videos logged by the real rerun-sdk 0.41 play in our viewer (its Arrow types, its timestamps)."""
    from rerun_core.store.load import load_rrd
    from rerun_core.viewer import ViewerApp

    require_adapter()
    (tmp_path / "clip.mp4").write_bytes(make_mp4())
    names = []
    for i, (sample, _) in enumerate(make_stream(n=6, gop=3)):
        names.append(str(tmp_path / f"s{i}.h264"))
        Path(names[-1]).write_bytes(sample)
    oracle.run_script(ORACLE_SCRIPT, str(tmp_path / "o.rrd"), str(tmp_path / "clip.mp4"), *names)
    app = ViewerApp(load_rrd(tmp_path / "o.rrd").active_recording, 320, 160)
    try:
        assert {v["id"] for v in app.layout()} == {"spatial2d:/video", "spatial2d:/stream"}
        for i in (0, 4, 2, 5):
            app.set_time("video_time", i * 100_000_000)
            frame = app.render()
            assert close_to(view_center(app, frame, "spatial2d:/video"), i, tol=30), i
            assert close_to(view_center(app, frame, "spatial2d:/stream"), i, tol=30), i
        assert not any(app.view(v).errors for v in ("spatial2d:/video", "spatial2d:/stream"))
    finally:
        app.close()


def test_moving_ball_stream_moves_with_the_cursor() -> None:
    """Rerun's synthetic VideoStream example (a gold ball on a gradient, 480x320 H.264): the ball
    sits where that frame drew it. Screenshots go to artifacts/video/."""
    from PIL import Image

    from rerun_core.viewer import ViewerApp

    require_adapter()
    w, h, fps = 480, 320, 10
    container = av.open(io.BytesIO(), "w", format="h264")
    stream = container.add_stream("libx264", rate=fps)
    stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
    stream.max_b_frames = 0
    stream.options = {"g": "5", "bf": "0", "tune": "zerolatency"}
    yy, xx = np.mgrid[0:h, 0:w]
    ball_y = [int(h / 2 + 80 * np.sin(2 * np.pi * i / fps)) for i in range(fps)]

    def log(rec: Any) -> None:
        rr.log("ball", rr.VideoStream(codec=rr.VideoCodec.H264), static=True, recording=rec)
        for i in range(fps):
            img = np.zeros((h, w, 3), np.uint8)
            img[..., 1] = (100 * yy / h).astype(np.uint8)
            img[..., 2] = (200 * yy / h).astype(np.uint8)
            img[(xx - w // 2) ** 2 + (yy - ball_y[i]) ** 2 < 30**2] = (255, 200, 0)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                rec.set_time("time", duration=float(packet.pts * packet.time_base))
                rr.log("ball", rr.VideoStream.from_fields(sample=bytes(packet)), recording=rec)

    app = ViewerApp(store_of(log), 480, 320)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for i in (2, 7):
            app.set_time("time", i * 1_000_000_000 // fps)
            frame = app.render()
            Image.fromarray(frame).save(ARTIFACTS / f"ball_stream_{i}.png")
            ys, _ = np.nonzero(color_mask(frame, (255, 200, 0), 40))
            assert ys.size > 500, i
            assert abs(ys.mean() - ball_y[i]) < 6, (i, ys.mean(), ball_y[i])  # view fits the frame 1:1
    finally:
        app.close()


def test_stream_without_codec_says_so() -> None:
    from rerun_core.viewer import ViewerApp

    require_adapter()
    samples = make_stream(n=2)

    def log(rec: Any) -> None:
        rec.set_time("frame", sequence=0)
        rr.log("cam", rr.VideoStream.from_fields(sample=samples[0][0]), recording=rec)

    app = ViewerApp(store_of(log), 320, 200)
    try:
        app.set_time("frame", 0)
        app.render()
        texts = [t for _, t, _, _ in app.view("spatial2d:/cam").labels()]
        assert any("without a codec" in t for t in texts), texts
    finally:
        app.close()


def test_notebook_viewer_shows_the_frame_at_its_time_control() -> None:
    """Through ``rerun.notebook.Viewer`` (real renderer): set_time_ctrl picks the video frame."""
    from rerun import notebook as nb

    data = make_mp4(n=6)
    rec = rr.RecordingStream("nb_video", recording_id="nb_video")
    log_asset(rec, data)
    v = nb.Viewer(recording=rec, width=320, height=240)
    try:
        if v.widget.session.error:
            pytest.skip(v.widget.session.error)
        for i in (4, 1):
            v.set_time_ctrl(timeline="video_time", duration=i / 10)
            img = np.asarray(v.screenshot())
            assert color_mask(img, PALETTE[i], 30).mean() > 0.2, i
    finally:
        v.close()


def test_asset_arriving_after_its_frame_references_shows_up() -> None:
    """Frame references first (send_columns bypasses the batcher), the AssetVideo later: the view
    picks the video up at the same time cursor."""
    from rerun_core.viewer import ViewerApp

    require_adapter()
    from rerun.sinks import StoreSink
    from rerun_core.store.hub import StoreHub

    data = make_mp4(n=4)
    rec = rr.RecordingStream("video_late_asset")
    hub = StoreHub()
    rec._add_sink(StoreSink(hub))
    ts = rr.AssetVideo(contents=data, media_type="video/mp4").read_frame_timestamps_nanos()
    rr.send_columns(
        "video",
        indexes=[rr.TimeColumn("video_time", duration=ts * 1e-9)],
        columns=rr.VideoFrameReference.columns_nanos(ts),
        recording=rec,
    )
    app = ViewerApp(hub.active_recording, 160, 120)
    try:
        app.set_time("video_time", int(ts[2]))
        frame = app.render()
        assert not color_mask(frame, PALETTE[2], 30).any()  # nothing to show yet
        rr.log("video", rr.AssetVideo(contents=data, media_type="video/mp4"), static=True, recording=rec)
        rec.flush()
        frame = app.render()
        assert close_to(view_center(app, frame, "spatial2d:/video"), 2, tol=30)
    finally:
        app.close()


def test_video_under_a_pinhole_shows_in_the_3d_view_too() -> None:
    """As Rerun: a video entity under a Pinhole is also drawn on the camera's image plane in 3D
    (the same textured quad an Image gets there)."""
    from rerun_core.viewer import ViewerApp

    require_adapter()
    data = make_mp4(n=4)

    def log(rec: Any) -> None:
        rr.log(
            "world/box", rr.Boxes3D(half_sizes=[0.1, 0.1, 0.1], centers=[0, 0, 3]), static=True, recording=rec
        )
        rr.log("world/cam", rr.Pinhole(focal_length=40, width=W, height=H), static=True, recording=rec)
        video = rr.AssetVideo(contents=data, media_type="video/mp4")
        rr.log("world/cam/video", video, static=True, recording=rec)
        rec.set_time("t", sequence=0)
        rr.log("world/cam/video", rr.VideoFrameReference(seconds=0.1), recording=rec)

    app = ViewerApp(store_of(log), 480, 240)
    try:
        app.set_time("t", 0)
        frame = app.render()
        views = {v["id"]: v for v in app.layout()}
        assert {"spatial3d:/", "spatial2d:/world/cam"} <= set(views)
        x, y, w, h = views["spatial2d:/world/cam"]["rect"]
        assert color_mask(frame[y : y + h, x : x + w], PALETTE[1], 30).mean() > 0.5
        vis = app.view("spatial3d:/").visualizers[("/world/cam/video", "VideoFrameReference")]
        assert vis.node.visible and vis.image is not None and vis.image.visible
        assert close_to(vis.image.geometry.grid.data[0, 0], 1)
    finally:
        app.close()


def test_broken_asset_message_stays_while_scrubbing() -> None:
    from rerun_core.viewer import ViewerApp

    require_adapter()

    def log(rec: Any) -> None:
        rr.log(
            "video", rr.AssetVideo(contents=b"\0" * 64, media_type="video/mp4"), static=True, recording=rec
        )
        for i in range(3):
            rec.set_time("t", sequence=i)
            rr.log("video", rr.VideoFrameReference(nanoseconds=i), recording=rec)

    app = ViewerApp(store_of(log), 320, 200)
    try:
        for i in range(3):
            app.set_time("t", i)
            app.render()
            texts = [t for _, t, _, _ in app.view("spatial2d:/video").labels()]
            assert any("cannot open" in t for t in texts), (i, texts)
    finally:
        app.close()


def test_stream_samples_logged_out_of_order() -> None:
    """Samples logged later for earlier times are picked up (the stream is read again)."""
    from rerun.sinks import StoreSink
    from rerun_core.store.hub import StoreHub
    from rerun_core.viewer import ViewerApp

    require_adapter()
    samples = make_stream(n=8, gop=4)
    rec = rr.RecordingStream("video_out_of_order")
    hub = StoreHub()
    rec._add_sink(StoreSink(hub))
    rr.log("cam", rr.VideoStream(codec=rr.VideoCodec.H264), static=True, recording=rec)

    def send(indices: list[int]) -> None:
        for i in indices:
            rec.set_time("frame", sequence=i)
            rr.log("cam", rr.VideoStream.from_fields(sample=samples[i][0]), recording=rec)
        rec.flush()

    send([0, 1, 2, 3, 7])  # 4..6 missing: at 5 the latest sample is 3
    app = ViewerApp(hub.active_recording, 160, 120)
    try:
        app.set_time("frame", 5)
        assert close_to(view_center(app, app.render(), "spatial2d:/cam"), 3, tol=30)
        send([4, 5, 6])
        app.set_time("frame", 6)
        assert close_to(view_center(app, app.render(), "spatial2d:/cam"), 6, tol=30)
    finally:
        app.close()


def test_stream_message_stays_while_scrubbing(monkeypatch: pytest.MonkeyPatch) -> None:
    from rerun_core.viewer import ViewerApp

    require_adapter()

    def missing() -> Any:
        raise vd.VideoUnavailable(vd.INSTALL_HINT)

    monkeypatch.setattr(vd, "_av", missing)
    samples = make_stream(n=3)

    def log(rec: Any) -> None:
        rr.log("cam", rr.VideoStream(codec=rr.VideoCodec.H264), static=True, recording=rec)
        for i, (sample, _) in enumerate(samples):
            rec.set_time("frame", sequence=i)
            rr.log("cam", rr.VideoStream.from_fields(sample=sample), recording=rec)

    app = ViewerApp(store_of(log), 320, 200)
    try:
        for i in (0, 2, 1):
            app.set_time("frame", i)
            app.render()
            texts = [t for _, t, _, _ in app.view("spatial2d:/cam").labels()]
            assert any("pip install av" in t for t in texts), (i, texts)
    finally:
        app.close()
