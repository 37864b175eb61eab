"""MCAP import without the oracle: bad input, options, log_file_from_path, the viewer's file arguments."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcap_samples import write_raw, write_ros2

from rerun.cli.mcap import parse_time
from rerun_core.formats.mcap import McapFile, McapFileError, McapOptions, iter_chunks
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages


def _entities(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for msg in read_messages(path):
        if isinstance(msg, ArrowMsg):
            comps = [d.component for d in msg.chunk.components]
            out.setdefault(str(msg.chunk.entity_path), []).extend(comps)
    return out


def test_convert_writes_archetypes_per_topic(ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write_ros2(tmp_path / "in.mcap", ["std_msgs/msg/String", "sensor_msgs/msg/Imu"], count=2)
    out = tmp_path / "out.rrd"
    assert ours("mcap", "convert", src, "-o", out)[0] == 0
    ents = _entities(out)
    assert "TextDocument:text" in ents["/string"]
    assert {"Scalars:scalars", "CoordinateFrame:frame", "SeriesLines:names"} <= set(ents["/imu"])
    assert "McapStatistics:message_count" in ents["/__mcap_properties"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"not an mcap file", "not an MCAP file"), (b"\x89MCAP0\r\n" + b"\x01" * 40, "corrupt MCAP file")],
    ids=["garbage", "truncated"],
)
def test_corrupt_input_is_one_line_error(ours, tmp_path: Path, data: bytes, expected: str) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.mcap"
    bad.write_bytes(data)
    code, _out, err = ours("mcap", "convert", bad, "-o", tmp_path / "out.rrd")
    assert code == 1
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out.rrd").exists()


def test_missing_file_is_one_line_error(ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = ours("mcap", "convert", tmp_path / "nope.mcap", "-o", tmp_path / "out.rrd")
    assert code == 1 and "cannot read" in err and len(err.strip().splitlines()) == 1


def test_unknown_decoder_is_a_usage_error(ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = write_raw(tmp_path / "raw.mcap")
    with pytest.raises(SystemExit) as exc:
        ours("mcap", "convert", src, "-d", "nonsense")
    assert exc.value.code == 2


def test_raw_messages_only_with_the_raw_decoder(tmp_path: Path) -> None:
    src = write_raw(tmp_path / "raw.mcap")
    with_raw = list(iter_chunks(McapFile(src), McapOptions()))
    without = list(iter_chunks(McapFile(src), McapOptions(decoders=["schema", "stats"], raw_fallback=False)))
    assert any("McapMessage:data" in [d.component for d in c.components] for c in with_raw)
    assert not any("McapMessage:data" in [d.component for d in c.components] for c in without)


def test_unreadable_file_raises_mcap_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.mcap"
    bad.write_bytes(b"hello")
    with pytest.raises(McapFileError, match="bad magic"):
        McapFile(bad)


@pytest.mark.parametrize(
    ("text", "ns"),
    [
        ("123", 123),
        ("5s", 5_000_000_000),
        ("1.5ms", 1_500_000),
        ("2023-11-14T22:13:20Z", 1_700_000_000_000_000_000),
        ("2023-11-14T22:13:20.5+00:00", 1_700_000_000_500_000_000),
    ],
)
def test_time_bounds_parse_like_the_real_cli(text: str, ns: int) -> None:
    assert parse_time(text) == ns


def test_log_file_from_path_forwards_mcap_chunks(tmp_path: Path) -> None:
    import rerun as rr

    src = write_ros2(tmp_path / "in.mcap", ["std_msgs/msg/String"], count=3)
    out = tmp_path / "rec.rrd"
    rec = rr.RecordingStream("mcap_app", recording_id="r1")
    rec.save(out)
    rec.log_file_from_path(src, entity_path_prefix="/ignored")
    rec.flush()
    rec.disconnect()
    ents = _entities(out)
    assert "TextDocument:text" in ents["/string"]  # 0.41 ignores the prefix for MCAP
    assert "/ignored/string" not in ents


def test_viewer_expands_directories_and_globs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rerun.cli._file_sources import file_messages as _file_messages
    from rerun.cli.viewer import _split_inputs

    (tmp_path / "d" / "sub").mkdir(parents=True)
    a = write_raw(tmp_path / "d" / "a.mcap")
    b = write_raw(tmp_path / "d" / "sub" / "b.mcap")
    (tmp_path / "d" / "notes.txt").write_text("skip me")
    c = write_raw(tmp_path / "c.mcap")
    monkeypatch.chdir(tmp_path)
    files = _split_inputs(["d", "c*.mcap"])[2]
    assert files == [str(Path("d") / "a.mcap"), str(Path("d") / "sub" / "b.mcap"), "c.mcap"]
    msgs = list(_file_messages(str(a)))
    assert type(msgs[0]).__name__ == "SetStoreInfo"
    assert any(isinstance(m, ArrowMsg) and str(m.chunk.entity_path) == "/things" for m in msgs)
    assert b.exists() and c.exists()


@pytest.mark.slow
def test_rerun_directory_of_mcaps_loads_each_file(tmp_path: Path) -> None:
    """`rerun DIR` (as `rerun a.mcap b.mcap`): each file becomes its own recording in the viewer."""
    import signal
    import socket
    import subprocess
    import sys

    d = tmp_path / "bags"
    d.mkdir()
    write_raw(d / "a.mcap")
    write_ros2(d / "b.mcap", ["std_msgs/msg/String"], count=2)
    saved = tmp_path / "saved.rrd"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).parent / "rerun"
    proc = subprocess.Popen(
        [str(exe), "--serve-grpc", f"--port={port}", f"--save={saved}", str(d)],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # loads are reported before the viewer says how to stop it
            lines.append(line)
            if "Ctrl-C" in line:
                break
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    text = "".join(lines)
    assert f"loaded {d / 'a.mcap'}" in text and f"loaded {d / 'b.mcap'}" in text, text
    stores = {m.store_id.application_id for m in read_messages(saved) if isinstance(m, ArrowMsg)}
    assert len(stores) == 2
    ents = _entities(saved)
    assert "McapMessage:data" in ents["/things"] and "TextDocument:text" in ents["/string"]


def test_broken_protobuf_schema_is_one_line_error(ours, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from mcap.writer import Writer

    bad = tmp_path / "bad_schema.mcap"
    with open(bad, "wb") as f:
        w = Writer(f)
        w.start(profile="", library="tests")
        sid = w.register_schema(name="foo.Bar", encoding="protobuf", data=b"\x01\x02garbage")
        cid = w.register_channel(topic="/bar", message_encoding="protobuf", schema_id=sid)
        w.add_message(cid, log_time=10, publish_time=10, data=b"\x08\x01", sequence=0)
        w.finish()
    code, _out, err = ours("mcap", "convert", bad, "-o", tmp_path / "out.rrd")
    assert code == 1
    assert "Invalid schema foo.Bar" in err and len(err.strip().splitlines()) == 1
