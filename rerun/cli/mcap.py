"""``rerun mcap ...``: implemented in ``rerun_core.formats.mcap.cli`` (so that the console script
reaches it without importing the SDK); re-exported here for the viewer and ``rerun.__main__``."""

from __future__ import annotations

from rerun_core.formats.mcap.cli import convert, main, mcap_messages, options_from_args, parse_time

__all__ = ["convert", "main", "mcap_messages", "options_from_args", "parse_time"]
