"""Time control, with Rerun 0.41's semantics: follow, play/pause, end of data, loops, steps, fps."""

from __future__ import annotations

import pytest

from rerun_notebook.timectrl import DEFAULT_FPS, TimeControl, apply_action, default_timeline


class Times:
    """A TimeIndex over a fixed sorted list of data times."""

    def __init__(self, times: list[int]) -> None:
        self.times = sorted(times)

    def next_after(self, timeline: str, t: int) -> int | None:
        return next((x for x in self.times if x > t), None)

    def prev_before(self, timeline: str, t: int) -> int | None:
        return next((x for x in reversed(self.times) if x < t), None)


def seq(lo: int = 0, hi: int = 100) -> TimeControl:
    tc = TimeControl()
    tc.update_ranges({"frame": "sequence"}, {"frame": (lo, hi)})
    tc.drain_events()
    return tc


def play_for(tc: TimeControl, seconds: float, start: float = 0.0, dt: float = 0.05) -> None:
    tc.advance(start)
    steps = round(seconds / dt)
    for i in range(1, steps + 1):
        tc.advance(start + i * dt)


def test_default_timeline_prefers_user_timelines() -> None:
    assert default_timeline({"log_time": "timestamp", "frame": "sequence"}) == "frame"
    assert default_timeline({"log_time": "timestamp"}) == "log_time"
    assert default_timeline({}) is None


def test_following_is_the_default_and_tracks_new_data_until_the_user_scrubs() -> None:
    tc = TimeControl()
    assert tc.play_state == "following"
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 10)})
    assert (tc.timeline, tc.time) == ("frame", 10)
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 20)})
    assert tc.time == 20
    tc.seek(5)
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 30)})
    assert tc.time == 5 and not tc.following and tc.play_state == "paused"
    tc.follow()
    assert tc.time == 30 and tc.play_state == "following"


def test_pausing_while_following_keeps_the_cursor_and_space_never_follows_again() -> None:
    """Rerun 0.31.3: "Spacebar toggles play/pause, never enables following"."""
    tc = seq(0, 10)
    tc.toggle()
    assert tc.play_state == "paused"
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 20)})
    assert tc.time == 10  # paused: new data does not move the cursor
    tc.toggle()
    assert tc.play_state == "playing" and tc.time == 10


def test_a_scrub_pauses_for_the_drag_and_resume_plays_on_from_there() -> None:
    tc = seq(0, 100)
    tc.seek(0)
    tc.play()
    tc.seek(100)  # dragged to the end
    assert tc.play_state == "paused"
    tc.resume()
    assert tc.play_state == "playing" and tc.time == 100  # no restart, unlike play at the end


def test_play_at_the_end_restarts_from_the_beginning() -> None:
    tc = seq(0, 100)
    tc.pause()
    tc.play()
    assert tc.time == 0 and tc.play_state == "playing"


def test_playback_runs_at_fps_and_pauses_at_the_end_when_no_more_data_comes() -> None:
    tc = seq(0, 100)
    tc.seek(0)
    tc.play()
    play_for(tc, 1.0)
    assert tc.time == int(DEFAULT_FPS)
    play_for(tc, 10.0, start=1.0)
    assert tc.time == 100 and tc.play_state == "paused"
    kinds = [e["type"] for e in tc.drain_events()]
    assert kinds[0] == "pause" and "play" in kinds and kinds[-1] == "pause"


def test_playback_waits_at_the_end_while_more_data_is_coming() -> None:
    tc = seq(0, 10)
    tc.play()
    tc.more_data_coming = True
    play_for(tc, 2.0)
    assert tc.time == 10 and tc.play_state == "playing"
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 40)})
    play_for(tc, 0.5, start=2.0)
    assert 10 < tc.time <= 40  # plays on into the new data at its own pace


def test_fps_and_speed_scale_sequence_playback() -> None:
    tc = seq(0, 1000)
    tc.seek(0)
    apply_action(tc, "fps", 10, Times([]))
    tc.set_speed(2.0)
    tc.play()
    play_for(tc, 1.0)
    assert tc.time == 20 and tc.state()["fps"] == 10
    with pytest.raises(ValueError, match="positive"):
        tc.set_fps(0)


def test_a_stalled_kernel_does_not_make_playback_jump() -> None:
    tc = seq(0, 1000)
    tc.seek(0)
    tc.play()
    tc.advance(0.0)
    tc.advance(60.0)
    assert 0 < tc.time < 30


def test_loop_all_wraps_temporal_playback() -> None:
    tc = TimeControl()
    tc.update_ranges({"t": "duration"}, {"t": (0, 2_000_000_000)})
    tc.seek(1_900_000_000)
    tc.set_loop(True)
    assert tc.loop_mode == "all"
    tc.set_speed(2.0)
    tc.play()
    tc.advance(0.0)
    tc.advance(0.1)  # 0.2 s of timeline: past the end -> wraps to the start
    assert tc.time == 0 and tc.play_state == "playing"


def test_loop_selection_wraps_inside_the_selection() -> None:
    tc = seq(0, 100)
    tc.seek(10)
    tc.set_loop_selection((20, 10))  # dragged right to left: normalized
    assert tc.loop_mode == "selection" and tc.loop_selection == (10, 20)
    tc.play()
    play_for(tc, 0.5)
    assert 10 <= tc.time <= 20 and tc.play_state == "playing"
    tc.set_loop_selection(None)
    assert tc.loop_mode == "off" and tc.loop_selection is None


