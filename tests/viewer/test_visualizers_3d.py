"""Each 3D visualizer draws non-background pixels where its data is (small offscreen frames)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from tests.viewer import builders as b
from tests.viewer.conftest import color_mask, content_mask

F32 = pa.float32()


def _center_weight(mask: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    return float(xs.mean()) / mask.shape[1], float(ys.mean()) / mask.shape[0]


def test_points3d_draw_in_their_colors_around_the_view_center(store, render) -> None:
    pts = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], np.float32)
    b.log(
        store,
        "pts",
        "Points3D",
        {"positions": b.vecs(pts, 3), "colors": b.colors([[255, 0, 0]]), "radii": pa.array([-4.0], F32)},
    )
    app, frame = render()
    red = color_mask(frame, (255, 0, 0))
    assert red.sum() >= 8 * 20  # eight discs of ~8 px diameter
    cx, cy = _center_weight(red)
    assert 0.3 < cx < 0.7 and 0.3 < cy < 0.7
    assert [v["kind"] for v in app.layout()] == ["spatial3d"]


def test_points3d_world_radii_grow_with_the_radius(store, render) -> None:
    b.log(
        store,
        "a",
        "Points3D",
        {
            "positions": b.vecs([[0, 0, 0], [4, 0, 0]], 3),
            "radii": pa.array([0.05], F32),
            "colors": b.colors([[0, 255, 0]]),
        },
    )
    _, small = render()
    b.log(
        store,
        "a",
        "Points3D",
        {
            "positions": b.vecs([[0, 0, 0], [4, 0, 0]], 3),
            "radii": pa.array([0.5], F32),
            "colors": b.colors([[0, 255, 0]]),
        },
    )
    _, big = render()
    assert color_mask(big, (0, 255, 0)).sum() > 4 * color_mask(small, (0, 255, 0)).sum() > 0


@pytest.mark.parametrize(
    ("archetype", "fields"),
    [
        ("Boxes3D", {"half_sizes": b.vecs([[1, 1, 1]], 3), "colors": b.colors([[0, 200, 255]])}),
        (
            "Boxes3D",
            {
                "half_sizes": b.vecs([[1, 1, 1]], 3),
                "colors": b.colors([[0, 200, 255]]),
                "fill_mode": pa.array([3], pa.uint8()),
            },
        ),
        (
            "LineStrips3D",
            {
                "strips": b.strips([[[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]]], 3),
                "colors": b.colors([[0, 200, 255]]),
                "radii": pa.array([-2.0], F32),
            },
        ),
        ("Arrows3D", {"vectors": b.vecs([[2, 0, 0], [0, 2, 0]], 3), "colors": b.colors([[0, 200, 255]])}),
        ("Ellipsoids3D", {"half_sizes": b.vecs([[1, 0.5, 0.5]], 3), "colors": b.colors([[0, 200, 255]])}),
        (
            "Ellipsoids3D",
            {
                "half_sizes": b.vecs([[1, 0.5, 0.5]], 3),
                "colors": b.colors([[0, 200, 255]]),
                "fill_mode": pa.array([3], pa.uint8()),
            },
        ),
        (
            "Capsules3D",
            {
                "lengths": pa.array([2.0], F32),
                "radii": pa.array([0.5], F32),
                "colors": b.colors([[0, 200, 255]]),
            },
        ),
        (
            "Cylinders3D",
            {
                "lengths": pa.array([2.0], F32),
                "radii": pa.array([0.5], F32),
                "colors": b.colors([[0, 200, 255]]),
            },
        ),
        (
            "Mesh3D",
            {
                "vertex_positions": b.vecs([[0, 0, 0], [1, 0, 0], [0, 1, 0]], 3),
                "vertex_colors": b.colors([[0, 200, 255]]),
            },
        ),
    ],
    ids=[
        "boxes",
        "boxes-solid",
        "strips",
        "arrows",
        "ellipsoids",
        "ellipsoids-solid",
        "capsules",
        "cylinders",
        "mesh",
    ],
)
def test_shape_visualizer_draws_in_the_middle_of_the_view(store, render, archetype, fields) -> None:
    b.log(store, "shape", archetype, fields)
    _, frame = render()
    mask = content_mask(frame)
    assert mask.sum() > 40, f"{archetype} drew nothing"
    cx, cy = _center_weight(mask)
    assert 0.25 < cx < 0.75 and 0.25 < cy < 0.75
    # the shape shows in (a shade of) its color: blue dominates red where it is drawn
    px = frame[mask][:, :3].astype(int)
    assert (px[:, 2] > px[:, 0]).mean() > 0.8


def test_transform3d_hierarchy_moves_children(store, render) -> None:
    b.log(store, "world", "Transform3D", {"translation": b.vecs([[10, 0, 0]], 3)})
    b.log(
        store,
        "world/robot",
        "Transform3D",
        {"translation": b.vecs([[0, 5, 0]], 3), "scale": b.vecs([[2, 2, 2]], 3)},
    )
    b.log(store, "world/robot/pt", "Points3D", {"positions": b.vecs([[1, 0, 0], [1, 1, 1]], 3)})
    app, frame = render()
    lo, hi = app.view("spatial3d:/").bounds()
    np.testing.assert_allclose(lo, [12, 5, 0], atol=1e-5)
    np.testing.assert_allclose(hi, [12, 7, 2], atol=1e-5)
    assert content_mask(frame).sum() > 0


def test_transform3d_rotation_and_child_from_parent(store, render) -> None:
    quat = b.vecs([[0, 0, np.sin(np.pi / 4), np.cos(np.pi / 4)]], 4)  # 90 deg about z
    b.log(store, "r", "Transform3D", {"quaternion": quat})
    b.log(store, "r/p", "Points3D", {"positions": b.vecs([[1, 0, 0]], 3)})
    b.log(
        store,
        "inv",
        "Transform3D",
        {"translation": b.vecs([[3, 0, 0]], 3), "relation": pa.array([2], pa.uint8())},
    )
    b.log(store, "inv/p", "Points3D", {"positions": b.vecs([[0, 0, 0]], 3)})
    app, _ = render()
    view = app.view("spatial3d:/")
    np.testing.assert_allclose(
        view.visualizers[("/r/p", "Points3D")].node.world.position, [0, 0, 0], atol=1e-6
    )
    m = view.visualizers[("/r/p", "Points3D")].node.world.matrix
    np.testing.assert_allclose(m @ [1, 0, 0, 1], [0, 1, 0, 1], atol=1e-6)
    m2 = view.visualizers[("/inv/p", "Points3D")].node.world.matrix
    np.testing.assert_allclose(m2 @ [0, 0, 0, 1], [-3, 0, 0, 1], atol=1e-6)


def test_pinhole_draws_a_frustum_and_its_image_in_3d(store, render) -> None:
    k = b.vecs([[50, 0, 0, 0, 50, 0, 32, 24, 1]], 9)
    b.log(store, "cam", "Pinhole", {"image_from_camera": k, "resolution": b.vecs([[64, 48]], 2)})
    img = np.zeros((48, 64, 3), np.uint8)
    img[..., 1] = 255
    b.log(store, "cam/rgb", "Image", b.image(img))
    app, frame = render()
    kinds = [v["kind"] for v in app.layout()]
    assert kinds == ["spatial3d", "spatial2d"]
    green3d = color_mask(frame[:, :78], (0, 255, 0), tol=60)
    assert green3d.sum() > 30  # the image on the image plane in the 3D view
    view = app.view("spatial3d:/")
    assert ("/cam", "Pinhole") in view.visualizers
    _, hi = view.bounds()
    np.testing.assert_allclose(hi[2], 1.0, atol=1e-4)  # image plane at distance 1 (RDF: +z forward)


def test_view_coordinates_set_the_up_axis(store, render) -> None:
    b.log(
        store,
        "world",
        "ViewCoordinates",
        {"xyz": pa.FixedSizeListArray.from_arrays(pa.array([3, 5, 1], pa.uint8()), 3)},
    )
    b.log(store, "world/p", "Points3D", {"positions": b.vecs([[0, 0, 0], [1, 1, 1]], 3)})
    app, _ = render()
    np.testing.assert_allclose(app.view("spatial3d:/world").camera.up, [0, 0, 1])


def test_labels_are_drawn_next_to_points(store, render) -> None:
    b.log(
        store,
        "p",
        "Points3D",
        {
            "positions": b.vecs([[0, 0, 0]], 3),
            "labels": pa.array(["hello"]),
            "colors": b.colors([[255, 255, 0]]),
        },
    )
    app, frame = render()
    labels = app.view("spatial3d:/").labels()
    assert [lab[1] for lab in labels] == ["hello"]
    yellow = color_mask(frame, (255, 255, 0), tol=90)
    _, xs = np.nonzero(yellow)
    assert xs.max() - xs.min() > 15  # the text extends to the right of the point


def test_asset3d_binary_stl(store, render) -> None:
    tri = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
    rec = np.zeros(2, np.dtype([("n", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")]))
    rec["v"] = tri.reshape(2, 3, 3)
    raw = b"\0" * 80 + (2).to_bytes(4, "little") + rec.tobytes()
    flat = pa.array(np.frombuffer(raw, np.uint8), pa.uint8())
    blob = pa.ListArray.from_arrays(pa.array([0, len(flat)], pa.int32()), flat)
    b.log(store, "asset", "Asset3D", {"blob": blob, "media_type": pa.array(["model/stl"])})
    app, frame = render()
    vis = app.view("spatial3d:/").visualizers[("/asset", "Asset3D")]
    np.testing.assert_allclose(vis.bounds[1], [1, 1, 1])
    assert content_mask(frame).sum() > 50


def test_show_labels_false_hides_labels(store, render) -> None:
    b.log(
        store,
        "p",
        "Points3D",
        {"positions": b.vecs([[0, 0, 0]], 3), "labels": pa.array(["x"]), "show_labels": pa.array([False])},
    )
    app, _ = render()
    assert app.view("spatial3d:/").labels() == []


def test_depth_image_under_pinhole_becomes_a_point_cloud_in_3d(store, render) -> None:
    k = b.vecs([[50, 0, 0, 0, 50, 0, 32, 24, 1]], 9)
    b.log(store, "cam", "Pinhole", {"image_from_camera": k, "resolution": b.vecs([[64, 48]], 2)})
    depth = np.full((48, 64), 2000, np.uint16)  # 2 m everywhere
    b.log(
        store, "cam/depth", "DepthImage", {**b.image(depth, "DepthImage"), "meter": pa.array([1000.0], F32)}
    )
    app, frame = render()
    vis = app.view("spatial3d:/").visualizers[("/cam/depth", "DepthImage")]
    assert vis.cloud is not None and vis.cloud.visible and not vis.image.visible
    world = (vis.node.world.matrix @ np.c_[vis.cloud.geometry.positions.data, np.ones(64 * 48)].T).T
    np.testing.assert_allclose(world[:, 2], 2.0, atol=1e-4)  # RDF: z forward = depth in meters
    np.testing.assert_allclose(world[0, :2], [(0.5 - 32) / 50 * 2, (0.5 - 24) / 50 * 2], atol=1e-4)
    assert content_mask(frame).sum() > 50
    # the 2D view of the same camera still shows the colormapped image
    assert app.view("spatial2d:/cam").visualizers[("/cam/depth", "DepthImage")].image.visible


@pytest.mark.parametrize(("file_type", "media_type"), [("glb", "model/gltf-binary"), ("obj", "model/obj")])
def test_asset3d_glb_and_obj(store, render, file_type, media_type) -> None:
    trimesh = pytest.importorskip("trimesh")
    raw = trimesh.creation.box(extents=[1, 2, 3]).export(file_type=file_type)
    raw = raw.encode() if isinstance(raw, str) else raw
    flat = pa.array(np.frombuffer(raw, np.uint8), pa.uint8())
    blob = pa.ListArray.from_arrays(pa.array([0, len(flat)], pa.int32()), flat)
    b.log(store, "asset", "Asset3D", {"blob": blob, "media_type": pa.array([media_type])})
    app, frame = render()
    vis = app.view("spatial3d:/").visualizers[("/asset", "Asset3D")]
    np.testing.assert_allclose(vis.bounds[0], [-0.5, -1, -1.5], atol=1e-5)
    np.testing.assert_allclose(vis.bounds[1], [0.5, 1, 1.5], atol=1e-5)
    assert content_mask(frame).sum() > 200


@pytest.mark.parametrize(
    ("archetype", "fields"),
    [
        ("Points3D", {"positions": b.vecs(np.zeros((0, 3)), 3)}),
        ("Points3D", {"positions": b.vecs([[np.nan, 0, 0], [1, 1, 1]], 3)}),
        ("Boxes3D", {"half_sizes": b.vecs(np.zeros((0, 3)), 3)}),
        ("LineStrips3D", {"strips": b.strips([], 3)}),
        ("LineStrips3D", {"strips": b.strips([[[0, 0, 0]]], 3)}),
        ("Arrows3D", {"vectors": b.vecs([[0, 0, 0]], 3)}),
        ("Mesh3D", {"vertex_positions": b.vecs(np.zeros((0, 3)), 3)}),
        ("Capsules3D", {"lengths": pa.array([], F32)}),
    ],
    ids=[
        "no-points",
        "nan-point",
        "no-boxes",
        "no-strips",
        "one-vertex-strip",
        "zero-arrow",
        "empty-mesh",
        "no-capsules",
    ],
)
def test_degenerate_data_renders_without_errors(store, render, archetype, fields) -> None:
    b.log(store, "x", archetype, fields)
    b.log(
        store,
        "ok",
        "Points3D",
        {"positions": b.vecs([[0, 0, 0], [1, 1, 1]], 3), "colors": b.colors([[255, 0, 0]])},
    )
    app, frame = render()
    assert not app.view("spatial3d:/").errors
    assert color_mask(frame, (255, 0, 0)).sum() > 0


def test_pinhole_without_distance_scales_with_the_scene(store, render) -> None:
    b.log(store, "world/pts", "Points3D", {"positions": b.vecs([[-50, -50, 0], [50, 50, 20]], 3)})
    b.log(store, "world/cam", "Pinhole", {"image_from_camera": b.vecs([[50, 0, 0, 0, 50, 0, 32, 24, 1]], 9)})
    app, _ = render()
    view = app.view("spatial3d:/")
    assert view.plane_distance == pytest.approx(10.0)  # a tenth of the ~143 m scene, one digit
    assert view.nodes["/world/cam"].pinhole.distance == view.plane_distance


def test_boxes3d_default_fill_is_translucent_faces_under_edges(store, render) -> None:
    """Rerun 0.41's default box fill (TransparentFillMajorWireframe): faint faces plus full-colour edges."""
    box = {"half_sizes": b.vecs([[1, 1, 1]], 3), "colors": b.colors([[0, 200, 255]])}

    def faint_and_edges(fill_mode: int | None) -> tuple[float, int]:
        fields = dict(box) if fill_mode is None else {**box, "fill_mode": pa.array([fill_mode], pa.uint8())}
        b.log(store, "box", "Boxes3D", fields)
        _, frame = render()
        # Faintly tinted pixels: off the background, yet far from the box colour.
        faint = content_mask(frame, 20) & ~color_mask(frame, (0, 200, 255), 90)
        return float(faint.sum()), int(color_mask(frame, (0, 200, 255)).sum())

    default_faint, default_edges = faint_and_edges(None)  # first: a logged fill_mode would persist
    wire_faint, wire_edges = faint_and_edges(1)
    assert default_faint > 2 * wire_faint + 500, (default_faint, wire_faint)
    assert default_edges > 0 and wire_edges > 0
