"""Pure-numpy parts: image decoding, colormaps, view heuristics and grid layout (no GPU)."""

from __future__ import annotations

import numpy as np
import pytest

from rerun_core.viewer import images
from rerun_core.viewer.heuristics import choose_views, grid_layout


def _fmt(w: int, h: int, **kw: int) -> dict[str, int | None]:
    return {
        "width": w,
        "height": h,
        "pixel_format": None,
        "color_model": None,
        "channel_datatype": None,
        **kw,
    }


def test_bgr_is_reordered_and_u16_keeps_its_dtype() -> None:
    bgr = np.zeros((2, 3, 3), np.uint8)
    bgr[..., 0] = 255  # blue in BGR
    rgb = images.decode_image(bgr.tobytes(), _fmt(3, 2, color_model=4, channel_datatype=6))
    assert rgb[0, 0].tolist() == [0, 0, 255]
    u16 = images.decode_image(
        np.arange(6, dtype=np.uint16).tobytes(), _fmt(3, 2, color_model=1, channel_datatype=8)
    )
    assert u16.dtype == np.uint16 and u16.shape == (2, 3) and u16[1, 2] == 5


def test_short_buffer_is_a_clear_error() -> None:
    with pytest.raises(images.ImageDecodeError, match="needs"):
        images.decode_image(b"\0" * 5, _fmt(3, 2, color_model=2, channel_datatype=6))


@pytest.mark.parametrize(
    ("pf", "data", "expected"),
    [
        (26, [235] * 8 + [128] * 4, [254, 254, 254]),  # NV12, limited range white
        (27, [16, 128, 16, 128] * 4, [0, 0, 0]),  # YUY2 black
        (40, [128] * 24, [128, 128, 128]),  # Y_U_V24 full range
        (30, list(range(8)), None),  # Y8 -> gray
        (128, [200, 0, 200, 0, 0, 0, 0, 0], [200, 0, 0]),  # Bayer RGGB
    ],
)
def test_pixel_formats(pf: int, data: list[int], expected: list[int] | None) -> None:
    out = images.decode_image(np.array(data, np.uint8).tobytes(), _fmt(4, 2, pixel_format=pf))
    if expected is None:
        assert out.shape == (2, 4) and out[1, 3] == 7
    else:
        assert out[0, 0].tolist() == expected


def test_to_rgba8_normalizes_non_u8_and_colormap_hides_zero_depth() -> None:
    f = np.array([[0.0, 0.5, 1.0]], np.float32)
    assert images.to_rgba8(f)[0, :, 0].tolist() == [0, 127, 255]
    wide = np.array([[-10, 0, 10]], np.int32)
    assert images.to_rgba8(wide)[0, :, 0].tolist() == [0, 127, 255]
    depth = np.array([[0, 100, 200]], np.uint16)
    rgba = images.apply_colormap(depth, 5)
    assert rgba[0, 0, 3] == 0 and rgba[0, 1, 3] == 255
    assert not np.array_equal(rgba[0, 1, :3], rgba[0, 2, :3])
    assert images.colormap_lut("viridis").shape == (256, 3)


def test_views_from_the_entity_index() -> None:
    index = {
        "/world": {"ViewCoordinates": {"ViewCoordinates:xyz"}},
        "/world/pts": {"Points3D": {"Points3D:positions"}},
        "/world/cam": {"Pinhole": {"Pinhole:image_from_camera"}},
        "/world/cam/rgb": {"Image": {"Image:buffer"}},
        "/overlay": {"Image": {"Image:buffer"}},
        "/overlay/boxes": {"Boxes2D": {"Boxes2D:half_sizes"}},
        "/metrics/loss": {"Scalars": {"Scalars:scalars"}},
        "/metrics/acc": {"Scalars": {"Scalars:scalars"}},
        "/log": {"TextLog": {"TextLog:text"}},
        "/readme": {"TextDocument": {"TextDocument:text"}},
        "/hist": {"BarChart": {"BarChart:values"}},
    }
    views = {v.id: v for v in choose_views(index)}
    assert list(views) == [
        "spatial3d:/world",  # at the ViewCoordinates that covers all 3D content (Rerun's origin)
        "spatial2d:/overlay",
        "spatial2d:/world/cam",
        "timeseries:/metrics/acc",
        "timeseries:/metrics/loss",
        "bar_chart:/hist",
        "text_document:/readme",
        "text_log:/",
    ]
    assert views["spatial3d:/world"].name == "world"
    assert "/world/cam/rgb" in views["spatial3d:/world"].entities  # pinhole images show in 3D
    assert "/overlay" not in views["spatial3d:/world"].entities
    assert views["spatial2d:/overlay"].entities == ["/overlay", "/overlay/boxes"]
    assert views["timeseries:/metrics/loss"].entities == ["/metrics/loss"]


def test_3d_content_outside_view_coordinates_adds_a_root_view() -> None:
    index = {
        "/world": {"ViewCoordinates": {"ViewCoordinates:xyz"}},
        "/world/pts": {"Points3D": {"Points3D:positions"}},
        "/other": {"Boxes3D": {"Boxes3D:half_sizes"}},
    }
    assert [(v.id, v.name) for v in choose_views(index)] == [
        ("spatial3d:/", "/"),
        ("spatial3d:/world", "world"),
    ]
    assert [v.id for v in choose_views({"/pts": {"Points3D": {"Points3D:positions"}}})] == ["spatial3d:/"]


def test_one_time_series_view_per_scalars_entity() -> None:
    """Rerun 0.41 spawns one plot per Scalars entity (``/noise``, ``/trig/cos``, ``/trig/sin``)."""
    index = {p: {"Scalars": {"Scalars:scalars"}} for p in ("/trig/sin", "/trig/cos", "/noise")}
    index["/style"] = {"SeriesLines": {"SeriesLines:colors"}}  # styling alone makes no plot
    views = choose_views(index)
    assert [(v.id, v.name, v.entities) for v in views] == [
        ("timeseries:/noise", "noise", ["/noise"]),
        ("timeseries:/trig/cos", "trig/cos", ["/trig/cos"]),  # Rerun names by the last parts
        ("timeseries:/trig/sin", "trig/sin", ["/trig/sin"]),
    ]


def test_grid_layout_tiles_without_overlap() -> None:
    views = choose_views({f"/img{i}": {"Image": {"Image:buffer"}} for i in range(5)})
    grid_layout(views, 300, 200)
    rects = [v.rect for v in views]
    assert len(rects) == 5
    covered = np.zeros((200, 300), int)
    for x, y, w, h in rects:
        covered[y : y + h, x : x + w] += 1
    assert covered.max() == 1 and covered.mean() > 0.95
