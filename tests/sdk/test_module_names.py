"""Names 0.41's public modules hold besides their functions, which scripts import directly."""

from __future__ import annotations

import subprocess
import sys
from datetime import timezone

import rerun as rr


def test_recording_stream_module_names() -> None:
    from rerun.recording_stream import AUTO_INDEX, active_recording_stream

    assert AUTO_INDEX is rr.AUTO_INDEX
    rec = rr.RecordingStream("module_names_test")
    with rec:
        assert active_recording_stream.get(None) is rec
    assert active_recording_stream.get(None) is not rec


def test_time_utc_and_component_value_like() -> None:
    from rerun.dynamic_archetype import ComponentValueLike
    from rerun.time import UTC

    assert UTC is timezone.utc
    assert ComponentValueLike is not None


def test_sinks_blueprint_like_loads_the_blueprint_package_only_when_asked() -> None:
    probe = (
        "import sys, rerun.sinks as s; before = 'rerun.blueprint' in sys.modules; "
        "like = s.BlueprintLike; print(before, 'Blueprint' in str(like))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_channel_count_pair_batches_as_0_41() -> None:
    enc = rr.encodings
    pair = enc.ChannelCountPair(3, enc.UInt64(10))
    assert (pair.channel_id, pair.message_count) == (3, 10) and hasattr(enc.ChannelCountPair, "channel_id")
    rows = enc.ChannelCountPairBatch([pair, (4, 5)]).as_arrow_array().to_pylist()
    assert rows == [{"channel_id": 3, "message_count": 10}, {"channel_id": 4, "message_count": 5}]
    counts = rr.components.ChannelMessageCountsBatch([pair]).as_arrow_array().to_pylist()
    assert counts == [[{"channel_id": 3, "message_count": 10}]]
