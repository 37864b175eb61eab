"""The one rule that picks the default timeline (the renderer's and the notebook's time panel's).

Pure Python, no pygfx: ``rerun_notebook.timectrl.TimeControl`` and ``ViewerApp.timeline`` both call
``default_timeline``. The time panel passes row counts per timeline (``time_ticks``); a renderer on
its own has none and takes the rule's no-counts branch.
"""

from __future__ import annotations

from collections.abc import Mapping

NON_USER_TIMELINES = ("log_time", "log_tick")  # the SDK's own timelines, after the user's


def default_timeline(kinds: Mapping[str, object], counts: Mapping[str, int] | None = None) -> str | None:
    """Rerun's pick: the timeline with the most rows; ties go to user timelines over log_time over
    log_tick, then (as Rust's `max_by` over names in order) to the last name. Without counts:
    the first user timeline by name, else log_time, else log_tick."""
    if counts and kinds:
        priority = {"log_tick": 0, "log_time": 1}
        return max(kinds, key=lambda n: (counts.get(n, 0), priority.get(n, 2), n))
    user = sorted(name for name in kinds if name not in NON_USER_TIMELINES)
    if user:
        return user[0]
    for name in NON_USER_TIMELINES:
        if name in kinds:
            return name
    return None


__all__ = ["NON_USER_TIMELINES", "default_timeline"]
