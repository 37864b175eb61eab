"""Images of several color models and pixel formats, depth and segmentation images, a tensor."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_images")
rr.save(sys.argv[1])
rgb = np.zeros((6, 8, 3), dtype=np.uint8)
rgb[:, :, 0] = 255
rgb[2:4, 2:6] = (0, 255, 0)
rr.log("rgb", rr.Image(rgb))
rr.log("bgr", rr.Image(rgb[:, :, ::-1], color_model="BGR"))
rr.log("mono_f32", rr.Image(np.linspace(0, 1, 48, dtype=np.float32).reshape(6, 8)))
rr.log(
    "rgba_u16", rr.Image(np.arange(6 * 8 * 4, dtype=np.uint16).reshape(6, 8, 4), opacity=0.5, draw_order=2)
)
rr.log(
    "nv12", rr.Image(bytes=bytes(range(8 * 6 + 8 * 3)), width=8, height=6, pixel_format=rr.PixelFormat.NV12)
)
rr.log("yuy2", rr.Image(bytes=bytes(8 * 6 * 2), width=8, height=6, pixel_format=rr.PixelFormat.YUY2))
rr.log(
    "depth",
    rr.DepthImage(np.arange(48, dtype=np.uint16).reshape(6, 8) * 100, meter=1000.0, colormap="viridis"),
)
rr.log("seg", rr.SegmentationImage(np.arange(48, dtype=np.uint8).reshape(6, 8) % 3))
rr.log("tensor", rr.Tensor(np.arange(24, dtype=np.int32).reshape(2, 3, 4), dim_names=("batch", "row", "col")))
