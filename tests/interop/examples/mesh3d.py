"""Meshes: indexed with normals, vertex colors, albedo factor, plus partial updates over time."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_mesh3d")
rr.save(sys.argv[1])
rr.log(
    "triangle",
    rr.Mesh3D(
        vertex_positions=[[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
        vertex_normals=[0.0, 0.0, 1.0],
        vertex_colors=[[0, 0, 255], [0, 255, 0], [255, 0, 0]],
        triangle_indices=[2, 1, 0],
    ),
)
rr.log(
    "quad",
    rr.Mesh3D(
        vertex_positions=np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], dtype=np.float32),
        triangle_indices=np.array([[0, 1, 2], [0, 2, 3]], dtype=np.uint32),
        albedo_factor=[0.5, 0.5, 0.5, 1.0],
    ),
)
for i in range(3):
    rr.set_time("frame", sequence=i)
    rr.log(
        "triangle",
        rr.Mesh3D.from_fields(
            vertex_positions=np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]) * (i + 1)
        ),
    )
