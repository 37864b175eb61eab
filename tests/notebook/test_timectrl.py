"""Time control: default timeline, following new data, playback, loop, scrubbing."""

from __future__ import annotations

from rerun_notebook.timectrl import SEQUENCE_FPS, TimeControl, default_timeline


def test_default_timeline_prefers_user_timelines() -> None:
    assert default_timeline({"log_time": "timestamp", "frame": "sequence"}) == "frame"
    assert default_timeline({"log_time": "timestamp"}) == "log_time"
    assert default_timeline({}) is None


def test_cursor_follows_newest_data_until_the_user_scrubs() -> None:
    tc = TimeControl()
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 10)})
    assert (tc.timeline, tc.time) == ("frame", 10)
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 20)})
    assert tc.time == 20
    tc.seek(5)
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 30)})
    assert tc.time == 5 and not tc.following
    tc.follow()
    assert tc.time == 30


def test_playback_advances_and_stops_at_the_end_then_follows() -> None:
    tc = TimeControl()
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 100)})
    tc.seek(0)
    tc.play()
    tc.advance(0.0)
    assert tc.advance(1.0)
    assert tc.time == int(SEQUENCE_FPS)
    tc.advance(10.0)
    assert tc.time == 100 and not tc.playing and tc.following
    kinds = [e["type"] for e in tc.drain_events()]
    assert kinds[0] == "timeline_change" and "play" in kinds and kinds[-1] in ("time_update", "pause")
    assert "pause" in kinds


def test_loop_wraps_and_speed_scales() -> None:
    tc = TimeControl()
    tc.update_ranges({"t": "duration"}, {"t": (0, 2_000_000_000)})
    tc.seek(1_900_000_000)
    tc.set_loop(True)
    tc.set_speed(2.0)
    tc.play()
    tc.advance(0.0)
    tc.advance(0.1)  # 0.2 s of timeline: past the end -> wraps to the start
    assert tc.time == 0 and tc.playing


def test_switching_timeline_emits_an_event() -> None:
    tc = TimeControl()
    tc.update_ranges({"a": "sequence", "b": "sequence"}, {"a": (0, 1), "b": (5, 9)})
    tc.drain_events()
    tc.set_timeline("b")
    assert tc.timeline == "b" and tc.time == 9
    assert tc.drain_events() == [{"type": "timeline_change", "timeline": "b", "time": 9}]
    tc.update_ranges({"a": "sequence", "b": "sequence"}, {"a": (0, 1), "b": (5, 12)})
    assert tc.timeline == "b"  # the user's choice sticks
