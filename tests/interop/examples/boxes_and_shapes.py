"""Boxes, ellipsoids, capsules and cylinders with rotations and fill modes."""

import sys

import rerun as rr

rr.init("rerun_example_shapes")
rr.save(sys.argv[1])
rr.log("boxes2d", rr.Boxes2D(mins=[[-1, -1], [2, 0]], sizes=[[2, 2], [1, 3]], labels=["x", "y"]))
rr.log(
    "boxes3d",
    rr.Boxes3D(
        centers=[[2, 0, 0], [-2, 0, 0]],
        half_sizes=[[0.5, 1, 0.5], [1, 0.5, 1.5]],
        quaternions=[rr.Quaternion.identity(), rr.Quaternion(xyzw=[0, 0, 0.382683, 0.923880])],
        radii=0.025,
        colors=[(255, 0, 0), (0, 255, 0)],
        fill_mode="solid",
    ),
)
rr.log(
    "ellipsoids",
    rr.Ellipsoids3D(
        centers=[[0, 0, 0], [0, 3, 0]],
        half_sizes=[[1, 2, 3], [0.5, 0.5, 0.5]],
        rotation_axis_angles=[
            rr.RotationAxisAngle(axis=[0, 0, 1], degrees=45),
            rr.RotationAxisAngle(axis=[1, 0, 0], radians=0.2),
        ],
        fill_mode=rr.components.FillMode.MajorWireframe,
    ),
)
rr.log("capsules", rr.Capsules3D(lengths=[0.0, 2.0], radii=[1.0, 0.5], translations=[[0, 0, 0], [3, 0, 0]]))
rr.log(
    "cylinders",
    rr.Cylinders3D(lengths=[1.0, 2.0], radii=0.3, centers=[[0, 0, 0], [1, 1, 1]], colors=0xAA00AAFF),
)
rr.log("ellipses", rr.Ellipses2D(centers=[[0, 0]], half_sizes=[[3, 1]], line_radii=0.1))
