"""The frame protocol: flow control, visibility, JPEG while moving and PNG once still."""

from __future__ import annotations

import numpy as np
import pytest

from rerun_notebook.encoding import encode_jpeg, encode_png
from rerun_notebook.pump import FramePump


class Source:
    def __init__(self) -> None:
        self.change = True
        self.renders = 0

    def prepare(self, now: float) -> bool:
        c, self.change = self.change, False
        return c

    def render(self, *, lowres: bool = False) -> np.ndarray:
        self.renders += 1
        img = np.zeros((12, 16, 4), np.uint8)
        img[..., 0] = self.renders
        img[..., 3] = 255
        return img


@pytest.fixture
def rig():
    sent: list[tuple[dict, list[bytes]]] = []
    src = Source()
    pump = FramePump(
        src,
        lambda c, b: sent.append((c, b)),
        max_fps=1000,
        still_delay=0.3,
        stall_timeout=1.0,
        preview_above=None,  # previews depend on measured render time: their own tests use a fake timer
    )
    return pump, src, sent


def test_png_is_lossless_and_jpeg_decodes() -> None:
    from io import BytesIO

    from PIL import Image

    img = np.random.default_rng(0).integers(0, 255, (20, 30, 4), dtype=np.uint8)
    img[..., 3] = 255
    png = encode_png(img)
    back = np.asarray(Image.open(BytesIO(png.data)).convert("RGBA"))
    assert np.array_equal(back, img)
    jpg = encode_jpeg(img)
    assert jpg.mime == "image/jpeg" and Image.open(BytesIO(jpg.data)).size == (30, 20)


def test_nothing_is_sent_while_hidden(rig) -> None:
    pump, src, sent = rig
    for i in range(5):
        src.change = True
        pump.tick(now=float(i))
    assert sent == [] and src.renders == 0
    pump.set_visible("a", True)
    assert pump.tick(now=10.0)
    assert len(sent) == 1


def test_at_most_two_frames_in_flight_until_acked(rig) -> None:
    pump, src, sent = rig
    pump.set_visible("a", True)
    for i in range(6):
        src.change = True
        pump.tick(now=0.01 * (i + 1))
    assert len(sent) == 2 and pump.in_flight == 2
    pump.ack(1, now=0.2)
    src.change = True
    pump.tick(now=0.21)
    assert len(sent) == 3
    assert [c["index"] for c, _ in sent] == [1, 2, 3]
    assert all(len(b) == 1 and isinstance(b[0], bytes) for _, b in sent)


def test_jpeg_while_moving_then_png_once_still(rig) -> None:
    pump, src, sent = rig
    pump.set_visible("a", True)
    t = 0.0
    for _ in range(5):  # a drag: a change every 20 ms, each frame acked at once
        t += 0.02
        src.change = True
        pump.tick(now=t)
        pump.ack(pump.stats.sent_frames, now=t)
    mimes = [c["mime"] for c, _ in sent]
    assert mimes[0] == "image/png"  # the first, isolated change
    assert set(mimes[1:]) == {"image/jpeg"}
    n = len(sent)
    pump.tick(now=t + 0.1)  # still moving recently: no refinement yet
    assert len(sent) == n
    pump.tick(now=t + 0.35)
    assert len(sent) == n + 1 and sent[-1][0]["mime"] == "image/png"
    pump.ack(n + 1, now=t + 0.36)
    pump.tick(now=t + 1.0)  # settled: nothing more
    assert len(sent) == n + 1


def test_an_isolated_change_goes_out_lossless(rig) -> None:
    pump, src, sent = rig
    pump.set_visible("a", True)
    pump.tick(now=0.0)
    pump.ack(1, now=0.0)
    src.change = True
    pump.tick(now=5.0)
    assert [c["mime"] for c, _ in sent] == ["image/png", "image/png"]


def test_stalled_acks_still_let_a_frame_through_slowly(rig) -> None:
    """A busy cell cannot read acks; the view still updates, one frame per stall timeout."""
    pump, src, sent = rig
    pump.set_visible("a", True)
    t = 0.0
    for _ in range(100):  # 2 s of changes every 20 ms, no acks at all
        t += 0.02
        src.change = True
        pump.tick(now=t)
    assert 3 <= len(sent) <= 4
    assert pump.stats.stalled_sends == len(sent) - 2


def test_frame_rate_is_capped() -> None:
    sent: list = []
    src = Source()
    pump = FramePump(src, lambda c, b: sent.append(c), max_fps=10)
    pump.set_visible("a", True)
    for i in range(100):  # 1 s of changes every 10 ms, acked at once
        src.change = True
        if pump.tick(now=0.01 * i):
            pump.ack(len(sent))
    assert 9 <= len(sent) <= 11


