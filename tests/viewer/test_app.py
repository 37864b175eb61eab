"""ViewerApp behaviour: time cursor, layout, input, picking, visibility, caching, HTML data."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from rerun_core.types import TimeType
from tests.viewer import builders as b
from tests.viewer.conftest import color_mask, content_mask

F32 = pa.float32()


def _points(store, path="pts", pts=((0, 0, 0), (1, 1, 1)), color=(255, 0, 0), radius=-3.0, time=None) -> None:
    fields = {"positions": b.vecs(pts, 3), "colors": b.colors([color]), "radii": pa.array([radius], F32)}
    b.log(store, path, "Points3D", fields, time=time)


def test_time_cursor_follows_newest_data_and_set_time_goes_back(store, render) -> None:
    _points(store, color=(255, 0, 0), time=1)
    _points(store, color=(0, 255, 0), time=2)
    app, frame = render()
    assert app.time_cursor == ("frame", 2)
    assert color_mask(frame, (0, 255, 0)).sum() > 0 and color_mask(frame, (255, 0, 0)).sum() == 0
    app.set_time("frame", 1)
    assert app.is_dirty()
    frame = app.render()
    assert color_mask(frame, (255, 0, 0)).sum() > 0 and color_mask(frame, (0, 255, 0)).sum() == 0
    app.set_time("frame", None)
    assert app.time_cursor == ("frame", 2)


def test_new_data_marks_dirty_and_updates_buffers_in_place(store, render) -> None:
    _points(store, time=1)
    app, _ = render()
    assert not app.is_dirty()
    vis = app.view("spatial3d:/").visualizers[("/pts", "Points3D")]
    buf = vis.points.geometry.positions
    _points(store, pts=((0, 0, 0), (2, 2, 2)), time=2)
    assert app.is_dirty()
    app.render()
    assert vis.points.geometry.positions is buf  # same instance count: rewritten in place
    np.testing.assert_allclose(buf.data[1], [2, 2, 2])


def test_layout_grid_has_one_view_per_space(store, render) -> None:
    _points(store, "world/pts")
    b.log(store, "cam/img", "Image", b.image(np.zeros((4, 4, 3), np.uint8)))
    b.log(store, "plot/a", "Scalars", {"scalars": pa.array([1.0])}, time=0)
    b.log(store, "log", "TextLog", {"text": pa.array(["hi"]), "level": pa.array(["INFO"])}, time=0)
    app, _ = render(200, 100)
    views = app.layout()
    # Rerun's auto layout orders views by origin (then name): /, / (logs), /cam, /plot/a
    assert [v["kind"] for v in views] == ["spatial3d", "text_log", "spatial2d", "timeseries"]
    assert [v["html"] for v in views] == [False, True, False, False]
    rects = [v["rect"] for v in views]
    assert all(x + w <= 200 and y + h <= 100 for x, y, w, h in rects)
    assert rects[0][:2] == (0, 0) and rects[1][1] == 0 and rects[3][1] > 0


def test_drag_orbits_wheel_zooms_and_double_click_resets(store, render) -> None:
    _points(store, pts=np.random.default_rng(1).normal(size=(50, 3)))
    app, before = render()
    state0 = app.camera_state("spatial3d:/")
    app.handle_event({"event_type": "pointer_down", "x": 80, "y": 60, "button": 1, "modifiers": []})
    assert app.handle_event({"event_type": "pointer_move", "x": 120, "y": 70, "button": 1, "modifiers": []})
    moving = app.render()  # reduced resolution while dragging, same frame size
    assert moving.shape == before.shape
    app.handle_event({"event_type": "pointer_up", "x": 120, "y": 70, "button": 1, "modifiers": []})
    after = app.render()
    assert app.camera_state("spatial3d:/")["yaw"] != state0["yaw"]
    assert np.abs(after.astype(int) - before.astype(int)).sum() > 0
    app.handle_event({"event_type": "wheel", "x": 80, "y": 60, "dx": 0, "dy": 200, "modifiers": []})
    assert app.camera_state("spatial3d:/")["distance"] > state0["distance"]
    _points(store, pts=np.random.default_rng(2).normal(size=(50, 3)))  # new data keeps the user's camera
    app.render()
    assert app.camera_state("spatial3d:/")["distance"] > state0["distance"]
    app.handle_event({"event_type": "double_click", "x": 80, "y": 60, "button": 1, "modifiers": []})
    app.render()
    assert app.camera_state("spatial3d:/")["yaw"] == pytest.approx(state0["yaw"])


def test_pan_in_2d_view_and_interactive_scale(store, render) -> None:
    b.log(store, "img", "Image", b.image(np.full((48, 64, 3), 200, np.uint8)))
    app, _ = render(128, 96)
    c0 = app.camera_state("spatial2d:/img")["center"]
    app.handle_event({"event_type": "pointer_down", "x": 60, "y": 50, "button": 1, "modifiers": []})
    app.handle_event({"event_type": "pointer_move", "x": 70, "y": 50, "button": 1, "modifiers": []})
    app.handle_event({"event_type": "pointer_up", "x": 70, "y": 50, "button": 1, "modifiers": []})
    c1 = app.camera_state("spatial2d:/img")["center"]
    assert c1[0] == pytest.approx(c0[0] - 5.0)  # 10 px drag at 2 px per image pixel
    app.set_interactive(True)
    frame = app.render()
    assert frame.shape == (96, 128, 4)
    assert app.min_interactive_scale <= app._last_scale <= app.interactive_scale < 1.0


def test_pick_returns_entity_instance_and_values(store, render) -> None:
    pts = [[-1, 0, 0], [1, 0, 0]]
    b.log(
        store,
        "a/pts",
        "Points3D",
        {"positions": b.vecs(pts, 3), "radii": pa.array([-12.0], F32), "labels": pa.array(["left", "right"])},
    )
    app, frame = render()
    mask = content_mask(frame)
    ys, xs = np.nonzero(mask)
    right = xs > np.median(xs)
    x, y = int(np.median(xs[right])), int(np.median(ys[right]))
    hit = app.pick(x, y)
    assert hit is not None
    assert hit["entity_path"] == "/a/pts" and hit["archetype"] == "Points3D"
    assert hit["instance"] == 1
    assert hit["values"]["labels"] == "right"
    assert hit["values"]["positions"] == [1.0, 0.0, 0.0]
    assert app.pick(2, 2) is None


def test_set_visible_hides_entity_and_descendants(store, render) -> None:
    _points(store, "world/a", color=(255, 0, 0))
    _points(store, "world/a/b", pts=((3, 0, 0), (3, 1, 0)), color=(0, 255, 0))
    app, frame = render()
    assert color_mask(frame, (0, 255, 0)).sum() > 0
    app.set_visible("world/a", False)
    frame = app.render()
    assert color_mask(frame, (0, 255, 0)).sum() == 0 and color_mask(frame, (255, 0, 0)).sum() == 0
    app.set_visible("world/a", True)
    assert color_mask(app.render(), (255, 0, 0)).sum() > 0


def test_time_series_lines_legend_and_cursor(store, render) -> None:
    for t in range(30):
        b.log(store, "plot/sin", "Scalars", {"scalars": pa.array([np.sin(t / 4)])}, time=t)
        b.log(store, "plot/cos", "Scalars", {"scalars": pa.array([np.cos(t / 4)])}, time=t)
    b.log(store, "plot/sin", "SeriesLines", {"colors": b.colors([[255, 0, 0]]), "names": pa.array(["sine"])})
    app, frame = render(200, 120)
    assert [v["kind"] for v in app.layout()] == ["timeseries", "timeseries"]  # one plot per entity
    view = app.view("timeseries:/plot/sin")
    assert [name for name, _ in view.legend] == ["sine"]
    assert [name for name, _ in app.view("timeseries:/plot/cos").legend] == ["/plot/cos"]
    assert color_mask(frame, (255, 0, 0), tol=60).sum() > 100
    assert view.camera.x_range == (0.0, 29.0)
    app.set_time("frame", 10)
    app.render()
    assert view.cursor.local.x == pytest.approx(10.0)


def test_time_series_on_a_duration_timeline_uses_seconds(store, render) -> None:
    for t in range(5):
        b.log(
            store,
            "s",
            "Scalars",
            {"scalars": pa.array([float(t)])},
            time=t * 10**9,
            timeline="sim",
            timeline_type=TimeType.DURATION,
        )
    app, _ = render()
    assert app.view("timeseries:/s").camera.x_range == (0.0, 4.0)


def test_bar_chart_and_tensor_views(store, render) -> None:
    def tensor(arr: np.ndarray) -> pa.Array:
        flat = pa.array(arr.reshape(-1).astype(np.float32), pa.float32())
        lists = pa.ListArray.from_arrays(pa.array([0, len(flat)], pa.int32()), flat)
        union = pa.UnionArray.from_dense(
            pa.array([10], pa.int8()), pa.array([0], pa.int32()), [lists], ["F32"], [10]
        )
        shape = pa.array([list(arr.shape)], pa.list_(pa.field("item", pa.uint64(), False)))
        names = pa.array([None], pa.list_(pa.field("item", pa.string(), False)))
        return pa.StructArray.from_arrays([shape, names, union], names=["shape", "names", "buffer"])

    b.log(
        store,
        "bars",
        "BarChart",
        {"values": tensor(np.array([1, 3, 2, 5])), "color": b.colors([[255, 128, 0]])},
    )
    b.log(store, "tensor", "Tensor", {"data": tensor(np.arange(2 * 8 * 10).reshape(2, 8, 10))})
    app, frame = render(240, 120)
    rects = {v["id"]: v["rect"] for v in app.layout()}
    x, y, w, h = rects["bar_chart:/bars"]
    assert color_mask(frame[y : y + h, x : x + w], (255, 128, 0)).sum() > 200
    tv = app.view("tensor:/tensor")
    assert tv.axes == (1, 2) and tv.slice_2d().shape == (8, 10)
    x, y, w, h = rects["tensor:/tensor"]
    assert content_mask(frame[y : y + h, x : x + w]).mean() > 0.3
    assert app.tensor_info("tensor:/tensor") == {
        "names": ["dim0", "dim1", "dim2"],
        "shape": [2, 8, 10],
        "axes": [1, 2],
        "slice": {0: 1},
    }
    app.set_tensor_slice("tensor:/tensor", {0: 0})
    app.render()
    assert tv.slice_2d()[0, 0] == 0.0


def test_text_log_and_document_data_for_html_views(store, render) -> None:
    b.log(store, "logs", "TextLog", {"text": pa.array(["first"]), "level": pa.array(["INFO"])}, time=1)
    b.log(
        store,
        "logs",
        "TextLog",
        {"text": pa.array(["second"]), "level": pa.array(["WARN"]), "color": b.colors([[255, 0, 0]])},
        time=2,
    )
    b.log(
        store,
        "readme",
        "TextDocument",
        {"text": pa.array(["# Title"]), "media_type": pa.array(["text/markdown"])},
    )
    app, frame = render()
    kinds = {v["id"]: v["kind"] for v in app.layout()}
    assert kinds == {"text_document:/readme": "text_document", "text_log:/": "text_log"}
    rows = app.text_log("text_log:/")
    assert [(r["time"], r["level"], r["text"]) for r in rows] == [(1, "INFO", "first"), (2, "WARN", "second")]
    assert rows[1]["color"] == "#ff0000"
    app.set_time("frame", 1)
    assert [r["text"] for r in app.text_log("text_log:/")] == ["first"]
    assert app.text_document("text_document:/readme") == {"text": "# Title", "media_type": "text/markdown"}
    assert not content_mask(frame).any()  # HTML views are left to the widget


def test_no_vulkan_driver_gives_a_clear_error(monkeypatch) -> None:
    import wgpu

    from rerun_core.viewer import gpu

    monkeypatch.setattr(gpu, "_ADAPTER_INFO", None)
    monkeypatch.setattr(wgpu.gpu, "request_adapter_sync", lambda **_: None)
    with pytest.raises(gpu.NoGpuError, match="mesa-vulkan-drivers"):
        gpu.check_gpu()


def test_wheel_renders_reduced_then_asks_for_a_full_frame(store, render) -> None:
    _points(store)
    app, _ = render()
    app.wheel_settle_s = 60.0
    assert app.handle_event({"event_type": "wheel", "x": 80, "y": 60, "dx": 0, "dy": 50, "modifiers": []})
    app.render()
    assert app._last_scale < 1.0
    app._moving_until = 0.0  # the wheel settled
    assert app.is_dirty()
    app.render()
    assert app._last_scale == 1.0 and not app.is_dirty()


def test_right_drag_pans_in_3d_and_resize_event(store, render) -> None:
    _points(store, pts=np.random.default_rng(3).normal(size=(20, 3)))
    app, _ = render()
    t0 = np.array(app.camera_state("spatial3d:/")["target"])
    app.handle_event({"event_type": "pointer_down", "x": 80, "y": 60, "button": 2, "modifiers": []})
    app.handle_event({"event_type": "pointer_move", "x": 100, "y": 60, "button": 2, "modifiers": []})
    app.handle_event({"event_type": "pointer_up", "x": 100, "y": 60, "button": 2, "modifiers": []})
    state = app.camera_state("spatial3d:/")
    assert np.linalg.norm(np.array(state["target"]) - t0) > 0
    assert app.handle_event({"event_type": "resize", "width": 100, "height": 50, "pixel_ratio": 1})
    assert app.render().shape == (50, 100, 4)
    assert app.layout()[0]["rect"] == (0, 0, 100, 50)


def test_plot_wheel_zooms_time_axis_and_drag_pans(store, render) -> None:
    for t in range(20):
        b.log(store, "s", "Scalars", {"scalars": pa.array([float(t)])}, time=t)
    app, _ = render()
    x0 = app.camera_state("timeseries:/s")["x_range"]
    app.handle_event({"event_type": "wheel", "x": 100, "y": 60, "dx": 0, "dy": -300, "modifiers": []})
    x1 = app.camera_state("timeseries:/s")["x_range"]
    assert x1[1] - x1[0] < x0[1] - x0[0]
    app.handle_event({"event_type": "pointer_down", "x": 100, "y": 60, "button": 1, "modifiers": []})
    app.handle_event({"event_type": "pointer_move", "x": 80, "y": 60, "button": 1, "modifiers": []})
    app.handle_event({"event_type": "pointer_up", "x": 80, "y": 60, "button": 1, "modifiers": []})
    x2 = app.camera_state("timeseries:/s")["x_range"]
    assert x2[0] > x1[0]


def test_pick_on_an_image_returns_the_pixel_value(store, render) -> None:
    img = np.zeros((48, 64, 3), np.uint8)
    img[:, :, 0] = np.arange(64, dtype=np.uint8)[None, :] * 2
    b.log(store, "img", "Image", b.image(img))
    app, _ = render(128, 96)
    hit = app.pick(41, 21)  # image pixel (20, 10)
    assert hit is not None and hit["entity_path"] == "/img" and hit["archetype"] == "Image"
    assert hit["values"]["pixel"] == [20, 10]
    assert hit["values"]["value"] == [40, 0, 0]


def test_series_points_draw_markers_and_several_scalars_make_several_series(store, render) -> None:
    import pygfx as gfx

    for t in range(10):
        b.log(store, "m/pts", "Scalars", {"scalars": pa.array([float(t)])}, time=t)
        b.log(store, "m/pair", "Scalars", {"scalars": pa.array([float(t), -float(t)])}, time=t)
    b.log(
        store,
        "m/pts",
        "SeriesPoints",
        {"colors": b.colors([[0, 255, 0]]), "marker_sizes": pa.array([4.0], F32)},
    )
    app, frame = render(200, 120)
    pts, pair = app.view("timeseries:/m/pts"), app.view("timeseries:/m/pair")
    assert isinstance(pts.lines[("/m/pts", 0)], gfx.Points)
    assert isinstance(pair.lines[("/m/pair", 1)], gfx.Line)
    assert (len(pts.legend), len(pair.legend)) == (1, 2)
    assert color_mask(frame, (0, 255, 0), tol=60).sum() > 20


def test_time_axis_labels_are_absolute(store, render) -> None:
    for t in range(100, 141):
        b.log(store, "s", "Scalars", {"scalars": pa.array([float(t)])}, time=t)
    app, _ = render(200, 120)
    view = app.view("timeseries:/s")
    labels = [t.text for t in view.overlay((0, 0, 200, 120)) if t.anchor == "ma"]
    assert "100" in labels and "120" in labels and "0" not in labels


def test_timestamp_axis_shows_clock_time(store, render) -> None:
    base = 1_700_000_000 * 10**9  # 2023-11-14T22:13:20Z
    for i in range(11):
        b.log(
            store,
            "s",
            "Scalars",
            {"scalars": pa.array([float(i)])},
            time=base + i * 10**9,
            timeline="wall",
            timeline_type=TimeType.TIMESTAMP,
        )
    app, _ = render(200, 120)
    labels = [t.text for t in app.view("timeseries:/s").overlay((0, 0, 200, 120)) if t.anchor == "ma"]
    assert "22:13:20" in labels or "22:13:22" in labels


def test_selection_outlines_the_picked_instance(store, render) -> None:
    b.log(
        store,
        "boxes",
        "Boxes3D",
        {"half_sizes": b.vecs([[1, 1, 1], [1, 1, 1]], 3), "centers": b.vecs([[-3, 0, 0], [3, 0, 0]], 3)},
    )
    app, before = render()
    app.set_selection("/boxes", 1)
    assert app.is_dirty()
    after = app.render()
    view = app.view("spatial3d:/")
    segs = view.selection_box.geometry.positions.data
    np.testing.assert_allclose(segs.min(axis=0), [2, -1, -1], atol=1e-5)
    np.testing.assert_allclose(segs.max(axis=0), [4, 1, 1], atol=1e-5)
    assert color_mask(after, (255, 217, 51), tol=40).sum() > color_mask(before, (255, 217, 51), tol=40).sum()
    app.set_selection(None)
    app.render()
    assert not view.selection_box.visible


def test_time_series_requery_only_entities_with_new_data(store, render, monkeypatch) -> None:
    for t in range(5):
        b.log(store, "p/a", "Scalars", {"scalars": pa.array([float(t)])}, time=t)
        b.log(store, "p/b", "Scalars", {"scalars": pa.array([float(-t)])}, time=t)
    app, _ = render()
    queried: list[str] = []
    real_range = store.range
    monkeypatch.setattr(
        store, "range", lambda path, *a, **k: queried.append(str(path)) or real_range(path, *a, **k)
    )
    b.log(store, "p/a", "Scalars", {"scalars": pa.array([9.0])}, time=4)  # same time range
    app.render()
    assert queried == ["/p/a"]
    view = app.view("timeseries:/p/a")
    assert view.lines[("/p/a", 0)].geometry.positions.data[:, 1].max() == 9.0
    assert len(view.legend) == 1
