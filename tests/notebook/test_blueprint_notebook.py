"""Blueprints sent from code reach the notebook viewer: layout tree, panels, time panel."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import pytest

import rerun as rr
import rerun.blueprint as rrb
from rerun import notebook as nb
from rerun_core.viewer.layout import ContainerSpec, views_of

from .fakes import FakeApp


class BlueprintApp(FakeApp):
    """FakeApp that records the trees the session hands it."""

    def __init__(self, store: Any, width: int, height: int) -> None:
        super().__init__(store, width, height)
        self.roots: list[ContainerSpec | None] = []
        self.maximized: list[str | None] = []

    def set_blueprint(self, root: ContainerSpec | None) -> None:
        self.roots.append(root)
        self.dirty = True

    def maximize(self, view_id: str | None) -> None:
        self.maximized.append(view_id)


@pytest.fixture
def apps(monkeypatch: pytest.MonkeyPatch) -> list[BlueprintApp]:
    made: list[BlueprintApp] = []

    def factory(store: Any, w: int, h: int) -> BlueprintApp:
        made.append(BlueprintApp(store, w, h))
        return made[-1]

    monkeypatch.setattr("rerun_notebook.session.default_app_factory", factory)
    return made


def _rec(app_id: str | None = None) -> rr.RecordingStream:
    rec = rr.RecordingStream(app_id or f"bp_nb_{uuid.uuid4().hex[:8]}", recording_id=uuid.uuid4().hex)
    rec.log("world/pts", rr.Points3D(np.zeros((3, 3))))
    return rec


def _names(root: ContainerSpec | None) -> list[str]:
    assert root is not None
    return [v.name for v in views_of(root)]


def test_viewer_blueprint_reaches_the_renderer_and_panels(apps: list[BlueprintApp]) -> None:
    rec = _rec()
    bp = rrb.Blueprint(
        rrb.Horizontal(
            rrb.Spatial3DView(origin="/world", name="w"), rrb.TextLogView(name="log"), column_shares=[2, 1]
        ),
        rrb.BlueprintPanel(state="hidden"),
        rrb.TimePanel(state="collapsed"),
    )
    v = nb.Viewer(recording=rec, blueprint=bp)
    try:
        v.widget.session.prepare(0.0)
        (app,) = apps
        assert len(app.roots) == 1
        root = app.roots[0]
        assert root is not None and root.kind == "horizontal" and root.shares == [2.0, 1.0]
        assert _names(root) == ["w", "log"]
        state = v.widget.session.state()
        assert state["panel_defaults"] == {"blueprint": "hidden", "time": "collapsed"}
        assert state["panels"] == {}  # not locked: the user may still open them
        v.widget.session.prepare(0.1)
        assert len(app.roots) == 1  # unchanged blueprint: not re-applied
    finally:
        v.close()


def test_send_blueprint_after_show_replaces_the_layout(apps: list[BlueprintApp]) -> None:
    rec = _rec()
    v = nb.Viewer(recording=rec)
    try:
        v.widget.session.prepare(0.0)
        (app,) = apps
        assert app.roots == []  # no blueprint: the heuristic layout stays
        rec.send_blueprint(rrb.Tabs(rrb.Spatial3DView(name="a"), rrb.Spatial2DView(name="b"), active_tab=1))
        assert v.widget.session.prepare(0.1)
        root = app.roots[-1]
        assert (
            root is not None and root.kind == "tabs" and root.active_tab == 1 and _names(root) == ["a", "b"]
        )
        rr.send_blueprint(rrb.Blueprint(rrb.TimePanel(expanded=False)), recording=rec)
        v.widget.session.prepare(0.2)
        assert app.roots[-1] is None  # panels only: back to the heuristic layout
        assert v.widget.session.state()["panel_defaults"] == {"time": "collapsed"}
    finally:
        v.close()


def test_a_default_blueprint_does_not_replace_the_active_one(apps: list[BlueprintApp]) -> None:
    rec = _rec()
    rec.send_blueprint(rrb.Spatial3DView(name="active"))
    v = nb.Viewer(recording=rec)
    try:
        rec.send_blueprint(rrb.Spatial3DView(name="default only"), make_active=False, make_default=True)
        v.widget.session.prepare(0.0)
        assert _names(apps[0].roots[-1]) == ["active"]
    finally:
        v.close()


def test_blueprints_of_other_applications_are_ignored(apps: list[BlueprintApp]) -> None:
    rec = _rec()
    v = nb.Viewer(recording=rec)
    try:
        other = _rec()
        nb.Viewer(recording=other, blueprint=rrb.Spatial3DView(name="other")).close()
        v.widget.session.prepare(0.0)
        assert apps[0].roots == []
        v.set_application_blueprint(rec.get_application_id(), rrb.Spatial2DView(name="mine"))
        v.widget.session.prepare(0.1)
        assert _names(apps[0].roots[-1]) == ["mine"]
    finally:
        v.close()


def test_switching_recordings_reapplies_the_blueprint(apps: list[BlueprintApp]) -> None:
    app_id = f"bp_nb_{uuid.uuid4().hex[:8]}"
    a, b = _rec(app_id), _rec(app_id)
    v = nb.Viewer(recording=a, blueprint=rrb.Spatial3DView(name="shared"))
    try:
        v.widget.session.prepare(0.0)
        v.add_recording(b)
        v.widget.session.prepare(0.1)
        assert len(apps) == 2 and _names(apps[1].roots[-1]) == ["shared"]
    finally:
        v.close()


def test_time_panel_settings_apply_to_the_time_control(apps: list[BlueprintApp]) -> None:
    rec = _rec()
    for t in range(5):
        rec.set_time("frame", sequence=t)
        rec.log("s", rr.Scalars(float(t)))
    bp = rrb.Blueprint(
        rrb.Spatial3DView(),
        rrb.TimePanel(
            timeline="frame", play_state="paused", loop_mode="all", playback_speed=2.0, time_selection=(1, 3)
        ),
    )
    v = nb.Viewer(recording=rec, blueprint=bp)
    try:
        v.widget.session.prepare(0.0)
        tc = v.widget.session.time
        assert (tc.timeline, tc.play_state, tc.loop_mode, tc.speed) == ("frame", "paused", "all", 2.0)
        assert tc.loop_selection == (1, 3)
    finally:
        v.close()


def test_notebook_show_with_blueprint(apps: list[BlueprintApp], monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Any] = []
    monkeypatch.setattr(nb.Viewer, "display", lambda self, block_until_ready=False: shown.append(self))
    rec = _rec()
    rr.notebook_show(blueprint=rrb.Vertical(rrb.Spatial3DView(name="top"), rrb.Spatial2DView(name="bottom")), recording=rec)  # fmt: skip
    (v,) = shown
    try:
        v.widget.session.prepare(0.0)
        root = apps[0].roots[-1]
        assert root is not None and root.kind == "vertical" and _names(root) == ["top", "bottom"]
    finally:
        v.close()


@pytest.mark.slow
def test_blueprint_sent_to_the_kernels_grpc_endpoint(apps: list[BlueprintApp]) -> None:
    """Another process's connect_grpc(default_blueprint=...) lays out its recording here."""
    import subprocess
    import sys
    import time

    from tests.server.rerun_procs import free_port

    rec = rr.RecordingStream("grpc_bp_kernel", recording_id=uuid.uuid4().hex)
    url = rr.serve_grpc(grpc_port=free_port(), recording=rec)
    v = nb.Viewer(recording=rec)
    try:
        code = (
            "import numpy as np, rerun as rr, rerun.blueprint as rrb; rr.init('grpc_bp_remote', recording_id='remote_bp');"
            f"rr.connect_grpc({url!r}, default_blueprint=rrb.Horizontal(rrb.Spatial3DView(name='remote a'), rrb.Spatial2DView(name='remote b')));"
            "rr.log('pts', rr.Points3D(np.ones((5, 3)))); rr.disconnect()"
        )
        child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert child.returncode == 0, child.stderr[-2000:]
        session = v.widget.session
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            session.prepare(time.monotonic())
            if session.active == "remote_bp" and apps[-1].roots:
                break
            time.sleep(0.1)
        assert session.active == "remote_bp"
        assert _names(apps[-1].roots[-1]) == ["remote a", "remote b"]
    finally:
        v.close()
        rec.disconnect()