def test_a_view_that_reappears_gets_the_current_picture(rig) -> None:
    pump, _src, sent = rig
    pump.set_visible("a", True)
    pump.tick(now=0.0)
    pump.ack(1)
    pump.set_visible("a", False)
    pump.set_visible("b", True)
    pump.tick(now=1.0)
    assert len(sent) == 2


def test_worker_thread_sends_without_ticks_from_the_caller() -> None:
    import threading

    got = threading.Event()
    src = Source()
    pump = FramePump(src, lambda c, b: got.set())
    pump.set_visible("a", True)
    pump.start()
    try:
        assert got.wait(5.0)
    finally:
        pump.close()
    assert pump._thread is None


def test_png_keeps_alpha_and_takes_grayscale() -> None:
    from io import BytesIO

    from PIL import Image

    img = np.random.default_rng(1).integers(0, 255, (7, 9, 4), dtype=np.uint8)
    back = np.asarray(Image.open(BytesIO(encode_png(img).data)))
    assert back.shape == (7, 9, 4) and np.array_equal(back, img)
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    back = np.asarray(Image.open(BytesIO(encode_png(gray).data)))
    assert np.array_equal(back[..., 0], gray)


class CostlySource(Source):
    """Full frames cost `full` seconds, previews `quick`, on a fake timer (no wall clock)."""

    def __init__(self, full: float, quick: float) -> None:
        super().__init__()
        self.full, self.quick = full, quick
        self.now = 0.0
        self.lowres: list[bool] = []

    def timer(self) -> float:
        return self.now

    def render(self, *, lowres: bool = False) -> np.ndarray:
        self.lowres.append(lowres)
        self.now += self.quick if lowres else self.full
        return super().render(lowres=lowres)


def _costly_rig(full: float, quick: float, **kw):
    sent: list[dict] = []
    src = CostlySource(full, quick)
    pump = FramePump(src, lambda c, b: sent.append(c), max_fps=1000, still_delay=0.3, timer=src.timer, **kw)
    pump.set_visible("a", True)
    pump.tick(now=0.0)  # the first frame is full: it measures what a full frame costs
    pump.ack(1)
    return pump, src, sent


def test_slow_full_frames_make_a_change_go_out_as_a_preview_then_lossless() -> None:
    pump, src, sent = _costly_rig(full=0.2, quick=0.03)
    src.change = True  # new data, long after the last change
    assert pump.tick(now=5.0)
    assert src.lowres[-1] and sent[-1]["mime"] == "image/jpeg"  # fast first look
    pump.ack(2)
    assert not pump.tick(now=5.1)  # not quiet long enough yet
    assert pump.tick(now=5.35)
    assert not src.lowres[-1] and sent[-1]["mime"] == "image/png"  # then the full frame
    pump.ack(3)
    assert not pump.tick(now=6.0)
    assert pump.stats.preview_frames == 1 and pump.stats.lossless_frames == 2


class HeavySource(CostlySource):
    """A source that can tell before any full frame whether a preview pays (big point clouds)."""

    def __init__(self, pays: bool) -> None:
        super().__init__(full=0.2, quick=0.03)
        self.pays = pays

    def preview_pays(self) -> bool:
        return self.pays


def test_a_first_frame_the_source_calls_slow_goes_out_as_a_preview_then_full() -> None:
    sent: list[dict] = []
    src = HeavySource(pays=True)
    pump = FramePump(src, lambda c, b: sent.append(c), max_fps=1000, still_delay=0.3, timer=src.timer)
    pump.set_visible("a", True)
    assert pump.tick(now=0.0)
    assert src.lowres == [True] and sent[-1]["mime"] == "image/jpeg"  # a fast first look
    pump.ack(1)
    assert not pump.tick(now=0.1)
    assert pump.tick(now=0.35)  # the full frame right after (not held back as a slow one)
    assert src.lowres == [True, False] and sent[-1]["mime"] == "image/png"


def test_a_first_frame_the_source_calls_cheap_is_full() -> None:
    sent: list[dict] = []
    src = HeavySource(pays=False)
    pump = FramePump(src, lambda c, b: sent.append(c), max_fps=1000, still_delay=0.3, timer=src.timer)
    pump.set_visible("a", True)
    assert pump.tick(now=0.0)
    assert src.lowres == [False] and sent[-1]["mime"] == "image/png"


def test_fast_full_frames_need_no_preview() -> None:
    pump, src, sent = _costly_rig(full=0.02, quick=0.01)
    src.change = True
    assert pump.tick(now=5.0)
    assert src.lowres == [False, False] and sent[-1]["mime"] == "image/png"


def test_previews_stop_when_they_are_not_cheaper() -> None:
    pump, src, sent = _costly_rig(full=0.2, quick=0.19)  # e.g. a big image: the LOD does not help
    src.change = True
    pump.tick(now=5.0)
    pump.ack(2)
    pump.tick(now=5.4)
    pump.ack(3)
    src.change = True
    pump.tick(now=10.0)
    assert src.lowres == [False, True, False, False]
    assert sent[-1]["mime"] == "image/png"


