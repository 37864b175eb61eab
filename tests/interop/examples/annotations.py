"""An annotation context (classes, keypoints, connections) used by a segmentation image and points."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_annotations")
rr.save(sys.argv[1])
rr.log("/", rr.AnnotationContext([(1, "red", (255, 0, 0)), (2, "green", (0, 255, 0))]), static=True)
rr.log(
    "skeleton",
    rr.AnnotationContext(
        rr.ClassDescription(
            info=rr.AnnotationInfo(id=0, label="body"),
            keypoint_annotations=[
                rr.AnnotationInfo(id=0, label="head"),
                rr.AnnotationInfo(id=1, label="hand", color=(0, 0, 255)),
            ],
            keypoint_connections=[(0, 1)],
        )
    ),
    static=True,
)
image = np.zeros((8, 12), dtype=np.uint8)
image[0:4, 0:6] = 1
image[4:8, 6:12] = 2
rr.log("segmentation/image", rr.SegmentationImage(image))
rr.log("skeleton/points", rr.Points2D([[0, 0], [3, 4]], class_ids=0, keypoint_ids=[0, 1]))
