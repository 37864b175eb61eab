"""The map view: geo data at the time cursor -> the browser's payload, spawn heuristic, blueprint
properties (MapZoom, MapBackground), the session's state entry and the saved notebook's picture."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import rerun as rr
import rerun.blueprint as rrb
from rerun.sinks import StoreSink
from rerun_core.store.hub import StoreHub
from rerun_core.viewer.blueprint_tree import BlueprintView, read_blueprint, resolve_entities
from rerun_core.viewer.heuristics import choose_views
from rerun_core.viewer.layout import views_of
from rerun_core.viewer.map_data import (
    DEFAULT_CENTER,
    fit_zoom,
    inverse_mercator,
    map_payload,
    mercator,
    meters_per_pixel,
    store_latest,
)
from rerun_core.viewer.query import EntityIndex
from rerun_notebook.map_panel import draw_map
from rerun_notebook.session import ViewerSession
from rerun_notebook.snapshot import draw_html_views

from .fakes import FakeApp

BUDAPEST = [[47.6344, 19.1397], [47.6334, 19.1399]]


def _hub(blueprint: Any = None) -> tuple[StoreHub, Any]:
    hub = StoreHub()
    rec = rr.RecordingStream("map_view", recording_id=uuid.uuid4().hex)
    rec._add_sink(StoreSink(hub))
    rec.set_time("frame", sequence=1)
    rec.log("pts", rr.GeoPoints(lat_lon=BUDAPEST, radii=rr.Radius.ui_points(20.0), colors=[255, 0, 0]))
    rec.log("route", rr.GeoLineStrings(lat_lon=[[[47.63, 19.13], [47.64, 19.15]]], radii=3.0))
    rec.log("world/cloud", rr.Points3D(np.zeros((2, 3))))
    rec.set_time("frame", sequence=2)
    rec.log("pts", rr.GeoPoints(lat_lon=[[10.0, 20.0]]))
    if blueprint is not None:
        rec.send_blueprint(blueprint)
    rec.flush()
    return hub, hub.get(hub.recordings()[0])


def _index(store: Any) -> dict[str, dict[str, set[str]]]:
    index = EntityIndex()
    index.add_chunks(store.chunks())
    return index.archetypes


def test_payload_follows_the_time_cursor_with_rerun_defaults() -> None:
    _, store = _hub()
    p1 = map_payload(store_latest(store, "frame", 1), ["/pts", "/route"])
    pts = p1["entities"][0]["points"]
    assert pts["pos"] == BUDAPEST
    assert pts["r"] == -20.0 and pts["c"] == 0xFF0000FF  # ui points stay negative, colors packed RGBA
    line = p1["entities"][1]["lines"]
    assert line["strips"] == [[[47.63, 19.13], [47.64, 19.15]]] and line["r"] == 3.0  # meters
    assert p1["span"] == [47.63, 19.13, 47.64, 19.15]
    assert p1["zoom"] is None and p1["provider"] == "OpenStreetMap"
    p2 = map_payload(store_latest(store, "frame", 2), ["/pts"])
    (ent,) = p2["entities"]
    assert ent["points"]["pos"] == [[10.0, 20.0]]
    assert ent["points"]["r"] == -20.0  # latest-at per component: the radius logged at 1 still holds
    assert map_payload(store_latest(store, "frame", 0), ["/pts"])["center"] == list(DEFAULT_CENTER)
    json.dumps(p1)


def test_class_ids_take_annotation_colors_and_labels() -> None:
    hub = StoreHub()
    rec = rr.RecordingStream("map_ann", recording_id=uuid.uuid4().hex)
    rec._add_sink(StoreSink(hub))
    rec.log("/", rr.AnnotationContext([(1, "cafe", (0, 255, 0)), (2, "bar", (0, 0, 255))]), static=True)
    rec.log("places", rr.GeoPoints(lat_lon=[[1.0, 2.0], [3.0, 4.0]], class_ids=[1, 2]), static=True)
    rec.flush()
    store = hub.get(hub.recordings()[0])
    (ent,) = map_payload(store_latest(store, None, None), ["/places"])["entities"]
    assert ent["points"]["c"] == [0x00FF00FF, 0x0000FFFF]
    assert ent["points"]["labels"] == ["cafe", "bar"]
    assert ent["points"]["r"] == -5.0  # Rerun's fallback: 5 ui points


def test_projection_and_fit_match_rerun() -> None:
    assert mercator(0.0, 0.0) == (0.5, 0.5)
    lat, lon = inverse_mercator(*mercator(47.5, 19.0))
    assert lat == pytest.approx(47.5) and lon == pytest.approx(19.0)
    zoom = fit_zoom((46.0, 6.0, 47.0, 7.0), 1024 + 15, 500 + 15)  # Rerun's test: between 8 and 9
    assert zoom is not None and 8.0 <= zoom <= 9.0
    world = fit_zoom((-85.0, -180.0, 85.0, 180.0), 1024 + 15, 512 + 15)
    assert world is not None and 0.0 <= world <= 2.0
    assert fit_zoom((46.0, 6.0, 46.0, 6.0), 1024, 512) is None  # one point: Rerun zooms to 16
    assert meters_per_pixel(0.0, 0.0) == pytest.approx(156543.03, rel=1e-6)


def test_one_map_view_at_the_root_for_geo_entities() -> None:
    _, store = _hub()
    views = choose_views(_index(store))
    maps = [v for v in views if v.kind == "map"]
    assert [(v.id, v.origin, v.entities) for v in maps] == [("map:/", "/", ["/pts", "/route"])]
    assert maps[0].as_dict()["html"] is True  # the widget draws it
    assert not [v for v in choose_views({"/a": {"Points3D": set()}}) if v.kind == "map"]


def test_blueprint_map_view_reads_zoom_provider_and_contents() -> None:
    bp = rrb.Blueprint(rrb.MapView(origin="/", name="Map", zoom=12.5, background=rrb.MapProvider.MapboxDark))
    hub, store = _hub(bp)
    root = read_blueprint(hub.get(hub.blueprints()[-1])).root
    assert root is not None
    resolve_entities(root, _index(store))
    (view,) = views_of(root)
    assert isinstance(view, BlueprintView)
    assert (view.kind, view.class_identifier, view.name) == ("map", "Map", "Map")
    assert view.entities == ["/pts", "/route"]  # geo entities only, not the 3D cloud
    d = view.as_dict()
    assert d["map_zoom"] == 12.5 and d["map_provider"] == 3
    payload = map_payload(store_latest(store, "frame", 1), view.entities, zoom=d["map_zoom"], provider=3)
    assert payload["zoom"] == 12.5 and payload["provider"] == "MapboxDark"


class _MapApp(FakeApp):
    def __init__(self, store: Any, width: int, height: int, view: dict[str, Any]) -> None:
        super().__init__(store, width, height)
        self.views = [view]  # type: ignore[list-item]


def _session(store: Any) -> ViewerSession:
    view = {"id": "map:/", "kind": "map", "origin": "/", "name": "/", "rect": (0, 20, 400, 300)}
    view["entities"] = ["/pts", "/route"]
    session = ViewerSession(400, 320, app_factory=lambda s, w, h: _MapApp(s, w, h, view))
    session.add_store("r", store)
    return session


def test_session_state_carries_the_map_payload_at_the_cursor() -> None:
    _, store = _hub()
    session = _session(store)
    session.time_action("seek", 1)
    session.prepare(0.0)
    (entry,) = session.state()["views"]
    assert entry["kind"] == "map"
    assert [e["path"] for e in entry["map"]["entities"]] == ["/pts", "/route"]
    assert entry["map"]["entities"][0]["points"]["pos"] == BUDAPEST
    session.set_entity_visible("/route", False)  # hidden entities leave the map
    session.time_action("seek", 2)
    session.prepare(0.1)
    (entry,) = session.state()["views"]
    assert [e["path"] for e in entry["map"]["entities"]] == ["/pts"]
    assert entry["map"]["entities"][0]["points"]["pos"] == [[10.0, 20.0]]
    session.close()


def test_snapshot_draws_graticule_and_points() -> None:
    from PIL import Image, ImageDraw

    point = {"path": "/p", "points": {"pos": [[10.0, 20.0]], "r": -6.0, "c": 0xFF0000FF}}
    payload: dict[str, Any] = {"entities": [point], "center": [10.0, 20.0], "span": [10.0, 20.0, 10.0, 20.0]}
    img = Image.new("RGBA", (200, 100), (0, 0, 0, 255))
    draw_map(ImageDraw.Draw(img), (0, 0, 200, 100), payload)
    px = np.asarray(img)
    assert tuple(px[50, 100][:3]) == (255, 0, 0)  # the lone point sits in the middle (zoom 16)
    assert tuple(px[5, 5][:3]) != (0, 0, 0)  # the background is painted
    frame = np.zeros((120, 200, 4), np.uint8)
    out = draw_html_views(frame, [{"kind": "map", "rect": [0, 20, 200, 100], "name": "/", "map": payload}])
    assert tuple(out[70, 100][:3]) == (255, 0, 0)


@pytest.mark.interop
def test_real_sdk_geo_data_and_map_blueprint_read_as_ours(oracle: Any, tmp_path: Path) -> None:
    """An .rrd written by the real rerun-sdk 0.41: same payload, view class and properties."""
    from rerun_core.store.load import load_rrd

    path = tmp_path / "geo.rrd"
    oracle.run_script(
        """
        import sys
        import rerun as rr, rerun.blueprint as rrb
        rr.init("geo_interop", recording_id="r1")
        bp = rrb.Blueprint(rrb.MapView(origin="/", name="M", zoom=14.0, background=rrb.MapProvider.MapboxLight))
        rr.save(sys.argv[1], default_blueprint=bp)
        rr.log("pts", rr.GeoPoints(lat_lon=[[47.6344, 19.1397], [47.6334, 19.1399]], radii=rr.Radius.ui_points(20.0),
                                   colors=[255, 0, 0]))
        rr.log("route", rr.GeoLineStrings(lat_lon=[[[47.63, 19.13], [47.64, 19.15]]], radii=3.0))
        """,
        str(path),
    )
    hub = load_rrd(str(path))
    store: Any = hub.get(hub.recordings()[0])
    root = read_blueprint(hub.get(hub.blueprints()[-1])).root
    assert root is not None
    resolve_entities(root, _index(store))
    (view,) = views_of(root)
    d: dict[str, Any] = view.as_dict()
    assert (d["kind"], d["name"], d["map_zoom"], d["map_provider"]) == ("map", "M", 14.0, 5)
    tl = next(iter(store.timelines()), None)
    t = store.time_range(tl)[1] if tl else None
    p = map_payload(store_latest(store, tl, t), view.entities, zoom=d["map_zoom"], provider=d["map_provider"])
    assert [e["path"] for e in p["entities"]] == ["/pts", "/route"]
    assert p["entities"][0]["points"] == {"pos": BUDAPEST, "r": -20.0, "c": 0xFF0000FF}
    assert p["entities"][1]["lines"]["strips"] == [[[47.63, 19.13], [47.64, 19.15]]]
    assert p["provider"] == "MapboxLight" and p["zoom"] == 14.0
