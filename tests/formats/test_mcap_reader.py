"""``rerun.chunk.McapReader``: its info equals 0.41's and its stream yields the converter's chunks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcap_samples import write_attachments_and_metadata, write_ros2

from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages

_PLAIN = """
def plain(o):
    import dataclasses
    from collections.abc import Mapping
    if dataclasses.is_dataclass(o):
        return {f.name: plain(getattr(o, f.name)) for f in dataclasses.fields(o)}
    if isinstance(o, (list, tuple)):
        return [plain(x) for x in o]
    if isinstance(o, Mapping):
        return dict(o)
    return o
"""
_INFO_SCRIPT = (
    _PLAIN
    + """
import json, sys
import rerun.chunk as c
r = c.McapReader(sys.argv[1])
found = {"info": plain(r.info()), "bounds": list(r.time_bounds()), "decoders": c.McapReader.available_decoders()}
print(json.dumps(found))
"""
)


def _ours(path: Path) -> dict[str, Any]:
    import rerun.chunk as c

    scope: dict[str, Any] = {}
    exec(_PLAIN, scope)
    plain = scope["plain"]
    r = c.McapReader(path)
    found = {
        "info": plain(r.info()),
        "bounds": list(r.time_bounds()),
        "decoders": c.McapReader.available_decoders(),
    }
    return json.loads(json.dumps(found))


@pytest.mark.interop
@pytest.mark.parametrize("kind", ["ros2-chunked", "attachments"])
def test_info_matches_rerun(oracle, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    if kind == "attachments":
        src = write_attachments_and_metadata(tmp_path / "a.mcap")
    else:
        src = write_ros2(
            tmp_path / "a.mcap", ["std_msgs/msg/String", "sensor_msgs/msg/Imu"], count=7, chunk_size=400
        )
    theirs = json.loads(oracle.run_script(_INFO_SCRIPT, str(src)).stdout)
    assert _ours(src) == theirs


def test_stream_yields_the_converted_chunks(ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import rerun.chunk as c

    src = write_ros2(tmp_path / "a.mcap", ["std_msgs/msg/String", "sensor_msgs/msg/Imu"], count=4)
    out = tmp_path / "a.rrd"
    assert ours("mcap", "convert", src, "-o", out)[0] == 0
    converted = sorted(str(m.chunk.entity_path) for m in read_messages(out) if isinstance(m, ArrowMsg))
    streamed = c.McapReader(src).stream().to_chunks()
    assert sorted(str(ch.entity_path) for ch in streamed) == converted
    only_string = c.McapReader(
        src, include_topic_regex=["^/string$"], decoders=["ros2msg", "ros2_reflection"]
    )
    assert {str(ch.entity_path) for ch in only_string.stream().to_chunks()} == {"/string"}


def test_unknown_decoder_is_rejected(tmp_path: Path) -> None:
    import rerun.chunk as c

    src = write_ros2(tmp_path / "a.mcap", ["std_msgs/msg/String"], count=1)
    with pytest.raises(ValueError, match="unknown decoder"):
        c.McapReader(src, decoders=["nope"])
