"""Graph nodes and edges, geo points and geo line strings, a bar chart."""

import sys

import numpy as np

import rerun as rr

rr.init("rerun_example_graphs_geo")
rr.save(sys.argv[1])
rr.log(
    "graph",
    rr.GraphNodes(["a", "b", "c"], labels=["A", "B", "C"], positions=[[0, 0], [1, 1], [2, 0]]),
    rr.GraphEdges([("a", "b"), ("b", "c")], graph_type="directed"),
)
rr.log(
    "geo/points",
    rr.GeoPoints(
        lat_lon=[[47.6344, 19.1397], [47.6, 19.2]], radii=rr.Radius.ui_points(10.0), colors=0xFF0000FF
    ),
)
rr.log("geo/lines", rr.GeoLineStrings(lat_lon=[[[47.5, 19.0], [47.6, 19.1]]], radii=2.0, colors=[0, 0, 255]))
rr.log("bars", rr.BarChart(np.array([8, 4, 0, 9, 1, 4, 1, 6, 9, 0], dtype=np.int64), color=[240, 45, 58]))
