"""The palette's actions and developer panels on our headless viewer and on the real 0.41 headless
viewer, through rerun-sdk 0.41's ViewerClient: the same availability, scope and target, the same
locations (the chunk store browser is one) and the same log lines after each command.

Left out here, each for its reason: `ui.reset_viewer` (0.41 deletes the user's data and cache
directories, and shows its welcome screen, which this viewer has not), back / forward (0.41's
history starts at that welcome screen), the time-selection link (0.41 hosts a catalog that makes an
opened file shareable; this viewer does not: "No timeline selection to copy" there, "The current
recording doesn't support sharing a time range" here) and the server commands (0.41 lists its own
catalog as a server; this viewer hosts none).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ._scripts import on_both
from .conftest import Headless

pytestmark = [pytest.mark.slow, pytest.mark.interop]

ACTIONS = """
COMMANDS = ["recording.print_primary_cache", "ui.copy_direct_link_to_clipboard",
            "ui.copy_entity_hierarchy_to_clipboard", "ui.copy_screenshot_to_clipboard",
            "ui.copy_time_selection_link_to_clipboard", "ui.navigate_back_in_history",
            "ui.navigate_forward_in_history", "ui.reset_viewer", "ui.toggle_chunk_store_browser",
            "ui.toggle_dev_panel", "ui.toggle_fullscreen", "ui.toggle_panel_state_overrides",
            "server.copy_url_to_clipboard", "server.refresh", "server.remove", "table.refresh"]
RUN = ["recording.print_primary_cache", "ui.copy_entity_hierarchy_to_clipboard", "ui.copy_direct_link_to_clipboard",
       "ui.copy_screenshot_to_clipboard", "ui.toggle_dev_panel", "ui.toggle_dev_panel",
       "ui.toggle_panel_state_overrides", "ui.toggle_panel_state_overrides", "ui.toggle_fullscreen",
       "ui.toggle_fullscreen", "ui.toggle_chunk_store_browser", "recording.print_primary_cache",
       "ui.toggle_chunk_store_browser"]
[store_id] = client.open(path).store_ids
time.sleep(1.0)
last = [client.get_logs()[-1].sequence]

def said():
    entries = client.get_logs(after_sequence=last[0])
    if entries:
        last[0] = entries[-1].sequence
    return [e.message for e in entries if any(w in e.message for w in ("clipboard", "copy", "shar", "Cleared"))]

listed = {c.id: [c.available, c.scope, c.target is not None] for c in client.list_commands(COMMANDS)}
steps = []
for command in RUN:
    try:
        client.run_command(command)
        outcome = "ran"
    except Exception as err:
        outcome = str(err).splitlines()[0]
    time.sleep(0.5)
    lines = said()
    for _ in range(40 if "screenshot" in command else 0):  # 0.41 takes it at a frame of its own pace
        if lines:
            break
        time.sleep(0.25)
        lines = said()
    state = client.get_state()
    steps.append([command, outcome, state.location.split("?")[0], state.active_recording is not None, lines])
print(json.dumps({"listed": listed, "steps": steps}))
"""


def test_actions_as_the_real_viewer(headless: Headless, oracle: Any) -> None:
    ours, theirs = on_both(oracle, headless.port, ACTIONS, headless.rrd)
    assert ours["listed"] == theirs["listed"]
    assert ours["steps"] == theirs["steps"], json.dumps(theirs["steps"])
    by_command = {step[0]: step for step in ours["steps"]}
    assert by_command["ui.copy_screenshot_to_clipboard"][4] == ["Screenshot copied to clipboard"]
    assert ours["steps"][10][2:4] == ["about:chunk_store", False]  # no recording active on it
    assert ours["steps"][11][1].endswith(
        "no recording is active; open one, or pass `store_id` (FailedPrecondition)"
    )
