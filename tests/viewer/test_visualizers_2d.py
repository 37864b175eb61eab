"""2D views: images of each kind, 2D primitives on top, colormaps and annotation colors."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
from PIL import Image as PILImage

from tests.viewer import builders as b
from tests.viewer.conftest import color_mask, content_mask

F32 = pa.float32()


def _rgb_image() -> np.ndarray:
    img = np.zeros((48, 64, 3), np.uint8)
    img[:, :32, 0] = 255  # left half red
    img[:, 32:, 2] = 255  # right half blue
    return img


def test_rgb_image_fills_the_2d_view_in_pixel_order(store, render) -> None:
    b.log(store, "img", "Image", b.image(_rgb_image()))
    app, frame = render(128, 96)  # same aspect: the image fills the view, 2x scale
    assert [v["kind"] for v in app.layout()] == ["spatial2d"]
    assert color_mask(frame[10:86, 4:60], (255, 0, 0), tol=10).all()
    assert color_mask(frame[10:86, 68:124], (0, 0, 255), tol=10).all()


def test_rgba_and_grayscale_images(store, render) -> None:
    gray = np.tile(np.linspace(0, 255, 64, dtype=np.uint8), (48, 1))
    b.log(store, "gray", "Image", b.image(gray))
    rgba = np.zeros((48, 64, 4), np.uint8)
    rgba[..., 1] = 255
    rgba[..., 3] = 255
    b.log(store, "rgba", "Image", b.image(rgba))
    app, frame = render(256, 96)
    rects = {v["id"]: v["rect"] for v in app.layout()}
    x, y, w, h = rects["spatial2d:/gray"]
    row = frame[y + h // 2, x + 4 : x + w - 4, 0].astype(int)
    assert row[0] < 30 and row[-1] > 220 and np.all(np.diff(row) >= 0)
    x, y, w, h = rects["spatial2d:/rgba"]
    assert color_mask(frame[y + 10 : y + h - 10, x + 10 : x + w - 10], (0, 255, 0), tol=10).all()


def test_points_boxes_lines_arrows_2d_draw_over_the_image(store, render) -> None:
    b.log(store, "img", "Image", b.image(np.zeros((48, 64, 3), np.uint8)))
    b.log(
        store,
        "img/pts",
        "Points2D",
        {
            "positions": b.vecs([[8, 8]], 2),
            "radii": pa.array([3.0], F32),
            "colors": b.colors([[255, 255, 0]]),
        },
    )
    b.log(
        store,
        "img/box",
        "Boxes2D",
        {
            "half_sizes": b.vecs([[6, 6]], 2),
            "centers": b.vecs([[48, 12]], 2),
            "colors": b.colors([[0, 255, 0]]),
            "radii": pa.array([-1.5], F32),
        },
    )
    b.log(
        store,
        "img/line",
        "LineStrips2D",
        {
            "strips": b.strips([[[4, 40], [60, 40]]], 2),
            "colors": b.colors([[255, 0, 255]]),
            "radii": pa.array([-2.0], F32),
        },
    )
    b.log(
        store,
        "img/arrow",
        "Arrows2D",
        {
            "vectors": b.vecs([[20, 0]], 2),
            "origins": b.vecs([[20, 26]], 2),
            "colors": b.colors([[0, 255, 255]]),
        },
    )
    app, frame = render(128, 96)  # 2 px per image pixel
    assert color_mask(frame[12:20, 12:20], (255, 255, 0)).sum() > 20  # point at (8, 8)
    assert color_mask(frame[8:40, 80:112], (0, 255, 0)).sum() > 20  # box outline around (48, 12)
    assert color_mask(frame[18:30, 90:102], (0, 255, 0)).sum() == 0  # ... hollow
    assert color_mask(frame[76:84, 10:118], (255, 0, 255)).sum() > 100  # line at y=40
    assert color_mask(frame[46:60, 38:84], (0, 255, 255)).sum() > 20  # arrow at y=26
    assert app.view("spatial2d:/img").camera.y_down


def test_depth_image_is_colormapped_and_zero_is_transparent(store, render) -> None:
    depth = np.tile(np.linspace(100, 5000, 64).astype(np.uint16), (48, 1))
    depth[:, :8] = 0
    b.log(store, "depth", "DepthImage", {**b.image(depth, "DepthImage"), "meter": pa.array([1000.0], F32)})
    _, frame = render(128, 96)
    left = frame[40:56, 2:14, :3].astype(int)
    assert np.abs(left - [18, 20, 23]).max() < 10  # no depth -> background
    lo, hi = frame[48, 20, :3].astype(int), frame[48, 124, :3].astype(int)
    assert np.abs(lo - hi).max() > 80  # near and far get different colors
    assert content_mask(frame[:, 20:]).mean() > 0.9


def test_segmentation_image_uses_annotation_context_colors(store, render) -> None:
    ctx_type = pa.struct(
        [
            pa.field("class_id", pa.uint16(), False),
            pa.field(
                "class_description",
                pa.struct(
                    [
                        pa.field(
                            "info",
                            pa.struct(
                                [
                                    pa.field("id", pa.uint16(), False),
                                    pa.field("label", pa.string()),
                                    pa.field("color", pa.uint32()),
                                ]
                            ),
                            False,
                        ),
                        pa.field(
                            "keypoint_annotations",
                            pa.list_(
                                pa.struct(
                                    [
                                        pa.field("id", pa.uint16(), False),
                                        pa.field("label", pa.string()),
                                        pa.field("color", pa.uint32()),
                                    ]
                                )
                            ),
                            False,
                        ),
                        pa.field(
                            "keypoint_connections",
                            pa.list_(
                                pa.struct(
                                    [
                                        pa.field("keypoint0", pa.uint16(), False),
                                        pa.field("keypoint1", pa.uint16(), False),
                                    ]
                                )
                            ),
                            False,
                        ),
                    ]
                ),
                False,
            ),
        ]
    )
    ctx = pa.array(
        [
            {
                "class_id": 1,
                "class_description": {
                    "info": {"id": 1, "label": "car", "color": 0x00FF00FF},
                    "keypoint_annotations": [],
                    "keypoint_connections": [],
                },
            }
        ],
        ctx_type,
    )
    b.log(store, "/", "AnnotationContext", {"context": ctx})
    seg = np.zeros((48, 64), np.uint8)
    seg[:, 32:] = 1
    b.log(
        store,
        "seg",
        "SegmentationImage",
        {**b.image(seg, "SegmentationImage"), "opacity": pa.array([1.0], F32)},
    )
    _, frame = render(128, 96)
    assert color_mask(frame[10:86, 70:120], (0, 255, 0), tol=10).all()
    assert not color_mask(frame[10:86, 4:60], (0, 255, 0), tol=60).any()


def test_encoded_png_image(store, render) -> None:
    buf = io.BytesIO()
    PILImage.fromarray(_rgb_image()).save(buf, format="PNG")
    blob = pa.array(np.frombuffer(buf.getvalue(), np.uint8), pa.uint8())
    b.log(
        store,
        "enc",
        "EncodedImage",
        {
            "blob": pa.ListArray.from_arrays(pa.array([0, len(blob)], pa.int32()), blob),
            "media_type": pa.array(["image/png"]),
        },
    )
    _, frame = render(128, 96)
    assert color_mask(frame[10:86, 4:60], (255, 0, 0), tol=10).all()
    assert color_mask(frame[10:86, 68:124], (0, 0, 255), tol=10).all()


def test_float_image_is_normalized(store, render) -> None:
    img = np.tile(np.linspace(-1, 3, 64, dtype=np.float32), (48, 1))
    b.log(store, "f", "Image", b.image(img))
    _, frame = render(128, 96)
    assert frame[48, 2, 0] < 20 and frame[48, 125, 0] > 235


def test_bad_image_data_is_skipped_not_fatal(store, render) -> None:
    bad = b.image(np.zeros((48, 64, 3), np.uint8))
    bad["format"] = b.image_format(640, 480, 2, 6)  # claims far more pixels than the buffer has
    b.log(store, "bad", "Image", bad)
    b.log(
        store,
        "bad/pts",
        "Points2D",
        {
            "positions": b.vecs([[8, 8], [30, 30]], 2),
            "radii": pa.array([3.0], F32),
            "colors": b.colors([[255, 255, 0]]),
        },
    )
    _, frame = render(128, 96)
    assert color_mask(frame, (255, 255, 0)).sum() > 10


def test_wrong_component_type_is_reported_per_entity(store, render) -> None:
    b.log(store, "weird", "Boxes2D", {"half_sizes": pa.array(["not", "numbers"])})
    b.log(
        store,
        "weird/ok",
        "Points2D",
        {"positions": b.vecs([[0, 0], [10, 10]], 2), "colors": b.colors([[255, 255, 0]])},
    )
    app, frame = render(128, 96)
    errors = app.view("spatial2d:/weird").errors
    assert ("/weird", "Boxes2D") in errors
    assert color_mask(frame, (255, 255, 0)).sum() > 0


def test_keypoints_get_skeleton_lines_and_keypoint_colors(store, render) -> None:
    ctx = b.annotation_context(
        [
            {
                "id": 1,
                "label": "person",
                "color": 0x0000FFFF,
                "keypoints": [{"id": 0, "label": "head", "color": 0xFF0000FF}],
                "connections": [(0, 1), (1, 2)],
            }
        ]
    )
    b.log(store, "/", "AnnotationContext", {"context": ctx})
    pts = [[10, 10], [30, 30], [50, 10]]
    fields = {
        "positions": b.vecs(pts, 2),
        "class_ids": pa.array([1], pa.uint16()),
        "keypoint_ids": pa.array([0, 1, 2], pa.uint16()),
        "radii": pa.array([3.0], F32),
    }
    b.log(store, "pose", "Points2D", fields)
    app, frame = render(128, 96)
    vis = app.view("spatial2d:/pose").visualizers[("/pose", "Points2D")]
    assert vis.skeleton is not None and vis.skeleton.visible
    assert vis.skeleton.geometry.positions.data.shape == (4, 3)
    colors = vis.points.geometry.colors.data
    np.testing.assert_allclose(colors[0], [1, 0, 0, 1])  # keypoint color
    np.testing.assert_allclose(colors[1], [0, 0, 1, 1])  # class color
    assert content_mask(frame).sum() > 50
