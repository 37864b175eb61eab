"""Entry and layer names: the rules live in ``rerun_core.types.entry_names`` (the client checks
them too)."""

from rerun_core.types.entry_names import MAX_ENTRY_NAME_BYTES, InvalidNameError, check_entry_name

__all__ = ["MAX_ENTRY_NAME_BYTES", "InvalidNameError", "check_entry_name"]
