"""script_add_args / script_setup / script_teardown, as Rerun's example scripts use them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import rerun as rr
from rerun_core.store.messages import ArrowMsg
from rerun_core.store.rrd import read_messages


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    rr.script_add_args(parser)
    return parser.parse_args(list(argv))


def test_arguments() -> None:
    args = parse("--headless", "--url", "rerun+http://127.0.0.1:1/proxy", "--save", "x.rrd")
    assert args.headless and args.url == "rerun+http://127.0.0.1:1/proxy" and args.save == "x.rrd"
    assert not args.connect and not args.serve and not args.stdout
    assert parse("--serve-web").serve and parse("--serve").serve and parse("--stdout").stdout


def test_save_mode_writes_the_file(tmp_path: Path) -> None:
    prev = rr.get_global_data_recording()
    try:
        rec = rr.script_setup(parse("--save", str(tmp_path / "s.rrd")), "helper_app", recording_id="h")
        assert rec.get_application_id() == "helper_app" and rr.strict_mode()
        rr.log("saved", rr.Scalars(1.0))
        rr.script_teardown(parse("--save", str(tmp_path / "s.rrd")))
        rec.disconnect()
        got = [str(m.chunk.entity_path) for m in read_messages(tmp_path / "s.rrd") if isinstance(m, ArrowMsg)]
        assert "/saved" in got
    finally:
        rr.set_strict_mode(False)
        rr.set_global_data_recording(prev)


def test_headless_keeps_data_in_memory() -> None:
    prev = rr.get_global_data_recording()
    try:
        rec = rr.script_setup(parse("--headless"), "helper_app", recording_id="h2")
        rr.log("buffered", rr.Scalars(1.0))
        rec.flush()
        assert rec._core.buffer is not None and len(rec._core.buffer) > 0
    finally:
        rr.set_strict_mode(False)
        rr.set_global_data_recording(prev)


def test_strict_mode_from_script_setup_raises_on_bad_input() -> None:
    prev = rr.get_global_data_recording()
    try:
        rr.script_setup(parse("--headless"), "helper_app", recording_id="h3")
        with pytest.raises(TypeError):
            rr.log("bad", 42)  # type: ignore[arg-type]
    finally:
        rr.set_strict_mode(False)
        rr.set_global_data_recording(prev)
