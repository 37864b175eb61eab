"""One small recording per archetype group of issue 5 §2, rendered to artifacts/gallery/*.png.

Run: `.venv/bin/python scripts/viewer_gallery.py [name ...]`. Each scene is logged with our SDK
into its own recording, shown by `rerun.notebook.Viewer` and saved via `Viewer.screenshot()`
(the same picture a saved notebook keeps: rendered views plus the text of HTML views).
tests/viewer/test_gallery.py renders the same scenes and checks their pixels.
"""

from __future__ import annotations

import io
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import rerun as rr

OUT = Path(__file__).resolve().parents[1] / "artifacts" / "gallery"


def shapes_3d(rec: Any) -> None:
    """Every 3D primitive, each with labels, beside the others."""
    rr.log(
        "world/points",
        rr.Points3D([[0, 0, 0], [0.3, 0.2, 0.1]], radii=0.1, colors=[255, 80, 80], labels=["pts"]),
        recording=rec,
    )
    rr.log(
        "world/boxes",
        rr.Boxes3D(centers=[[1.5, 0, 0]], half_sizes=[[0.4, 0.3, 0.2]], colors=[80, 200, 80], labels=["box"]),
        recording=rec,
    )
    rr.log(
        "world/ellipsoids",
        rr.Ellipsoids3D(
            centers=[[3, 0, 0]], half_sizes=[[0.4, 0.25, 0.25]], colors=[80, 120, 255], labels=["ellipsoid"]
        ),
        recording=rec,
    )
    rr.log(
        "world/capsules",
        rr.Capsules3D(
            lengths=[0.6], radii=[0.15], translations=[[0, 1.5, 0]], colors=[240, 200, 60], labels=["capsule"]
        ),
        recording=rec,
    )
    rr.log(
        "world/cylinders",
        rr.Cylinders3D(
            lengths=[0.6], radii=[0.25], centers=[[1.5, 1.5, 0]], colors=[200, 80, 220], labels=["cylinder"]
        ),
        recording=rec,
    )
    helix = [[3 + 0.3 * math.cos(t), 1.5 + 0.3 * math.sin(t), t / 10] for t in np.linspace(0, 12, 60)]
    rr.log(
        "world/strips",
        rr.LineStrips3D([helix], colors=[60, 220, 220], radii=0.02, labels=["strip"]),
        recording=rec,
    )
    rr.log(
        "world/arrows",
        rr.Arrows3D(
            origins=[[0, 3, 0]] * 3,
            vectors=np.eye(3) * 0.8,
            colors=[[255, 0, 0], [0, 255, 0], [0, 0, 255]],
            labels=["x", "y", "z"],
        ),
        recording=rec,
    )


def mesh_3d(rec: Any) -> None:
    """Mesh3D with vertex colors and normals; a Transform3D hierarchy; ViewCoordinates."""
    rr.log("world", rr.ViewCoordinates.RIGHT_HAND_Z_UP, static=True, recording=rec)
    verts = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
    tris = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.uint32)
    normals = verts - verts.mean(axis=0)
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    colors = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]], np.uint8)
    rr.log(
        "world/tetra",
        rr.Mesh3D(
            vertex_positions=verts, triangle_indices=tris, vertex_normals=normals, vertex_colors=colors
        ),
        recording=rec,
    )
    rr.log(
        "world/arm",
        rr.Transform3D(
            translation=[2, 0, 0], rotation_axis_angle=rr.RotationAxisAngle([0, 0, 1], degrees=45)
        ),
        recording=rec,
    )
    rr.log("world/arm/hand", rr.Transform3D(translation=[1, 0, 0], scale=0.5), recording=rec)
    rr.log(
        "world/arm/hand/box",
        rr.Boxes3D(half_sizes=[[0.5, 0.5, 0.5]], colors=[255, 160, 40], labels=["child box"]),
        recording=rec,
    )
    rr.log("world/arm/marker", rr.Points3D([[0, 0, 0]], radii=0.15, colors=[255, 255, 255]), recording=rec)


