"""The command palette of Rerun 0.41's viewer, as its viewer control describes it
(``list_commands`` / ``describe_commands`` / ``run_command``), and the ones this viewer runs.

``CATALOG`` is every command 0.41's viewer lists, word for word (id, title, description, scope,
shortcuts as it shows them on Linux, whether it opens a native modal, whether it is destructive),
read from the real viewer through its ``ViewerClient``. ``RUNNABLE`` holds what this viewer does
for the ones it has; the others are described alike and never available, so a client sees the same
palette and a clear "cannot run right now" rather than an unknown id. The stores' prints, the
blueprint resets, the website links and quitting are in ``viewer_control_more_commands``, the UI
zoom in ``viewer_control_ui_commands``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (id, title, description, scope, shortcuts, blocking_native_modal, destructive)
CATALOG: tuple[tuple[str, str, str, str, tuple[str, ...], bool, bool], ...] = (
    ('recording.close', 'Close current recording', 'Close the current recording (unsaved data will be lost)', 'recording', (), False, True),
    ('recording.open_add_view_or_container_dialog', 'Add view or container…', 'Add a new view or container to the viewport', 'recording', (), False, False),
    ('recording.print_blueprint_store', 'Print blueprint store', 'Prints the entire blueprint store to the console and clipboard. WARNING: this may be A LOT of text.', 'recording', (), False, False),
    ('recording.print_chunk_store', 'Print datastore', 'Prints the entire chunk store to the console and clipboard. WARNING: this may be A LOT of text.', 'recording', (), False, False),
    ('recording.print_primary_cache', 'Print primary cache', 'Prints the state of the entire primary cache to the console and clipboard. WARNING: this may be A LOT of text.', 'recording', (), False, False),
    ('recording.redo_blueprint_edit', 'Redo', 'Redo the last undone thing', 'recording', ('Ctrl+Y', 'Ctrl+Shift+Z'), False, False),
    ('recording.reset_blueprint_to_default', 'Reset to default blueprint', 'Clear active blueprint and use the default blueprint instead. If no default blueprint is set, this will use a heuristic blueprint.', 'recording', (), False, True),
    ('recording.reset_blueprint_to_heuristic', 'Reset to heuristic blueprint', 'Re-populate viewport with automatically chosen views using default visualizers', 'recording', (), False, True),
    ('recording.save', 'Save recording…', 'Save all data to a Rerun data file (.rrd)', 'recording', ('Ctrl+S',), True, False),
    ('recording.save_blueprint', 'Save blueprint…', 'Save the current viewer setup as a Rerun blueprint file (.rbl)', 'recording', (), True, False),
    ('recording.save_time_selection', 'Save current time selection…', 'Save data for the current loop selection to a Rerun data file (.rrd)', 'recording', ('Ctrl+Alt+S',), True, False),
    ('recording.seek_backward_long', 'Backward 1s', 'Move the time marker backward by 1 second, or by 10 ticks on a sequence timeline', 'recording', ('Shift+Left',), False, False),
    ('recording.seek_backward_short', 'Backward 0.1s', 'Move the time marker backward by 0.1 seconds, or by 1 tick on a sequence timeline', 'recording', ('Left',), False, False),
    ('recording.seek_forward_long', 'Forward 1s', 'Move the time marker forward by 1 second, or by 10 ticks on a sequence timeline', 'recording', ('Shift+Right',), False, False),
    ('recording.seek_forward_short', 'Forward 0.1s', 'Move the time marker forward by 0.1 seconds, or by 1 tick on a sequence timeline', 'recording', ('Right',), False, False),
    ('recording.seek_to_end_and_follow', 'End of timeline', 'Go to end of timeline and follow the latest data as it streams in', 'recording', ('Ctrl+Shift+Right',), False, False),
    ('recording.seek_to_next_event', 'Next event', 'Move the time marker forward to the next point in time that has any logged data', 'recording', ('Ctrl+Right',), False, False),
    ('recording.seek_to_previous_event', 'Previous event', 'Move the time marker back to the previous point in time that has any logged data', 'recording', ('Ctrl+Left',), False, False),
    ('recording.seek_to_start', 'Start of timeline', 'Go to the beginning of the timeline', 'recording', ('Ctrl+Shift+Left',), False, False),
    ('recording.toggle_play_pause', 'Toggle play/pause', 'Either play or pause the time', 'recording', ('Space',), False, False),
    ('recording.toggle_time_panel', 'Toggle time panel', 'Toggle the bottom panel', 'recording', ('Ctrl+Shift+T',), False, False),
    ('recording.undo_blueprint_edit', 'Undo', 'Undo the last blueprint edit for the open recording', 'recording', ('Ctrl+Z',), False, False),
    ('server.copy_url_to_clipboard', 'Copy server URL', 'Copy the URL of the server', 'server', (), False, False),
    ('server.open_edit_dialog', 'Edit server…', 'Edit the URL and credentials of the server', 'server', (), False, False),
    ('server.refresh', 'Refresh server', 'Refresh the contents (datasets & tables) of the server', 'server', ('F5',), False, False),
    ('server.remove', 'Remove server', 'Remove the server', 'server', (), False, True),
    ('table.redo_blueprint_edit', 'Redo', 'Redo the last undone thing', 'table', ('Ctrl+Y', 'Ctrl+Shift+Z'), False, False),
    ('table.refresh', 'Refresh table', 'Refresh the contents of the current dataset or table', 'table', ('F5',), False, False),
    ('table.reset_blueprint_to_default', 'Reset to default blueprint', 'Clear the active blueprint of the current table and use the default blueprint instead', 'table', (), False, True),
    ('table.undo_blueprint_edit', 'Undo', 'Undo the last blueprint edit for the current table', 'table', ('Ctrl+Z',), False, False),
    ('ui.about', 'About Rerun…', 'Show version, build, platform, and rendering information', 'global', (), False, False),
    ('ui.capture_profile_trace', 'Capture profile trace…', 'Capture profiling data and save them as a .puffin file', 'global', (), True, False),
    ('ui.close_all_recordings', 'Close all recordings', 'Close all open current recording (unsaved data will be lost)', 'global', (), False, True),
    ('ui.copy_direct_link_to_clipboard', 'Copy direct link', 'Try to copy a shareable link to the current screen. This is not supported for all data sources & viewer states.', 'global', (), False, False),
    ('ui.copy_entity_hierarchy_to_clipboard', 'Copy entity hierarchy', 'Copy the complete entity hierarchy tree of the currently active recording to the clipboard.', 'global', ('Ctrl+Shift+E',), False, False),
    ('ui.copy_screenshot_to_clipboard', 'Screenshot', 'Copy screenshot of the whole app to clipboard', 'global', ('Ctrl+Shift+F',), False, False),
    ('ui.copy_time_selection_link_to_clipboard', 'Copy link to selected time range', 'Copy a link to the part of the active recording within the loop selection bounds.', 'global', (), False, False),
    ('ui.expand_blueprint_panel', 'Expand blueprint panel', 'Expand the left panel', 'global', (), False, False),
    ('ui.expand_selection_panel', 'Expand selection panel', 'Expand the right panel', 'global', (), False, False),
    ('ui.import_file_into_current_recording', 'Import into current recording…', 'Import any supported files (.rrd, images, meshes, …) in the current recording', 'global', ('Ctrl+Shift+O',), True, False),
    ('ui.navigate_back_in_history', 'Back in history', 'Go back in history', 'global', ('Ctrl+OpenBracket',), False, False),
    ('ui.navigate_forward_in_history', 'Forward in history', 'Go forward in history', 'global', ('Ctrl+CloseBracket',), False, False),
    ('ui.open_add_server_dialog', 'Connect to a server…', 'Connect to a Redap server (experimental)', 'global', (), False, False),
    ('ui.open_discord_website', 'Rerun Discord', 'Visit the Rerun Discord server, where you can ask questions and get help', 'global', (), False, False),
    ('ui.open_docs_website', 'Docs', 'Visit the docs on our website, with troubleshooting tips and more', 'global', (), False, False),
    ('ui.open_file', 'Open file…', 'Open any supported files (.rrd, images, meshes, …) in a new recording', 'global', ('Ctrl+O',), True, False),
    ('ui.open_profiler', 'Open profiler', 'Starts a profiler, showing what makes the viewer run slow', 'global', ('Ctrl+Shift+P',), False, False),
    ('ui.open_rerun_website', 'rerun.io', 'Visit our homepage', 'global', (), False, False),
    ('ui.open_settings', 'Settings…', 'Show the settings screen', 'global', ('Ctrl+Comma',), False, False),
    ('ui.open_share_dialog', 'Share…', 'Share the current screen as a link', 'global', ('Ctrl+L',), False, False),
    ('ui.open_url_dialog', 'Open from URL…', 'Open or navigate to data from any supported URL', 'global', ('Ctrl+Shift+L',), False, False),
    ('ui.quit', 'Quit', 'Close the Rerun Viewer', 'global', ('Ctrl+Q',), False, True),
    ('ui.reset_ui_zoom', 'Reset zoom', "Resets the UI zoom level to the operating system's default value", 'global', ('Ctrl+0',), False, False),
    ('ui.reset_viewer', 'Reset Viewer', 'Reset the Viewer to how it looked the first time you ran it, forgetting UI state and all stored blueprints, except the ones loaded from *.rbl resources', 'global', ('Ctrl+Shift+R',), False, True),
    ('ui.switch_to_next_recording', 'Next recording', 'Switch to the next open recording', 'global', ('Ctrl+Alt+Down',), False, False),
    ('ui.switch_to_previous_recording', 'Previous recording', 'Switch to the previous open recording', 'global', ('Ctrl+Alt+Up',), False, False),
    ('ui.toggle_agent_panel', 'Toggle agent panel', 'Toggle the chat panel with a coding agent that can drive the viewer (experimental)', 'global', ('Ctrl+Shift+A',), False, False),
    ('ui.toggle_blueprint_panel', 'Toggle blueprint panel', 'Toggle the left panel', 'global', ('Ctrl+Shift+B',), False, False),
    ('ui.toggle_chunk_store_browser', 'Toggle chunk store browser', 'Toggle the chunk store browser', 'global', ('Ctrl+Shift+D',), False, False),
    ('ui.toggle_command_palette', 'Command palette…', 'Toggle the Command Palette', 'global', ('Ctrl+K', 'Ctrl+P'), False, False),
    ('ui.toggle_dev_panel', 'Toggle dev panel', 'View developer stats like RAM usage inside Rerun Viewer', 'global', ('Ctrl+Shift+M',), False, False),
    ('ui.toggle_fullscreen', 'Toggle fullscreen', 'Toggle between windowed and fullscreen viewer', 'global', ('F11',), False, False),
    ('ui.toggle_panel_state_overrides', 'Toggle panel state overrides', 'Toggle panel state between app blueprint and overrides', 'global', (), False, False),
    ('ui.toggle_selection_panel', 'Toggle selection panel', 'Toggle the right panel', 'global', ('Ctrl+Shift+S',), False, False),
    ('ui.toggle_top_panel', 'Toggle top panel', 'Toggle the top panel', 'global', (), False, False),
    ('ui.zoom_in_ui', 'Zoom in', 'Increases the UI zoom level', 'global', ('Ctrl+Plus',), False, False),
    ('ui.zoom_out_ui', 'Zoom out', 'Decreases the UI zoom level', 'global', ('Ctrl+Minus',), False, False),
)  # fmt: skip
BY_ID = {entry[0]: entry for entry in CATALOG}

Run = Callable[[Any, Any], None]  # (FullViewerControlHandler, the recording's StoreId or None)


def _time(action: str, value: Any = None) -> Run:
    """A time-panel action on the pages that show the recording."""

    def run(handler: Any, sid: Any) -> None:
        for session in handler._sessions():
            if sid is not None and session.active == sid.recording_id:
                session.time_action(action, value)

    return run


def _close_current(handler: Any, sid: Any) -> None:
    if sid is not None:
        handler.hub.remove(sid)


def _close_all(handler: Any, _sid: Any) -> None:
    for sid in handler.hub.recordings():
        handler.hub.remove(sid)


def _switch(step: int) -> Run:
    """Show the next (or previous) open recording, wrapping around, as 0.41's palette does."""

    def run(handler: Any, sid: Any) -> None:
        recordings = handler.hub.recordings()
        if sid is None or sid not in recordings or len(recordings) < 2:
            return
        handler.hub.set_active_recording(recordings[(recordings.index(sid) + step) % len(recordings)])

    return run


