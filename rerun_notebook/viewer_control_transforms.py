"""A recording's transform graph at its time cursor, in the JSON form Rerun 0.41's viewer control
answers (``ViewerClient.get_transform_graph``): frames, edges, the query and its options.

Each entity path is a frame (``tf#/world/cam``), its ancestors too. An entity's edge from its parent
is its ``Transform3D`` and its ``Pinhole`` where it has them, latest at the cursor, else the entity
hierarchy's own static edge. Named frames (``CoordinateFrame``, a transform's ``child_frame``) are
not read: this viewer places entities by their paths only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_TRANSFORM = tuple(
    f"Transform3D:{f}"
    for f in ("translation", "rotation_axis_angle", "quaternion", "scale", "mat3x3", "relation")
)
_PINHOLE = tuple(
    f"Pinhole:{f}" for f in ("image_from_camera", "resolution", "camera_xyz", "image_plane_distance")
)
_VIEW_DIRS = {1: "U", 2: "D", 3: "R", 4: "L", 5: "F", 6: "B"}
_FRAME_FILTERS = {0: "all", 1: "entity_path", 2: "named", 3: "all"}
_EDGE_FILTERS = {0: "all", 1: "static", 2: "temporal", 3: "all"}


def _frames(store: Any) -> list[str]:
    """Every entity path and its ancestors, ``/`` first."""
    out = {"/"}
    for path in store.entity_paths():
        parts = str(path).strip("/").split("/")
        out.update("/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1) if parts[0])
    return sorted(out)


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def _latest(
    store: Any, path: str, columns: tuple[str, ...], cursor: tuple[str | None, int | None]
) -> tuple[dict[str, Any], int | None] | None:
    """The latest cells of ``columns`` at the cursor (their newest time; None: static), if any."""
    timeline, time = cursor
    cells = {k: v for k, v in store.latest_at(path, columns, timeline, time).items() if v is not None}
    if not cells:
        return None
    times = [cell.time for cell in cells.values() if cell.time is not None]
    return {k.split(":", 1)[1]: cell.values for k, cell in cells.items()}, (max(times) if times else None)


def _sample(time: int | None) -> dict[str, Any]:
    return {"kind": "static"} if time is None else {"kind": "temporal", "value": str(time)}


def _transform_source(path: str, data: dict[str, Any], detail: bool) -> dict[str, Any]:
    from rerun_core.viewer.transforms import transform_matrix

    source: dict[str, Any] = {"kind": "transform", "entity_path": path}
    if detail:
        source["parent_from_child"] = np.asarray(transform_matrix(data), dtype=float).tolist()
    return source


def _pinhole_source(path: str, data: dict[str, Any], detail: bool) -> dict[str, Any]:
    from rerun_core.viewer import arrow_data as ad
    from rerun_core.viewer.transforms import Pinhole

    source: dict[str, Any] = {"kind": "pinhole", "entity_path": path}
    if detail:
        pinhole = Pinhole(data)
        xyz = ad.first(data.get("camera_xyz"))
        codes = list(xyz) if isinstance(xyz, (list, tuple, bytes)) else []
        source["image_from_camera"] = [
            [pinhole.fx, 0.0, pinhole.cx],
            [0.0, pinhole.fy, pinhole.cy],
            [0.0, 0.0, 1.0],
        ]
        source["resolution"] = [pinhole.width, pinhole.height]
        source["camera_xyz"] = "".join(_VIEW_DIRS.get(int(c), "?") for c in codes) or "RDF"
    return source


def transform_graph(
    store: Any, cursor: tuple[str | None, int | None], time_type: str, request: Any
) -> dict[str, Any]:
    """The graph as 0.41 writes it, filtered by the request's frame and edge filters."""
    frame_filter = _FRAME_FILTERS.get(int(request.frame_filter), "all")
    edge_filter = _EDGE_FILTERS.get(int(request.edge_filter), "all")
    detail = bool(request.include_transforms) if request.HasField("include_transforms") else False
    paths = _frames(store)
    in_2d: set[str] = set()
    edges: list[dict[str, Any]] = []
    for path in paths:
        if path == "/":
            continue
        found = []
        transform = _latest(store, path, _TRANSFORM, cursor)
        if transform is not None:
            found.append((transform[1], _transform_source(path, transform[0], detail)))
        pinhole = _latest(store, path, _PINHOLE, cursor)
        if pinhole is not None:
            found.append((pinhole[1], _pinhole_source(path, pinhole[0], detail)))
            in_2d.add(path)
        for time, source in found or [(None, {"kind": "implicit_hierarchy"})]:
            edges.append(
                {
                    "parent": f"tf#{_parent(path)}",
                    "child": f"tf#{path}",
                    "sample_time": _sample(time),
                    "source": source,
                }
            )
    edges.sort(key=lambda e: (e["parent"], e["child"]))  # stable: a transform before its pinhole
    if edge_filter != "all":
        edges = [e for e in edges if e["sample_time"]["kind"] == edge_filter]
    frames = [
        {
            "id": f"tf#{path}",
            "kind": "entity_path",
            "subspace": "2D" if path in in_2d else "3D",  # the pinhole's own frame, as 0.41
            "has_transform": True,
        }
        for path in paths
    ]
    if frame_filter == "named":  # this viewer has no named frames, so no edges between them either
        frames, edges = [], []
    timeline, time = cursor
    query = {"timeline": timeline, "time_type": time_type, "mode": "at_cursor", "time": str(time)}
    return {
        "frames": frames,
        "edges": edges,
        "query": query if timeline is not None and time is not None else {"mode": "static"},
        "options": {"frame_filter": frame_filter, "edge_filter": edge_filter, "include_transforms": detail},
        "missing_chunks": False,
    }
