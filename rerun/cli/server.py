"""``rerun server``: implemented beside the server, in ``rerun_core.server.catalog.cli``."""

from rerun_core.server.catalog.cli import build_parser, main, parse_dataset, parse_table

__all__ = ["build_parser", "main", "parse_dataset", "parse_table"]
