"""Encoded images and 3D assets from in-memory bytes with explicit media types."""

import io
import sys

import numpy as np
from PIL import Image

import rerun as rr

rr.init("rerun_example_encoded")
rr.save(sys.argv[1])
buf = io.BytesIO()
Image.fromarray(np.full((4, 4, 3), 200, dtype=np.uint8)).save(buf, format="PNG")
rr.log("png", rr.EncodedImage(contents=buf.getvalue(), media_type="image/png"))
obj = b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"
rr.log("mesh", rr.Asset3D(contents=obj, media_type=rr.MediaType.OBJ, albedo_factor=[1.0, 0.0, 0.0, 1.0]))
rr.log_file_from_contents("virtual/tri.obj", obj, entity_path_prefix="files")
