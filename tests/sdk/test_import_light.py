"""``import rerun`` must not pull in the viewer, notebook, gRPC or DataFusion stacks."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "pygfx",
    "wgpu",
    "ipywidgets",
    "anywidget",
    "grpc",
    "datafusion",
    "rerun_notebook",
    "rerun_core.viewer",
)

PROBE = """
import sys
import rerun as rr
rr.init("probe", recording_id="x")
rr.set_time("frame", sequence=1)
rr.memory_recording()
heavy = sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in {heavy!r}))
print(",".join(heavy))
"""


def test_import_rerun_is_light() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == "", f"import rerun loaded: {out.stdout.strip()}"


def test_archetypes_resolve_lazily() -> None:
    code = "import sys, rerun as rr; print('rerun.archetypes' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"


def test_a_broken_lazy_module_raises_its_own_error() -> None:
    # A broken archetypes module must surface as its ImportError, not as "no attribute Points3D".
    code = (
        "import sys, rerun as rr\n"
        "sys.modules['rerun.archetypes'] = None  # importing it now fails\n"
        "try:\n"
        "    rr.Points3D\n"
        "except ImportError as err:\n"
        "    print('ImportError', err.name)\n"
        "except AttributeError:\n"
        "    print('AttributeError')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "ImportError rerun.archetypes"
