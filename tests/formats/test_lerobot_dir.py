"""``rerun DIR`` on a LeRobot dataset folder: one recording per episode, as the real 0.41 CLI
saves them (``rerun DIR --save``), compared recording by recording with the real ``rrd compare``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lerobot_samples import add_columns, write_v2, write_v3

from rerun_core.formats.lerobot_columns import dataset_log_msgs, is_dataset_dir
from rerun_core.store.messages import ArrowMsg, SetStoreInfo
from rerun_core.store.rrd import RrdWriter, read_messages

WRITERS = {"v2": write_v2, "v3": write_v3}


def _split(rrd: Path, out: Path) -> dict[str, Path]:
    """One .rrd per recording of ``rrd`` (the real ``rrd compare`` takes one recording a file)."""
    by_store: dict[str, list[object]] = {}
    for msg in read_messages(rrd):
        if isinstance(msg, SetStoreInfo | ArrowMsg):
            by_store.setdefault(f"{msg.store_id.application_id}/{msg.store_id.recording_id}", []).append(msg)
    files = {}
    for key, msgs in by_store.items():
        files[key] = out / f"{key.replace('/', '_')}.rrd"
        with RrdWriter(files[key]) as writer:
            writer.write_all(msgs)  # type: ignore[arg-type]
    return files


@pytest.mark.interop
@pytest.mark.parametrize("version", ["v2", "v3"])
def test_dataset_dir_matches_real_cli(oracle, tmp_path: Path, version: str) -> None:
    pytest.importorskip("PIL")
    path = add_columns(WRITERS[version](tmp_path / "robot_ds"), version)
    theirs, ours = tmp_path / "theirs.rrd", tmp_path / "ours.rrd"
    oracle.cli(str(path), "--save", str(theirs), "--port", "0")  # (a free port: --save serves gRPC too)
    # ours through the same command line: `rerun DIR --save` saves the episodes and exits
    done = subprocess.run(
        [str(Path(sys.executable).parent / "rerun"), str(path), "--save", str(ours), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert [m.store_id.recording_id for m in read_messages(ours) if isinstance(m, SetStoreInfo)] == [
        m.store_id.recording_id for m in dataset_log_msgs(path) if isinstance(m, SetStoreInfo)
    ]
    (tmp_path / "t").mkdir()
    (tmp_path / "o").mkdir()
    their_stores, our_stores = _split(theirs, tmp_path / "t"), _split(ours, tmp_path / "o")
    assert sorted(our_stores) == sorted(their_stores) == ["robot_ds/episode_0", "robot_ds/episode_1"]
    for key in their_stores:
        proc = oracle.cli(
            "rrd", "compare", "--unordered", str(their_stores[key]), str(our_stores[key]), check=False
        )
        assert proc.returncode == 0, f"{key}:\n{proc.stdout}\n{proc.stderr}"


def test_is_dataset_dir(tmp_path: Path) -> None:
    assert is_dataset_dir(write_v2(tmp_path / "ds"))
    assert not is_dataset_dir(tmp_path / "ds" / "meta" / "info.json")
    assert not is_dataset_dir(tmp_path / "ds" / "data")
