"""`rerun.notebook` / `rr.notebook_show`: the rerun-sdk-shaped API over the widget."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import rerun as rr
from rerun import notebook as nb

from .fakes import FakeApp


@pytest.fixture
def fake_renderer(monkeypatch: pytest.MonkeyPatch) -> list[FakeApp]:
    apps: list[FakeApp] = []

    def factory(store: Any, w: int, h: int) -> FakeApp:
        apps.append(FakeApp(store, w, h))
        return apps[-1]

    monkeypatch.setattr("rerun_notebook.session.default_app_factory", factory)
    return apps


def test_import_stays_light() -> None:
    code = "import sys, rerun, rerun.notebook; print(sorted(m for m in ('anywidget','pygfx','wgpu','ipywidgets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_viewers_of_one_recording_share_one_store(fake_renderer: list[FakeApp]) -> None:
    rec = rr.RecordingStream("nb_test", recording_id="share")
    rec.log("pts", rr.Points3D(np.zeros((3, 3))))
    a = nb.Viewer(recording=rec)
    b = nb.Viewer(recording=rec)
    try:
        sa, sb = a.widget.session.store, b.widget.session.store
        assert sa is sb and sa is not None
        assert "/pts" in [str(p) for p in sa.entity_paths()]
        rec.log("more", rr.Points3D(np.ones((2, 3))))
        rec.flush()
        assert "/more" in [str(p) for p in sa.entity_paths()]
    finally:
        a.close()
        b.close()


def test_events_arrive_as_rerun_event_classes(fake_renderer: list[FakeApp]) -> None:
    rec = rr.RecordingStream("nb_app", recording_id="ev")
    v = nb.Viewer(recording=rec)
    got: list[Any] = []
    v.on_event(got.append)
    try:
        v.widget._on_custom_msg(v.widget, {"type": "click", "x": 50, "y": 50}, [])
        v.widget.pump.tick()
        sel = [e for e in got if isinstance(e, nb.SelectionChangeEvent)]
        assert sel and sel[0].type == "selection_change"
        assert sel[0].application_id == "nb_app" and sel[0].recording_id == "ev"
        item = sel[0].items[0]
        assert (
            isinstance(item, nb.EntitySelectionItem)
            and item.entity_path == "/points"
            and item.instance_id == 3
        )
    finally:
        v.close()


def test_api_validation(fake_renderer: list[FakeApp]) -> None:
    rec = rr.RecordingStream("nb_val", recording_id="val")
    v = nb.Viewer(recording=rec)
    try:
        with pytest.raises(ValueError, match="Exactly one"):
            v.set_time_ctrl(sequence=1, duration=2.0)
        with pytest.raises(ValueError, match="expanded"):
            v.update_panels(time="big")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="unknown recording"):
            v.set_active_recording(recording_id="nope")
        v.update_panels(time="collapsed", blueprint="hidden")
        v.set_time_ctrl(timeline="frame", sequence=3, play=False)
        assert v.widget.session.panel_states == {"time": "collapsed", "blueprint": "hidden"}
        assert v.widget.session.time.timeline == "frame" and v.widget.session.time.time == 3
    finally:
        v.close()


def test_add_and_switch_recordings(fake_renderer: list[FakeApp]) -> None:
    r1 = rr.RecordingStream("nb_multi", recording_id="one")
    r2 = rr.RecordingStream("nb_multi", recording_id="two")
    v = nb.Viewer(recording=r1)
    try:
        v.add_recording(r2)
        assert v.widget.session.active == "two"
        v.set_active_recording(recording_id="one")
        assert v.widget.session.active == "one" and set(v.widget.session.stores) == {"one", "two"}
    finally:
        v.close()


def test_event_conversion_covers_every_kind() -> None:
    base = {"application_id": "a", "recording_id": "r"}
    assert isinstance(nb.viewer_event_from_dict({**base, "type": "play"}), nb.PlayEvent)
    assert isinstance(nb.viewer_event_from_dict({**base, "type": "pause"}), nb.PauseEvent)
    assert nb.viewer_event_from_dict({**base, "type": "time_update", "time": 3}).time == 3  # type: ignore[union-attr]
    tl = nb.viewer_event_from_dict({**base, "type": "timeline_change", "timeline": "f", "time": 1})
    assert isinstance(tl, nb.TimelineChangeEvent) and tl.timeline == "f"
    with pytest.raises(ValueError, match="Unknown event type"):
        nb.viewer_event_from_dict({**base, "type": "bogus"})


def test_real_renderer_draws_the_recording() -> None:
    """The actual pygfx renderer (lavapipe here): the snapshot is not blank."""
    rec = rr.RecordingStream("nb_real", recording_id="real")
    rec.log("pts", rr.Points3D(np.random.default_rng(1).random((200, 3)), colors=[255, 40, 40], radii=0.05))
    v = nb.Viewer(recording=rec, width=400, height=320)
    try:
        if v.widget.session.error:
            pytest.skip(v.widget.session.error)
        img = np.asarray(v.screenshot())
        red = (img[..., 0] > 180) & (img[..., 1] < 100)
        assert red.sum() > 100
    finally:
        v.close()


def test_no_vulkan_driver_gives_a_message_in_the_cell() -> None:
    """With no usable driver (Vulkan forced, no ICD), the output says what to install."""
    code = (
        "import numpy as np, rerun as rr\n"
        "rec = rr.RecordingStream('nodrv', recording_id='nodrv')\n"
        "rec.log('p', rr.Points3D(np.zeros((2, 3))))\n"
        "from rerun.notebook import Viewer\n"
        "data, _ = Viewer(recording=rec)._repr_mimebundle_()\n"
        "print('PNG' if 'image/png' in data else 'NOPNG')\n"
        "print(data['text/plain'])\n"
    )
    env = dict(__import__("os").environ, VK_ICD_FILENAMES="/nonexistent.json", WGPU_BACKEND_TYPE="Vulkan")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "NOPNG" in out.stdout and "mesa-vulkan-drivers" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


@pytest.mark.slow
def test_data_sent_to_the_kernels_grpc_endpoint_reaches_the_viewer(fake_renderer: list[FakeApp]) -> None:
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rec = rr.RecordingStream("grpc_nb", recording_id="kernel")
    url = rr.serve_grpc(grpc_port=port, recording=rec)
    v = nb.Viewer(recording=rec)
    try:
        rec.log("local/pts", rr.Points3D(np.zeros((3, 3))))
        code = (
            "import numpy as np, rerun as rr; rr.init('remote_app', recording_id='remote');"
            f"rr.connect_grpc({url!r}); rr.log('remote/pts', rr.Points3D(np.ones((5, 3)))); rr.disconnect()"
        )
        child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert child.returncode == 0, child.stderr[-2000:]
        deadline = time.monotonic() + 20
        stores = v.widget.session.stores
        while time.monotonic() < deadline and not (
            "remote" in stores and "/remote/pts" in [str(p) for p in stores["remote"].entity_paths()]
        ):
            time.sleep(0.1)
        assert "/remote/pts" in [str(p) for p in stores["remote"].entity_paths()]
        rec.flush()
        assert "/local/pts" in [str(p) for p in stores["kernel"].entity_paths()]
    finally:
        v.close()
        rec.disconnect()