def test_turning_a_loop_on_while_following_starts_playing_and_follow_turns_it_off() -> None:
    tc = seq(0, 100)
    tc.set_loop_mode("all")
    assert tc.play_state == "playing" and tc.time == 0  # play from the end restarts
    tc.follow()
    assert tc.loop_mode == "off" and tc.play_state == "following"
    with pytest.raises(ValueError, match="loop mode"):
        tc.set_loop_mode("forever")


def test_steps_go_to_neighbouring_data_times_wrapping_and_pause() -> None:
    tc = seq(0, 40)
    data = Times([0, 10, 25, 40])
    tc.seek(12)
    tc.play()
    tc.step(True, data)
    assert tc.time == 25 and tc.play_state == "paused"
    tc.step(True, data)
    tc.step(True, data)
    assert tc.time == 0  # past the last: wraps to the first
    tc.step(False, data)
    assert tc.time == 40
    tc.step(False, data)
    assert tc.time == 25


def test_steps_inside_a_loop_selection_wrap_at_its_ends() -> None:
    tc = seq(0, 40)
    data = Times([0, 10, 25, 40])
    tc.set_loop_selection((10, 25))
    tc.seek(10)
    apply_action(tc, "step", "forward", data)
    assert tc.time == 25
    apply_action(tc, "step", "forward", data)
    assert tc.time == 10  # at the selection's end: back to its start
    apply_action(tc, "step", "back", data)
    assert tc.time == 25


def test_switching_timeline_emits_an_event_and_restores_each_timelines_cursor() -> None:
    tc = TimeControl()
    tc.update_ranges({"a": "sequence", "b": "sequence"}, {"a": (0, 1), "b": (5, 9)})
    tc.drain_events()
    tc.set_timeline("b")
    assert tc.timeline == "b" and tc.time == 9
    assert tc.drain_events() == [{"type": "timeline_change", "timeline": "b", "time": 9}]
    tc.update_ranges({"a": "sequence", "b": "sequence"}, {"a": (0, 1), "b": (5, 12)})
    assert tc.timeline == "b"  # the user's choice sticks
    tc.seek(7)
    tc.set_timeline("a")
    tc.seek(0)
    tc.set_timeline("b")
    assert tc.time == 7


def test_actions_by_name_and_unknown_actions_are_errors() -> None:
    tc = seq(0, 100)
    data = Times([0, 50, 100])
    tc.seek(50)
    apply_action(tc, "beginning", None, data)  # Rerun's "Start of timeline"
    assert tc.time == 0
    apply_action(tc, "move", 3, data)
    assert tc.time == 3
    apply_action(tc, "end", None, data)  # "End of timeline": and follow
    assert tc.time == 100 and tc.play_state == "following"
    apply_action(tc, "loop_mode", "all", data)
    apply_action(tc, "restart", None, data)
    assert tc.time == 0 and tc.state()["loop_mode"] == "all"
    with pytest.raises(ValueError, match="unknown time action"):
        apply_action(tc, "rewind", None, data)


def test_session_keeps_playing_at_the_end_while_data_arrives_then_pauses() -> None:
    """The session marks "more data is coming" for a second after data arrived (Rerun's live wait)."""
    from rerun_notebook.session import LIVE_WINDOW_S, ViewerSession

    from .fakes import FakeApp, FakeStore

    s = ViewerSession(100, 100, app_factory=lambda st, w, h: FakeApp(st, w, h))
    store = FakeStore()
    s.add_store("rec", store)
    store.add("/a", "frame", 0)
    store.add("/a", "frame", 3)
    s.prepare(0.0)
    s.time_action("play")
    now = 0.0
    for i in range(4, 12):  # data keeps coming: playback catches up and waits at the end
        now += 0.1
        store.add("/a", "frame", i)
        s.prepare(now)
    assert s.time.play_state == "playing"
    for _ in range(int(LIVE_WINDOW_S / 0.1) + 20):  # no more data: it plays to the end and pauses
        now += 0.1
        s.prepare(now)
    assert s.time.play_state == "paused" and s.time.time == 11


def test_default_timeline_with_counts_is_rerun_s_most_rows_pick() -> None:
    kinds = {"log_time": "timestamp", "log_tick": "sequence", "frame": "sequence", "a": "sequence"}
    assert default_timeline(kinds, {"log_time": 10, "frame": 4}) == "log_time"  # more rows wins
    assert default_timeline(kinds, {"log_time": 10, "log_tick": 10, "frame": 10}) == "frame"  # user first
    assert default_timeline(kinds, {"log_time": 10, "frame": 10, "a": 10}) == "frame"  # last name on ties
    tc = TimeControl()
    tc.update_ranges(
        {"frame": "sequence", "log_time": "timestamp"},
        {"frame": (0, 3), "log_time": (5, 9)},
        {"frame": 4, "log_time": 9},
    )
    assert tc.timeline == "log_time"


def test_following_new_data_reports_the_cursor_move() -> None:
    tc = seq(0, 10)
    tc.update_ranges({"frame": "sequence"}, {"frame": (0, 12)})
    assert tc.drain_events() == [{"type": "time_update", "time": 12}]


def test_a_timeline_picked_before_its_data_arrives_is_kept_until_it_does() -> None:
    tc = TimeControl()
    tc.set_timeline("frame")
    tc.update_ranges({"log_time": "timestamp"}, {"log_time": (5, 9)})
    assert tc.timeline == "frame"  # pending: not replaced by log_time
    tc.update_ranges({"log_time": "timestamp", "frame": "sequence"}, {"log_time": (5, 9), "frame": (0, 3)})
    assert tc.timeline == "frame" and tc.time == 3
    tc.update_ranges({"log_time": "timestamp"}, {"log_time": (5, 9)})  # its data went away (GC)
    assert tc.timeline == "log_time"