def _table(change: Callable[[Any], None]) -> Run:
    """A blueprint edit of the table on screen (``viewer_control_tables``)."""

    def run(handler: Any, _sid: Any) -> None:
        change(handler.tables)

    return run


def _table_runs() -> dict[str, Run]:
    from rerun_notebook.viewer_control_tables import redo_edit, reset_to_default, undo_edit

    return {
        "table.redo_blueprint_edit": _table(redo_edit),
        "table.reset_blueprint_to_default": _table(reset_to_default),
        "table.undo_blueprint_edit": _table(undo_edit),
    }


def _more_runs() -> dict[str, Run]:
    from rerun_notebook.viewer_control_action_commands import RUNNABLE as ACTIONS
    from rerun_notebook.viewer_control_add_view import RUNNABLE as ADD_VIEW
    from rerun_notebook.viewer_control_file_commands import RUNNABLE as FILES
    from rerun_notebook.viewer_control_more_commands import RUNNABLE as MORE
    from rerun_notebook.viewer_control_screen_commands import RUNNABLE as SCREENS
    from rerun_notebook.viewer_control_ui_commands import RUNNABLE as UI

    return MORE | UI | SCREENS | FILES | ADD_VIEW | ACTIONS


RUNNABLE: dict[str, Run] = {
    "recording.close": _close_current,
    "recording.seek_backward_long": _time("move", -10),
    "recording.seek_backward_short": _time("move", -1),
    "recording.seek_forward_long": _time("move", 10),
    "recording.seek_forward_short": _time("move", 1),
    "recording.seek_to_end_and_follow": _time("end"),
    "recording.seek_to_next_event": _time("step", "forward"),
    "recording.seek_to_previous_event": _time("step", "back"),
    "recording.seek_to_start": _time("beginning"),
    "recording.toggle_play_pause": _time("toggle"),
    "ui.close_all_recordings": _close_all,
    "ui.switch_to_next_recording": _switch(1),
    "ui.switch_to_previous_recording": _switch(-1),
    **_table_runs(),
    **_more_runs(),
}
