"""rerun-sdk 0.41's private module name for the script helpers."""

from .script_helpers import script_add_args, script_setup, script_teardown

__all__ = ["script_add_args", "script_setup", "script_teardown"]