@pytest.mark.skipif(__import__("shutil").which("node") is None, reason="node is not installed")
def test_js_blueprint_panel_states_rank_below_overrides_and_toggles(tmp_path: Any) -> None:
    """A blueprint's panel state is where a panel starts; the user's toggle and update_panels win over it."""
    import json

    from .test_js import _run

    out = _run(
        tmp_path,
        "import { panelStates } from 'MOD';"
        "const bp = { blueprint: 'collapsed', time: 'hidden' };"
        "console.log(JSON.stringify([panelStates({}, 1200, {}, bp), panelStates({}, 1200, { blueprint: 'expanded' }, bp),"
        " panelStates({ time: 'expanded' }, 1200, {}, bp)]));",
    )
    plain, toggled, locked = json.loads(out)
    assert plain["blueprint"] == "collapsed" and plain["time"] == "hidden" and plain["top"] == "expanded"
    assert toggled["blueprint"] == "expanded"
    assert locked["time"] == "expanded"


def test_web_viewer_page_follows_the_blueprint_in_its_hub() -> None:
    """`rerun file.rrd` / the web viewer: a blueprint stored next to the recording lays out the page."""
    from rerun.sinks import blueprint_messages
    from rerun_core.store import StoreHub
    from rerun_core.store.messages import BlueprintActivationCommand
    from rerun_notebook.web.page import PageSession

    made: list[BlueprintApp] = []

    def factory(store: Any, w: int, h: int) -> BlueprintApp:
        made.append(BlueprintApp(store, w, h))
        return made[-1]

    hub = StoreHub()
    rec = rr.RecordingStream("bp_web", recording_id="web_rec")
    rec._set_sinks([rr.sinks.StoreSink(hub)])  # type: ignore[attr-defined]
    rec.log("world/pts", rr.Points3D(np.zeros((3, 3))))
    rec.flush()
    msgs = blueprint_messages(
        rrb.Horizontal(rrb.Spatial3DView(name="w1"), rrb.Spatial2DView(name="w2")), "bp_web"
    )
    for m in msgs:
        hub.insert(m)
    hub.insert(BlueprintActivationCommand(msgs[0].store_id, make_active=True, make_default=True))
    page = PageSession(hub, lambda data: None, app_factory=factory)
    try:
        page.sync_recordings()
        page.session.prepare(0.0)
        assert _names(made[-1].roots[-1]) == ["w1", "w2"]
    finally:
        page.session.close()