def test_previews_can_be_switched_off() -> None:
    pump, src, _sent = _costly_rig(full=0.2, quick=0.03, preview_above=None)
    src.change = True
    pump.tick(now=5.0)
    assert src.lowres == [False, False]


def test_a_stream_of_changes_goes_out_as_previews_when_full_frames_are_slow() -> None:
    pump, src, sent = _costly_rig(full=0.2, quick=0.03)
    t = 5.0
    for _ in range(5):  # a cell logging every 50 ms
        t += 0.05
        src.change = True
        pump.tick(now=t)
        pump.ack(pump.stats.sent_frames)
    assert src.lowres[1:] == [True] * 5 and {c["mime"] for c in sent[1:]} == {"image/jpeg"}
    pump.tick(now=t + 0.35)
    assert src.lowres[-1] is False and sent[-1]["mime"] == "image/png"


def test_the_session_turns_a_lowres_request_into_a_renderer_preview() -> None:
    from rerun_notebook.session import ViewerSession
    from tests.notebook.fakes import FakeApp, FakeStore

    previews: list[bool] = []

    class PreviewApp(FakeApp):
        def render(self, *, preview: bool = False) -> np.ndarray:
            previews.append(preview)
            return super().render()

    session = ViewerSession(32, 24, app_factory=PreviewApp)
    session.add_store("rec", FakeStore())
    session.prepare(0.0)
    assert session.render(lowres=True) is not None
    assert session.render() is not None
    assert previews == [True, False]


def test_a_very_slow_full_frame_waits_for_as_long_a_quiet_spell() -> None:
    """1M points: data arriving every 0.5 s is never held up behind a 1 s full render."""
    pump, src, sent = _costly_rig(full=1.0, quick=0.05)
    t = 5.0
    for _ in range(4):
        src.change = True
        assert pump.tick(now=t)
        pump.ack(pump.stats.sent_frames)
        assert not pump.tick(now=t + 0.45)  # past still_delay, but not quiet for a full frame's time
        t += 0.5
    assert src.lowres[1:] == [True] * 4
    assert pump.tick(now=t + 0.6) and src.lowres[-1] is False and sent[-1]["mime"] == "image/png"


@pytest.mark.slow
def test_real_viewer_sends_new_data_first_as_a_preview_then_lossless() -> None:
    """Viewer + session + pygfx renderer + pump: the first frame after a log already draws the
    new entity (a JPEG preview with the big cloud subsampled), the PNG follows once quiet."""
    from io import BytesIO

    from PIL import Image

    import rerun as rr
    from rerun import notebook as nb

    rec = rr.RecordingStream("pump_preview", recording_id="pump_preview")
    cloud = np.random.default_rng(0).normal(size=(10_000, 3)).astype(np.float32)
    rec.log("cloud", rr.Points3D(cloud, colors=[200, 120, 40], radii=0.01))
    v = nb.Viewer(recording=rec, width=320, height=240)
    sent: list[tuple[dict, bytes]] = []
    try:
        if v.widget.session.error:
            pytest.skip(v.widget.session.error)
        pump = v.widget.pump
        pump.close()  # stepped by hand below
        pump._send = lambda c, b: sent.append((c, b[0]))
        pump.preview_above = 0.0  # as if full frames were slow: every change previews first
        v.widget.session.app.preview_max_points = 1_000
        pump.set_visible("test", True)
        pump.tick(now=1.0)  # the first frame: a preview (10k points, over the preview budget) ...
        pump.ack(1)
        assert sent[-1][0]["mime"] == "image/jpeg"
        assert pump.tick(now=2.0)  # ... and the full frame right after, which measures its cost
        pump.ack(2)
        assert sent[-1][0]["mime"] == "image/png"
        rec.log("new", rr.Points3D([[0, 0, 6]], colors=[0, 255, 0], radii=-10.0))
        rec.flush()
        assert pump.tick(now=10.0)
        mime, data = sent[-1][0]["mime"], sent[-1][1]
        assert mime == "image/jpeg"
        img = np.asarray(Image.open(BytesIO(data)).convert("RGB")).astype(int)
        green = (img[..., 1] > 180) & (img[..., 0] < 110) & (img[..., 2] < 110)
        assert green.sum() > 10  # the new entity is in the preview
        lod = v.widget.session.app.view("spatial3d:/").visualizers[("/cloud", "Points3D")].lod
        assert lod is not None and lod.geometry.positions.data.shape[0] <= 1_000
        pump.ack(3)
        assert pump.tick(now=100.0)  # quiet for longer than a full frame takes
        assert sent[-1][0]["mime"] == "image/png" and pump.stats.preview_frames == 2
    finally:
        v.close()
        rec.disconnect()
