"""Small LeRobot datasets in the v2.1 and v3.0 folder layouts, written by the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

FEATURES = {
    "observation.state": {"dtype": "float32", "shape": [2], "names": {"motors": ["a", "b"]}},
    "action": {"dtype": "float32", "shape": [2], "names": None},
    "reward": {"dtype": "float32", "shape": [1], "names": None},
    "timestamp": {"dtype": "float32", "shape": [1], "names": None},
    "frame_index": {"dtype": "int64", "shape": [1], "names": None},
    "episode_index": {"dtype": "int64", "shape": [1], "names": None},
    "index": {"dtype": "int64", "shape": [1], "names": None},
    "task_index": {"dtype": "int64", "shape": [1], "names": None},
}
EPISODES = [(0, 3), (1, 4)]
TASKS = ["pick it", "place it"]


def _info(version: str, data_path: str, video_path: str) -> dict[str, object]:
    return {
        "codebase_version": version,
        "robot_type": "toy",
        "total_episodes": len(EPISODES),
        "total_frames": sum(n for _, n in EPISODES),
        "total_tasks": len(TASKS),
        "total_chunks": 1,
        "total_videos": 0,
        "chunks_size": 1000,
        "fps": 10,
        "splits": {"train": "0:2"},
        "data_path": data_path,
        "video_path": video_path,
        "features": FEATURES,
    }


def _episode_table(e: int, n: int, start: int, fixed: bool) -> pa.Table:
    vec = pa.list_(pa.float32(), 2) if fixed else pa.list_(pa.float32())
    return pa.table(
        {
            "observation.state": pa.array([[float(i), float(e)] for i in range(n)], vec),
            "action": pa.array([[1.0, -1.0]] * n, vec),
            "reward": pa.array([i / 2 for i in range(n)], pa.float32()),
            "timestamp": pa.array([i / 10 for i in range(n)], pa.float32()),
            "frame_index": pa.array(range(n), pa.int64()),
            "episode_index": pa.array([e] * n, pa.int64()),
            "index": pa.array(range(start, start + n), pa.int64()),
            "task_index": pa.array([e] * n, pa.int64()),
        }
    )


def write_v2(root: Path) -> Path:
    (root / "meta").mkdir(parents=True)
    (root / "data" / "chunk-000").mkdir(parents=True)
    info = _info(
        "v2.1",
        "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet",
        "videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4",
    )
    (root / "meta" / "info.json").write_text(json.dumps(info, indent=2))
    (root / "meta" / "tasks.jsonl").write_text(
        "".join(json.dumps({"task_index": i, "task": t}) + "\n" for i, t in enumerate(TASKS))
    )
    lines = [json.dumps({"episode_index": e, "tasks": [TASKS[e]], "length": n}) + "\n" for e, n in EPISODES]
    (root / "meta" / "episodes.jsonl").write_text("".join(lines))
    start = 0
    for e, n in EPISODES:
        pq.write_table(
            _episode_table(e, n, start, fixed=False), root / f"data/chunk-000/episode_{e:06d}.parquet"
        )
        start += n
    return root


def write_v3(root: Path) -> Path:
    (root / "meta" / "episodes" / "chunk-000").mkdir(parents=True)
    (root / "data" / "chunk-000").mkdir(parents=True)
    info = _info(
        "v3.0",
        "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
        "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4",
    )
    (root / "meta" / "info.json").write_text(json.dumps(info, indent=4))
    (root / "meta" / "stats.json").write_text(json.dumps({"action": {"min": [1.0, -1.0]}}))
    tasks = pa.table({"task_index": pa.array(range(len(TASKS)), pa.int64()), "__index_level_0__": TASKS})
    pq.write_table(tasks, root / "meta" / "tasks.parquet")
    tables, rows, start = [], [], 0
    for e, n in EPISODES:
        tables.append(_episode_table(e, n, start, fixed=True))
        rows.append(
            {
                "episode_index": e,
                "length": n,
                "tasks": [TASKS[e]],
                "data/chunk_index": 0,
                "data/file_index": 0,
                "dataset_from_index": start,
                "dataset_to_index": start + n,
            }
        )
        start += n
    pq.write_table(pa.concat_tables(tables), root / "data/chunk-000/file-000.parquet")
    pq.write_table(pa.Table.from_pylist(rows), root / "meta/episodes/chunk-000/file-000.parquet")
    return root


VIDEO_FEATURE = {
    "dtype": "video",
    "shape": [24, 32, 3],
    "names": ["height", "width", "channel"],
    "info": {"video.fps": 10.0, "video.codec": "h264", "video.pix_fmt": "yuv420p", "has_audio": False},
}


def add_video(root: Path, version: str) -> Path:
    """An ``observation.image`` video feature: one file per episode (v2) or one shared file (v3)."""
    from test_mp4_reader import write_mp4

    info = json.loads((root / "meta" / "info.json").read_text())
    info["features"]["observation.image"] = VIDEO_FEATURE
    (root / "meta" / "info.json").write_text(json.dumps(info, indent=2))
    if version == "v2":
        d = root / "videos" / "chunk-000" / "observation.image"
        d.mkdir(parents=True)
        for e, n in EPISODES:
            write_mp4(d / f"episode_{e:06d}.mp4", frames=n, gop=2)
        return root
    d = root / "videos" / "observation.image" / "chunk-000"
    d.mkdir(parents=True)
    write_mp4(d / "file-000.mp4", frames=sum(n for _, n in EPISODES), gop=3)
    path = root / "meta" / "episodes" / "chunk-000" / "file-000.parquet"
    t = pq.read_table(path)
    key = "videos/observation.image"
    t = t.append_column(f"{key}/chunk_index", pa.array([0, 0], pa.int64()))
    t = t.append_column(f"{key}/file_index", pa.array([0, 0], pa.int64()))
    t = t.append_column(f"{key}/from_timestamp", pa.array([0.0, 0.3]))
    t = t.append_column(f"{key}/to_timestamp", pa.array([0.3, 0.7]))
    pq.write_table(t, path)
    return root


def _png(pixels: object) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")  # type: ignore[arg-type]
    return out.getvalue()


IMAGE = pa.struct([("bytes", pa.binary()), ("path", pa.utf8())])
TOOL_CALLS = pa.list_(
    pa.struct(
        [
            ("function", pa.struct([("arguments", pa.struct([("text", pa.utf8())])), ("name", pa.utf8())])),
            ("type", pa.utf8()),
        ]
    )
)
LANGUAGE = pa.list_(
    pa.struct(
        [
            ("style", pa.utf8()),
            ("content", pa.utf8()),
            ("role", pa.utf8()),
            ("camera", pa.utf8()),
            ("timestamp", pa.float32()),
            ("tool_calls", TOOL_CALLS),
        ]
    )
)
PERSISTENT = [
    {"style": "subtask", "content": "pick", "role": "assistant", "timestamp": 0.0},
    {
        "style": "vqa",
        "content": "what?",
        "role": "user",
        "camera": "observation.images.cam",
        "timestamp": 0.2,
    },
    {
        "role": "assistant",
        "timestamp": 0.1,
        "tool_calls": [{"function": {"arguments": {"text": "hi"}, "name": "say"}, "type": "function"}],
    },
]


def add_columns(root: Path, version: str) -> Path:
    """Image (RGB, depth, and an unsupported RGBA), string, subtask and, for v3 (0.41 refuses
    them in v2), language features."""
    import numpy as np

    info = json.loads((root / "meta" / "info.json").read_text())
    features = info["features"]
    for key, channels in (("observation.images.cam", 3), ("observation.images.depth", 1), ("rgba", 4)):
        features[key] = {"dtype": "image", "shape": [4, 6, channels], "names": ["height", "width", "channel"]}
    features["note"] = {"dtype": "string", "shape": [1], "names": None}
    features["subtask_index"] = {"dtype": "int64", "shape": [1], "names": None}
    if version == "v3":
        features["language_events"] = {"dtype": "language", "shape": [1], "names": None}
        features["language_persistent"] = {"dtype": "language", "shape": [1], "names": None}
        subtasks = pa.table({"subtask_index": pa.array([0, 1], pa.int64()), "subtask": ["reach", "grab"]})
        pq.write_table(subtasks, root / "meta" / "subtasks.parquet")
    (root / "meta" / "info.json").write_text(json.dumps(info, indent=2))
    for path in sorted((root / "data").glob("*/*.parquet")):
        t = pq.read_table(path)
        n = t.num_rows
        rgb = [_png(np.full((4, 6, 3), 10 * i, np.uint8)) for i in range(n)]
        depth = [_png(np.full((4, 6), 1000 + i, np.uint16)) for i in range(n)]
        rgba = [_png(np.full((4, 6, 4), i, np.uint8)) for i in range(n)]
        for key, blobs in (
            ("observation.images.cam", rgb),
            ("observation.images.depth", depth),
            ("rgba", rgba),
        ):
            t = t.append_column(key, pa.array([{"bytes": b, "path": None} for b in blobs], IMAGE))
        t = t.append_column("note", pa.array([f"note {i}" if i != 1 else None for i in range(n)]))
        t = t.append_column("subtask_index", pa.array([i % 2 for i in range(n)], pa.int64()))
        if version == "v3":
            events = [
                [{"style": "say", "content": f"hi {i}", "role": "assistant"}] if i % 2 else []
                for i in range(n)
            ]
            t = t.append_column("language_events", pa.array(events, LANGUAGE))
            t = t.append_column("language_persistent", pa.array([PERSISTENT] * n, LANGUAGE))
        pq.write_table(t, path)
    return root
