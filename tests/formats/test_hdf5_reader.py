"""``rerun.experimental.Hdf5Reader`` against the real 0.41 reader over HDF5 files written here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from reader_interop import compare_streams

from rerun.chunk import IndexColumn
from rerun.experimental import DatasetInfo, Hdf5Reader

h5py = pytest.importorskip("h5py")


def _write(path: Path) -> Path:
    with h5py.File(path, "w") as f:
        f.attrs["robot"] = "aloha"
        f.attrs["fps"] = 50
        f.attrs["gains"] = np.array([1.0, 2.0])
        f["time"] = np.array([0.0, 0.5, 1.0])
        f["action"] = np.arange(6, dtype=np.float32).reshape(3, 2)
        f["scalar"] = 3.5
        f["names"] = np.array([b"a", b"b", b"c"])
        f["flags"] = np.array([True, False, True])  # an enum: skipped with a warning, as 0.41
        f["half"] = np.arange(3, dtype=np.float16)  # float16: unsupported in 0.41 too
        f["labels"] = np.array(["x", "yy", "zzz"], dtype=h5py.string_dtype())
        f["u64"] = np.arange(3, dtype=np.uint64)
        f.attrs["ok"] = True  # a bool attribute: int8, as HDF5 stores it
        f.attrs["tags"] = np.array(["p", "q"], dtype=h5py.string_dtype())
        obs = f.create_group("observations")
        obs["qpos"] = np.arange(3, dtype=np.int16)
        obs["qvel"] = np.arange(3, dtype=np.float64)
        obs.attrs["note"] = b"bytes"
        images = obs.create_group("images")
        images["cam"] = np.arange(3 * 2 * 2 * 3, dtype=np.uint8).reshape(3, 2, 2, 3)
        images["cam"].attrs["fmt"] = "rgb"
    return path


def _write_large(path: Path) -> Path:
    """Enough rows that chunks split by bytes (images) and by the row cap."""
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(70_000, dtype=np.uint8)
        f.create_group("img")["cam"] = np.zeros((70_000, 3000), dtype=np.uint8)
        f.create_group("s")["a"] = np.ones((70_000, 2), dtype=np.int64)
    return path


CASES = [
    "",
    "use_structs=False, entity_path_prefix='/world', ignore_datasets=['/names']",
    "index_column=IndexColumn.timestamp('/time', input_unit='s')",
    "index_column=IndexColumn.duration('time', input_unit='ms'), ignore_datasets=['observations']",
    "root_group='/observations', index_column=IndexColumn.sequence('qpos')",
]


@pytest.mark.interop
@pytest.mark.parametrize("options", CASES)
def test_stream_matches_real_reader(oracle, tmp_path: Path, options: str) -> None:
    path = _write(tmp_path / "data.h5")
    compare_streams(oracle, tmp_path, f"Hdf5Reader({str(path)!r}).stream({options})")


@pytest.mark.interop
@pytest.mark.slow
def test_chunking_matches_real_reader(oracle, tmp_path: Path) -> None:
    path = _write_large(tmp_path / "large.h5")
    compare_streams(oracle, tmp_path, f"Hdf5Reader({str(path)!r}).stream()")


def test_metadata_accessors(tmp_path: Path) -> None:
    r = Hdf5Reader(_write(tmp_path / "data.h5"))
    assert r.groups() == ["/observations", "/observations/images"]
    assert DatasetInfo("/observations/images/cam", (3, 2, 2, 3), "uint8") in r.datasets()
    assert DatasetInfo("/flags", (3,), "unsupported") in r.datasets()
    assert DatasetInfo("/names", (3,), "string") in r.datasets()
    assert DatasetInfo("/half", (3,), "unsupported") in r.datasets()
    assert r.attributes() == {
        "fps": 50,
        "gains": [1.0, 2.0],
        "ok": True,
        "robot": "aloha",
        "tags": ["p", "q"],
    }
    assert r.attributes("/observations") == {"note": "bytes"}
    with pytest.raises(KeyError):
        r.attributes("/nope")


def test_layout_errors_raise_at_stream(tmp_path: Path) -> None:
    r = Hdf5Reader(_write(tmp_path / "data.h5"))
    with pytest.raises(ValueError, match="not found"):
        r.stream(root_group="/nope")
    with pytest.raises(ValueError, match="is a dataset, not a group"):
        r.stream(root_group="/time")
    with pytest.raises(ValueError, match="must be 1-dimensional"):
        r.stream(index_column=IndexColumn.sequence("/action"))
    with h5py.File(tmp_path / "ragged.h5", "w") as f:
        f["a"] = np.arange(2)
        f["b"] = np.arange(5)
    with pytest.raises(ValueError, match="not row-aligned"):
        Hdf5Reader(tmp_path / "ragged.h5").stream()
    assert [c.num_rows for c in Hdf5Reader(tmp_path / "ragged.h5").stream(ignore_datasets=["/b"])] == [2]


def test_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Hdf5Reader(tmp_path / "nope.h5")
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"garbage")
    with pytest.raises(ValueError, match="Failed to open the HDF5 file"):
        Hdf5Reader(bad).stream()


@pytest.mark.interop
def test_unsorted_index_matches_real_reader(oracle, tmp_path: Path) -> None:
    """Rows come out sorted by the index (stable on ties), as 0.41 sorts its chunks."""
    path = tmp_path / "unsorted.h5"
    with h5py.File(path, "w") as f:
        f["t"] = np.array([0.3, 0.1, 0.2, 0.1])
        f["x"] = np.arange(4)
        f.create_group("g")["y"] = np.arange(8).reshape(4, 2)
    compare_streams(
        oracle,
        tmp_path,
        f"Hdf5Reader({str(path)!r}).stream(index_column=IndexColumn.duration('t', input_unit='s'))",
    )
