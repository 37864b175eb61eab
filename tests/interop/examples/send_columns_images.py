"""Images sent as columns: one format row, buffers partitioned per frame (the docs' column update)."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_image_cols")
rr.save(sys.argv[1])
times = np.arange(0, 5)
width, height = 8, 6
images = np.zeros((len(times), height, width, 3), dtype=np.uint8)
for i, t in enumerate(times):
    images[i, :, t : t + 2] = (255, 255, 255)
rr.log(
    "images",
    rr.Image.from_fields(
        format=rr.components.ImageFormat(width=width, height=height, color_model="RGB", channel_datatype="U8")
    ),
    static=True,
)
rr.send_columns(
    "images",
    indexes=[rr.TimeColumn("step", sequence=times)],
    columns=rr.Image.columns(buffer=images.reshape(len(times), -1)),
)
