"""Our archetypes give the same descriptors, Arrow types and values as rerun-sdk 0.41.

All cases run in one oracle subprocess (and one subprocess of ours) to stay fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .archetype_cases import CASES

HERE = Path(__file__).resolve().parent
DUMP = HERE / "_dump_batches.py"
CASES_FILE = HERE / "archetype_cases.py"

pytestmark = pytest.mark.interop


def _oracle_json(oracle: Any, *args: str) -> Any:
    """Run a script under rerun-sdk 0.41 (oracle venv) and parse the JSON it prints."""
    proc = subprocess.run(
        [str(oracle.python), *args], capture_output=True, text=True, timeout=300, env=oracle.env(), cwd="/"
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _our_json(*args: str, strict: bool = False) -> Any:
    """Run a script under our SDK (optionally with RERUN_STRICT=1) and parse the JSON it prints."""
    env = {**os.environ, "RERUN_STRICT": "1"} if strict else None
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def oracle_batches(oracle: Any) -> dict[str, Any]:
    return _oracle_json(oracle, str(DUMP), str(CASES_FILE))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def our_batches() -> dict[str, Any]:
    return _our_json(str(DUMP), str(CASES_FILE), "ours", strict=True)  # type: ignore[no-any-return]


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_batches_as_oracle(
    case: str, oracle_batches: dict[str, Any], our_batches: dict[str, Any]
) -> None:
    expected, got = oracle_batches[case], our_batches[case]
    assert not (isinstance(expected, dict) and "error" in expected), f"oracle failed: {expected}"
    assert not (isinstance(got, dict) and "error" in got), f"ours failed: {got}"
    assert [b["component"] for b in got] == [b["component"] for b in expected]
    for ours, theirs in zip(got, expected):
        assert ours == theirs, f"{case}: {ours['component']} differs"


def test_logged_cases_match_oracle_rrd(oracle: Any, tmp_path: Path) -> None:
    """Every case logged to .rrd by both SDKs: the real CLI verifies ours and finds them equal."""
    files = {}
    for who, python in (("oracle", str(oracle.python)), ("ours", sys.executable)):
        out = tmp_path / f"{who}.rrd"
        env = oracle.env() if who == "oracle" else dict(os.environ)
        proc = subprocess.run(
            [python, str(HERE / "_log_cases.py"), str(CASES_FILE), str(out)],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            cwd=str(tmp_path),
        )
        assert proc.returncode == 0, proc.stderr
        optimized = tmp_path / f"{who}_opt.rrd"
        oracle.cli("rrd", "optimize", str(out), "-o", str(optimized))
        files[who] = optimized
    oracle.cli("rrd", "verify", str(tmp_path / "ours.rrd"))
    proc = oracle.cli("rrd", "compare", "--unordered", str(files["oracle"]), str(files["ours"]), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_blueprint_rows_match_oracle(oracle: Any) -> None:
    """Views, containers, panels and properties log the same blueprint rows as rerun-sdk."""
    script = str(HERE / "_dump_blueprint.py")
    expected, got = _oracle_json(oracle, script), _our_json(script)
    assert len(got) == len(expected)
    for ours_row, their_row in zip(got, expected):
        assert ours_row == their_row


def test_video_frame_timestamps_match_oracle(oracle: Any, tmp_path: Path) -> None:
    """Frame timestamps read from MP4 sample tables (with B-frame offsets) agree with rerun-sdk."""
    builder = HERE.parent / "sdk" / "_mp4_builder.py"
    script = f"""
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("mp4b", {str(builder)!r})
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
import rerun as rr
cases = [([3000] * 4, [6000, 3000, 3000, 3000], 0), ([1000, 2000, 3000, 4000], [500, 0, 0, 0], 0),
         ([3000] * 4, [6000, 0, 0, 0], 0), ([3000] * 4, [-3000, 3000, 0, 0], 1), ([1001] * 5, [2002, 5005, 2002, 0, 1001], 0)]
out = []
for deltas, offsets, version in cases:
    data = mod.make_mp4(deltas, offsets, timescale=30000, ctts_version=version)
    video = rr.archetypes.AssetVideo(contents=data, media_type="video/mp4")
    out.append([int(t) for t in video.read_frame_timestamps_nanos()])
print(json.dumps(out))
"""
    path = tmp_path / "ts.py"
    path.write_text(script)
    assert _our_json(str(path)) == _oracle_json(oracle, str(path))


def test_bad_input_raises_like_the_oracle_in_strict_mode(oracle: Any) -> None:
    """Each bad call raises in both SDKs, with the same exception class, naming the argument."""
    expected = _oracle_json(oracle, str(DUMP), str(CASES_FILE), "errors")
    got = _our_json(str(DUMP), str(CASES_FILE), "ours", "errors", strict=True)
    for case, result in expected.items():
        assert "kind" in result, f"oracle accepted {case}"
        assert "kind" in got[case], f"we accepted {case}: {got[case]}"
        assert got[case]["kind"] == result["kind"], f"{case}: {got[case]['error']} vs {result['error']}"
    assert "`radii`" in got["radii_str"]["error"] and "`fill_mode`" in got["enum_bad"]["error"]


def test_constructor_signatures_match_oracle(oracle: Any) -> None:
    """Argument names, which are positional, which are required; columns/from_fields fields."""
    script = str(HERE / "_dump_signatures.py")
    expected, got = _oracle_json(oracle, script), _our_json(script)
    assert sorted(got) == sorted(expected)
    for name, sig in expected.items():
        assert got[name] == sig, name


def test_blueprint_messages_verify_with_the_real_cli(oracle: Any, tmp_path: Path) -> None:
    """A blueprint logged into its own store (via the SDK's send path) is a valid .rbl file."""
    import rerun.blueprint as rrb
    from rerun.sinks import blueprint_messages
    from rerun_core.store.messages import ArrowMsg, SetStoreInfo
    from rerun_core.store.rrd import RrdWriter

    bp = rrb.Blueprint(
        rrb.Horizontal(rrb.Spatial2DView(origin="/", background=[1, 2, 3]), rrb.TimeSeriesView()),
        rrb.TimePanel(play_state="paused"),
        collapse_panels=True,
    )
    msgs = blueprint_messages(bp, "app")
    assert isinstance(msgs[0], SetStoreInfo)
    chunks = [m.chunk for m in msgs if isinstance(m, ArrowMsg)]
    assert {str(c.entity_path).split("/")[1] for c in chunks} >= {
        "viewport",
        "container",
        "view",
        "time_panel",
    }
    path = tmp_path / "bp.rbl"
    with RrdWriter(path) as writer:
        for msg in msgs:
            writer.write(msg)
    oracle.cli("rrd", "verify", str(path))
