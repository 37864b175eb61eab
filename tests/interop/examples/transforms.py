"""A transform hierarchy: translations, rotations, scales, matrices, relations and a pinhole camera."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_transforms")
rr.save(sys.argv[1])
rr.log("world", rr.ViewCoordinates.RIGHT_HAND_Z_UP, static=True)
rr.log(
    "world/base",
    rr.Transform3D(translation=[0, 1, 0], rotation=rr.RotationAxisAngle(axis=[1, 0, 0], degrees=20)),
)
rr.log(
    "world/base/arm",
    rr.Transform3D(translation=[1, 0, 0], scale=2.0, relation=rr.TransformRelation.ChildFromParent),
)
rr.log("world/base/mat", rr.Transform3D(mat3x3=np.eye(3) * 0.5, translation=(1, 2, 3)))
rr.log("world/base/quat", rr.Transform3D(quaternion=rr.Quaternion(xyzw=[0, 0, 0.7071068, 0.7071068])))
rr.log("world/base/quat", rr.TransformAxes3D(axis_length=0.5))
rr.log(
    "world/base/cam", rr.Pinhole(focal_length=300, width=640, height=480, camera_xyz=rr.ViewCoordinates.RDF)
)
rr.log("world/base/cam2", rr.Pinhole(fov_y=0.8, aspect_ratio=1.5, image_plane_distance=0.2))
rr.log(
    "world/instances", rr.InstancePoses3D(translations=[[0, 0, 0], [0, 0, 1]], scales=[[1, 1, 1], [2, 2, 2]])
)
for i in range(3):
    rr.set_time("step", sequence=i)
    rr.log("world/base/arm", rr.Transform3D.from_fields(translation=[i, 0, 0]))