def test_real_viewer_hides_an_overridden_entity_in_that_view_only() -> None:
    """EntityBehavior(visible=False) in one view's overrides; the other view still draws it."""
    from tests.viewer.conftest import color_mask, require_adapter

    require_adapter()
    rec = _rec()
    rec.log("world/red", rr.Points3D([[0, 0, 0], [1, 1, 1], [-1, 0, 1]], colors=[255, 0, 0], radii=0.3))
    bp = rrb.Horizontal(
        rrb.Spatial3DView(
            origin="/world", name="no red", overrides={"world/red": rrb.EntityBehavior(visible=False)}
        ),
        rrb.Spatial3DView(origin="/world", name="all"),
    )
    v = nb.Viewer(recording=rec, blueprint=bp, width=400, height=240)
    try:
        frame = np.asarray(v.screenshot())
        views = {x["name"]: x["rect"] for x in v.widget.session.state()["views"]}
        (lx, ly, lw, lh), (rx, ry, rw, rh) = views["no red"], views["all"]
        left = frame[int(ly) : int(ly + lh), int(lx) : int(lx + lw)]
        right = frame[int(ry) : int(ry + rh), int(rx) : int(rx + rw)]
        assert left.shape[0] > 100 and left.shape[1] > 100
        assert color_mask(right, (255, 0, 0), 70).sum() > 20
        assert color_mask(left, (255, 0, 0), 70).sum() == 0
    finally:
        v.close()


def test_a_blueprint_that_is_not_one_is_a_clear_type_error(apps: list[BlueprintApp]) -> None:
    rec = _rec()
    with pytest.raises(TypeError, match="Blueprint, View or Container, got str"):
        rec.send_blueprint("not a blueprint")
    with pytest.raises(TypeError, match="got dict"):
        nb.Viewer(recording=rec, blueprint={"views": []}).close()


@pytest.mark.slow
@pytest.mark.interop
def test_real_sdk_blueprint_over_grpc_lays_out_the_notebook_viewer(
    apps: list[BlueprintApp], oracle: Any
) -> None:
    """rerun-sdk 0.41 in another process: connect_grpc(url, default_blueprint=...) to this kernel."""
    import time

    from tests.server.rerun_procs import free_port

    rec = rr.RecordingStream("grpc_bp_kernel_real", recording_id=uuid.uuid4().hex)
    url = rr.serve_grpc(grpc_port=free_port(), recording=rec)
    v = nb.Viewer(recording=rec)
    try:
        oracle.run_script(
            "import sys, numpy as np, rerun as rr, rerun.blueprint as rrb\n"
            "rr.init('grpc_bp_real', recording_id='real_bp')\n"
            "bp = rrb.Vertical(rrb.Spatial3DView(name='real a'), rrb.TextLogView(name='real b'), row_shares=[3, 1])\n"
            "rr.connect_grpc(sys.argv[1], default_blueprint=bp)\n"
            "rr.log('pts', rr.Points3D(np.ones((5, 3))))\n"
            "rr.disconnect()\n",
            url,
        )
        session = v.widget.session
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (session.active == "real_bp" and apps[-1].roots):
            session.prepare(time.monotonic())
            time.sleep(0.1)
        root = apps[-1].roots[-1]
        assert root is not None and root.kind == "vertical" and root.shares == [3.0, 1.0]
        assert _names(root) == ["real a", "real b"]
    finally:
        v.close()
        rec.disconnect()
