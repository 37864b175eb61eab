"""The renderer's typed seams: pygfx-free modules, the protocols both renderers implement, one
space table for visualizers and heuristics, one default-timeline rule."""

from __future__ import annotations

import subprocess
import sys

from rerun_core.viewer import spaces, timelines, view_registry
from rerun_core.viewer.protocols import Renderer


def test_the_seam_modules_import_without_pygfx() -> None:
    code = (
        "import sys\n"
        "import rerun_core.viewer.protocols, rerun_core.viewer.view_registry, rerun_core.viewer.blueprint_tree\n"
        "import rerun_core.viewer.heuristics, rerun_core.viewer.spaces, rerun_core.viewer.timelines\n"
        "import rerun_notebook.session, rerun_notebook.view_state, rerun_notebook.snapshot\n"
        "assert 'pygfx' not in sys.modules and 'wgpu' not in sys.modules, 'pygfx imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_viewer_app_and_the_test_fake_implement_the_renderer_protocol() -> None:
    from rerun_core.viewer.app import ViewerApp
    from tests.notebook.fakes import FakeApp

    assert issubclass(ViewerApp, Renderer) and issubclass(FakeApp, Renderer)


def test_every_visualizer_archetype_has_a_space_and_the_heuristics_read_the_table() -> None:
    from rerun_core.viewer import heuristics
    from rerun_core.viewer.visualizers import base

    assert all(spaces.space_of(a) is not None for a in base.VISUALIZERS)
    assert heuristics.ARCH_3D == spaces.archetypes_in(spaces.SPACE_3D)
    assert heuristics.ARCH_2D == spaces.archetypes_in(spaces.SPACE_2D)


def test_kinds_hold_their_blueprint_properties_spawn_rules_and_browser_half() -> None:
    import rerun_notebook.view_kinds  # noqa: F401  (attaches the built-in kinds' browser halves)

    kinds = view_registry.kinds()
    assert kinds["map"].properties is not None and kinds["map"].properties.layout_keys == {
        "map_zoom",
        "map_provider",
    }
    assert kinds["map"].payload is not None and kinds["map"].snapshot is not None
    assert kinds["graph"].spawn is not None and kinds["dataframe"].spawn is None  # blueprint only
    assert {"y_range", "background", "dataframe_query"} <= view_registry.property_names()


def test_one_default_timeline_rule() -> None:
    from rerun_notebook import timectrl

    assert timectrl.default_timeline is timelines.default_timeline
    assert timelines.default_timeline({"log_time": 0, "log_tick": 0, "frame": 0}) == "frame"
    assert timelines.default_timeline({"log_tick": 0, "log_time": 0}) == "log_time"
