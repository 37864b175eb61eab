"""2D points with labels, class ids, ui radii, draw order and a pixel-space bounds hint."""

import sys

import rerun as rr

rr.init("rerun_example_points2d_styles")
rr.log(
    "scene/points",
    rr.Points2D(
        [[0, 0], [10, 5], [3, 8]],
        labels=["a", "b", "c"],
        class_ids=[1, 2, 1],
        radii=rr.Radius.ui_points([4.0, 6.0, 8.0]),
        draw_order=3.0,
        show_labels=False,
    ),
)
rr.log("scene/hex", rr.Points2D([[1.5, 2.5]], colors=0x336699FF, keypoint_ids=[7]))
rr.save(sys.argv[1])  # everything logged before the first sink is buffered and flushed into it
