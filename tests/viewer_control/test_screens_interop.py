"""The palette's screens and dialogs as rerun-sdk 0.41's client sees them, on our headless viewer and
on the real 0.41 one: which can run with and without a recording, what opening each does to the
location (settings is a screen of its own, `about:settings`, with no active recording; the dialogs
leave it as it is), how a native-modal one is refused without `allow_blocking_native_modal`, and how
`set_location` goes to the settings and back."""

from __future__ import annotations

import pytest

from ._scripts import on_both
from .conftest import Headless

pytestmark = [pytest.mark.slow, pytest.mark.interop]

SCREENS = """
ids = ["ui.about", "ui.open_settings", "ui.toggle_command_palette", "ui.open_url_dialog",
       "ui.open_add_server_dialog", "ui.open_share_dialog", "recording.open_add_view_or_container_dialog",
       "ui.open_file", "ui.import_file_into_current_recording", "recording.save",
       "recording.save_blueprint", "recording.save_time_selection"]
def available():
    return {c.id: c.available for c in client.list_commands(ids)}
def where():
    state = client.get_state()
    return [state.location.split("?")[0], state.active_recording is not None]  # app ids differ
out = {"empty": available()}
client.open(path)
time.sleep(1.0)
out["open"] = available()
ran = {}
for command in ids[:7]:
    client.run_command(command)
    ran[command] = where()
    if command == "ui.open_settings":
        out["settings_available"] = available()
        client.set_location(client.get_state().recordings[0].location)
        ran["back"] = where()
out["ran"] = ran
refused = {}
for command in ids[7:]:
    try:
        client.run_command(command)
        refused[command] = "ran"
    except ConnectionError as err:
        refused[command] = str(err).split(" (FailedPrecondition)")[0]
out["refused"] = refused
client.set_location("about:settings")
out["set_settings"] = where()
print(json.dumps(out))
"""


def test_screens_as_the_real_viewer(headless: Headless, oracle) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = on_both(oracle, headless.port, SCREENS, headless.rrd)
    assert ours["empty"] == theirs["empty"]  # the recording's ones wait for a recording
    assert ours["open"] == theirs["open"] and all(ours["open"].values())
    assert ours["ran"] == theirs["ran"]
    assert ours["ran"]["ui.open_settings"] == ["about:settings", False]
    assert ours["settings_available"] == theirs["settings_available"]
    assert ours["refused"] == theirs["refused"]
    assert "opens a native modal, which freezes the viewer" in ours["refused"]["recording.save"]
    assert ours["set_settings"] == theirs["set_settings"] == ["about:settings", False]