def _assets() -> dict[str, tuple[bytes, str]]:
    import trimesh

    out = {}
    for ext, mesh in (
        ("glb", trimesh.creation.box(extents=[1, 1, 1])),
        ("obj", trimesh.creation.icosphere(subdivisions=2, radius=0.6)),
        ("stl", trimesh.creation.cone(radius=0.5, height=1.0)),
    ):
        if ext == "glb":  # obj/stl export of colors would need scipy; they show the albedo default
            mesh.visual.vertex_colors = np.tile([230, 90, 60, 255], (len(mesh.vertices), 1)).astype(np.uint8)
        buf = io.BytesIO()
        mesh.export(buf, file_type=ext)
        media = {"glb": "model/gltf-binary", "obj": "model/obj", "stl": "model/stl"}[ext]
        out[ext] = (buf.getvalue(), media)
    return out


def assets_3d(rec: Any) -> None:
    """Asset3D from glb, obj and stl bytes, side by side."""
    for i, (ext, (blob, media)) in enumerate(_assets().items()):
        rr.log(f"world/{ext}", rr.Transform3D(translation=[1.6 * i, 0, 0]), recording=rec)
        rr.log(f"world/{ext}", rr.Asset3D(contents=blob, media_type=media), recording=rec)


def _checker(h: int, w: int) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w, 3), np.uint8)
    img[..., 0] = (xx * 255 // max(1, w - 1)).astype(np.uint8)
    img[..., 1] = (yy * 255 // max(1, h - 1)).astype(np.uint8)
    img[..., 2] = (((xx // 8 + yy // 8) % 2) * 200).astype(np.uint8)
    return img


def pinhole_3d(rec: Any) -> None:
    """A camera frustum with its image (and 2D points on it) inside a 3D scene, plus a 2D view."""
    rr.log("world", rr.ViewCoordinates.RIGHT_HAND_Z_UP, static=True, recording=rec)
    pts = np.random.default_rng(0).uniform(-1, 1, (200, 3)) + np.array([0, 2, 1])
    rr.log("world/points", rr.Points3D(pts, radii=0.03, colors=[255, 200, 80]), recording=rec)
    # camera at y=-3 looking along +y (RDF: right = +x, down = -z, forward = +y)
    look_y = np.array([[1, 0, 0], [0, 0, 1], [0, -1, 0]], np.float32)
    rr.log("world/camera", rr.Transform3D(translation=[0, -3, 1], mat3x3=look_y), recording=rec)
    rr.log(
        "world/camera/image",
        rr.Pinhole(focal_length=60, width=96, height=64, image_plane_distance=1.0),
        recording=rec,
    )
    rr.log("world/camera/image", rr.Image(_checker(64, 96)), recording=rec)
    rr.log(
        "world/camera/image/kp",
        rr.Points2D([[20, 20], [70, 40]], radii=3, colors=[255, 0, 0], labels=["a", "b"]),
        recording=rec,
    )


def images_2d(rec: Any) -> None:
    """Image in every color model (L, RGB, RGBA, BGR, BGRA), float data and an NV12 pixel format."""
    base = _checker(48, 64)
    rr.log("l", rr.Image(base[..., 0], color_model="L"), recording=rec)
    rr.log("rgb", rr.Image(base, color_model="RGB"), recording=rec)
    rgba = np.dstack([base, np.full(base.shape[:2], 200, np.uint8)])
    rr.log("rgba", rr.Image(rgba, color_model="RGBA"), recording=rec)
    rr.log("bgr", rr.Image(base[..., ::-1].copy(), color_model="BGR"), recording=rec)
    rr.log(
        "bgra", rr.Image(np.dstack([base[..., ::-1], rgba[..., 3]]).copy(), color_model="BGRA"), recording=rec
    )
    rr.log("float_l", rr.Image(base[..., 1].astype(np.float32) / 255.0, color_model="L"), recording=rec)
    rr.log(
        "nv12",
        rr.Image(bytes=_nv12(base), width=64, height=48, pixel_format=rr.PixelFormat.NV12),
        recording=rec,
    )


def _nv12(rgb: np.ndarray) -> bytes:
    """RGB -> NV12 bytes (full-res Y plane, then interleaved U/V at half resolution)."""
    from PIL import Image as PILImage

    ycc = np.asarray(PILImage.fromarray(rgb).convert("YCbCr"))
    uv = np.stack([ycc[::2, ::2, 1], ycc[::2, ::2, 2]], axis=-1).reshape(rgb.shape[0] // 2, rgb.shape[1])
    return np.concatenate([ycc[..., 0], uv]).tobytes()


def depth_segmentation(rec: Any) -> None:
    """DepthImage (colormapped), SegmentationImage with AnnotationContext colors, EncodedImage."""
    yy, xx = np.mgrid[0:48, 0:64]
    rr.log(
        "depth",
        rr.DepthImage((xx * 50 + yy * 20).astype(np.uint16), meter=1000, colormap="viridis"),
        recording=rec,
    )
    seg = np.zeros((48, 64), np.uint8)
    seg[8:40, 8:30] = 1
    seg[16:44, 34:60] = 2
    rr.log(
        "seg",
        rr.AnnotationContext([(1, "red thing", (255, 0, 0)), (2, "blue thing", (0, 80, 255))]),
        static=True,
        recording=rec,
    )
    rr.log("seg", rr.SegmentationImage(seg), recording=rec)
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.fromarray(_checker(48, 64)).save(buf, format="PNG")
    rr.log("encoded", rr.EncodedImage(contents=buf.getvalue(), media_type="image/png"), recording=rec)


def shapes_2d(rec: Any) -> None:
    """Points2D, Boxes2D, LineStrips2D and Arrows2D with labels, over an image; class colors and
    labels from an AnnotationContext."""
    rr.log("scene/image", rr.Image(np.full((120, 160, 3), 40, np.uint8)), recording=rec)
    rr.log(
        "scene/points",
        rr.Points2D([[20, 20], [40, 30], [60, 20]], radii=4, colors=[255, 80, 80], labels=["p0", "p1", "p2"]),
        recording=rec,
    )
    rr.log(
        "scene/boxes",
        rr.Boxes2D(mins=[[80, 10]], sizes=[[60, 40]], colors=[80, 220, 80], labels=["box"]),
        recording=rec,
    )
    rr.log(
        "scene/strips",
        rr.LineStrips2D(
            [[[10, 100], [50, 70], [90, 100]]], colors=[80, 160, 255], radii=1.5, labels=["strip"]
        ),
        recording=rec,
    )
    rr.log(
        "scene",
        rr.AnnotationContext([(1, "cat", (255, 0, 255)), (2, "dog", (0, 255, 255))]),
        static=True,
        recording=rec,
    )
    rr.log("scene/classed", rr.Points2D([[30, 60], [60, 60]], radii=5, class_ids=[1, 2]), recording=rec)
    rr.log(
        "scene/arrows",
        rr.Arrows2D(origins=[[110, 100]], vectors=[[40, -30]], colors=[255, 220, 60], labels=["arrow"]),
        recording=rec,
    )


def time_series(rec: Any) -> None:
    """Two line series on one entity (one plot, legend), a point series, time cursor mid-way."""
    rr.log(
        "trig",
        rr.SeriesLines(colors=[[255, 100, 100], [100, 160, 255]], names=["sin", "cos"]),
        static=True,
        recording=rec,
    )
    rr.log(
        "noise",
        rr.SeriesPoints(colors=[120, 230, 120], names="noise", markers="circle"),
        static=True,
        recording=rec,
    )
    rng = np.random.default_rng(1)
    for t in range(100):
        rr.set_time("step", sequence=t, recording=rec)
        rr.log("trig", rr.Scalars([math.sin(t / 10), math.cos(t / 10)]), recording=rec)
        if t % 5 == 0:
            rr.log("noise", rr.Scalars(rng.normal(0, 0.3)), recording=rec)


def text_and_charts(rec: Any) -> None:
    """Text log (levels), a markdown text document, a bar chart and a sliced tensor: a grid."""
    rr.log(
        "readme",
        rr.TextDocument(
            "# Gallery\n\nSome **markdown** with a [link](https://rerun.io).\n\n- one\n- two",
            media_type="text/markdown",
        ),
        static=True,
        recording=rec,
    )
    for t, level in enumerate(["INFO", "WARN", "ERROR", "DEBUG", "INFO"]):
        rr.set_time("step", sequence=t, recording=rec)
        rr.log("logs", rr.TextLog(f"message {t}", level=level), recording=rec)
    rr.log("bars", rr.BarChart([3, 7, 2, 9, 4, 6]), recording=rec)
    rr.log(
        "tensor",
        rr.Tensor(np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6), dim_names=["a", "b", "c"]),
        recording=rec,
    )


def graph(rec: Any) -> None:
    """A directed graph: labelled nodes laid out by the force simulation, one pinned and colored,
    circles without labels, an implicit node only named by an edge, a self-loop and a double edge."""
    names = ["root", "left", "right", "leaf a", "leaf b", "leaf c"]
    rr.log(
        "graph",
        rr.GraphNodes(
            names,
            labels=[n.upper() for n in names],
            positions=[(0, 0)] + [(float("nan"),) * 2] * 5,
            colors=[(255, 160, 40)] + [(220, 220, 220)] * 5,
        ),
        recording=rec,
    )
    edges = [
        ("root", "left"),
        ("root", "right"),
        ("left", "leaf a"),
        ("left", "leaf b"),
        ("right", "leaf c"),
        ("leaf c", "right"),
        ("leaf b", "leaf b"),
        ("leaf a", "elsewhere"),
    ]
    rr.log("graph", rr.GraphEdges(edges, graph_type="directed"), recording=rec)


SCENES: dict[str, Callable[[Any], None]] = {
    "1_shapes_3d": shapes_3d,
    "2_mesh_transforms_3d": mesh_3d,
    "3_assets_3d": assets_3d,
    "4_pinhole_3d": pinhole_3d,
    "5_images_2d": images_2d,
    "6_depth_segmentation": depth_segmentation,
    "7_shapes_2d": shapes_2d,
    "8_time_series": time_series,
    "9_text_and_charts": text_and_charts,
    "10_graph": graph,
}


def render_scene(name: str, width: int = 640, height: int = 400) -> np.ndarray:
    """Log scene `name` into a fresh recording and return the viewer's picture (H, W, 4)."""
    return render_scene_views(name, width, height)[0]


def render_scene_views(name: str, width: int = 640, height: int = 400) -> tuple[np.ndarray, list[dict]]:
    """The picture and the views' layout (``kind``, ``rect`` in the picture's pixels)."""
    from rerun.notebook import Viewer

    rec = rr.RecordingStream("rerun_gallery", recording_id=f"gallery_{name}")
    SCENES[name](rec)
    viewer = Viewer(width=width, height=height, recording=rec)
    try:
        if name == "8_time_series":
            viewer.set_time_ctrl(timeline="step", sequence=60)
        frame = np.asarray(viewer.screenshot())
        return frame, list(viewer.widget.session.state().get("views", []))
    finally:
        viewer.close()


def main(names: list[str]) -> int:
    from PIL import Image

    OUT.mkdir(parents=True, exist_ok=True)
    for name in names or list(SCENES):
        if name not in SCENES:
            print(f"unknown scene {name!r}; choose from {', '.join(SCENES)}", file=sys.stderr)
            return 2
        path = OUT / f"{name}.png"
        Image.fromarray(render_scene(name)).save(path)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
