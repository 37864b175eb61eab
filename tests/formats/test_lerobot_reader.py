"""``rerun.experimental.LeRobotReader`` against the real 0.41 reader over v2 and v3 datasets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lerobot_samples import add_columns, add_video, write_v2, write_v3
from reader_interop import compare_streams

from rerun.experimental import LeRobotReader

WRITERS = {"v2": write_v2, "v3": write_v3}


@pytest.mark.interop
@pytest.mark.parametrize("version", ["v2", "v3"])
@pytest.mark.parametrize(
    "expr",
    [
        "r.stream(0)",
        "r.stream(1, entity_path_prefix='/robot', timeline='t', video_mode='skip')",
        "LazyChunkStream.from_iter([r.metadata()])",
        "LazyChunkStream.from_iter([r.metadata(entity_path_prefix='/meta')])",
    ],
)
def test_stream_matches_real_reader(oracle, tmp_path: Path, version: str, expr: str) -> None:
    path = WRITERS[version](tmp_path / "ds")
    prelude = f"(lambda r: ({expr}))(LeRobotReader({str(path)!r}))"
    compare_streams(
        oracle,
        tmp_path,
        prelude.replace("LazyChunkStream", "__import__('rerun.chunk').chunk.LazyChunkStream"),
    )


@pytest.mark.interop
@pytest.mark.parametrize("version", ["v2", "v3"])
@pytest.mark.parametrize("episode", [0, 1])
def test_video_matches_real_reader(oracle, tmp_path: Path, version: str, episode: int) -> None:
    """v2: the episode's own file; v3: the episode's window of a shared file (starting on a keyframe)."""
    pytest.importorskip("av")
    path = add_video(WRITERS[version](tmp_path / "ds"), version)
    compare_streams(oracle, tmp_path, f"LeRobotReader({str(path)!r}).stream({episode})")


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_reader_api(tmp_path: Path, version: str) -> None:
    r = LeRobotReader(WRITERS[version](tmp_path / "ds"))
    assert r.version == version
    assert r.episodes() == [0, 1]
    assert r.metadata().entity_path == "/__lerobot"
    entities = {c.entity_path for c in r.stream(1)}
    assert entities == {"/observation.state", "/action", "/reward", "/task"}
    with pytest.raises(ValueError, match="episode 7"):
        r.stream(7)


def test_not_a_dataset(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        LeRobotReader(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="not a LeRobot dataset"):
        LeRobotReader(tmp_path / "empty")
    bad = write_v2(tmp_path / "old")
    (bad / "meta" / "info.json").write_text('{"codebase_version": "v1.6", "features": {}}')
    with pytest.raises(ValueError, match="not a v2 or v3"):
        LeRobotReader(bad)


@pytest.mark.interop
@pytest.mark.parametrize("version", ["v2", "v3"])
@pytest.mark.parametrize(
    "expr", ["r.stream(0)", "r.stream(1)", "r.stream(1, entity_path_prefix='/robot', timeline='t')"]
)
def test_image_text_and_language_features_match_real_reader(
    oracle, tmp_path: Path, version: str, expr: str
) -> None:
    """Encoded and depth images, strings, subtasks, language annotations (v3) as 0.41 emits them."""
    pytest.importorskip("PIL")
    path = add_columns(WRITERS[version](tmp_path / "ds"), version)
    compare_streams(oracle, tmp_path, f"(lambda r: ({expr}))(LeRobotReader({str(path)!r}))")


def test_image_text_and_language_entities(tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    r = LeRobotReader(add_columns(write_v3(tmp_path / "ds"), "v3"))
    by_entity = {c.entity_path: c for c in r.stream(1)}
    assert {"/observation.images.cam", "/observation.images.depth", "/note", "/subtask"} <= set(by_entity)
    assert "/rgba" not in by_entity  # 4 channels: skipped, as 0.41
    assert {p for p in by_entity if p.startswith("/language")} == {
        "/language_events/say/assistant",
        "/language_persistent/subtask/assistant",
        "/language_persistent/vqa/user/observation.images.cam",
        "/language_persistent/assistant/tool_calls",
    }
    calls = by_entity["/language_persistent/assistant/tool_calls"]
    text = calls.to_record_batch().column("TextDocument:text").to_pylist()
    assert text == [["{function: {arguments: {text: hi}, name: say}, type: function}"]]


def test_v2_refuses_language_features(tmp_path: Path) -> None:
    path = write_v2(tmp_path / "ds")
    info = json.loads((path / "meta" / "info.json").read_text())
    info["features"]["language_events"] = {"dtype": "language", "shape": [1], "names": None}
    (path / "meta" / "info.json").write_text(json.dumps(info))
    with pytest.raises(ValueError, match="`Language` dtype is not supported for V2"):
        LeRobotReader(path)
