"""`rr.LoggingHandler`: forwards Python `logging` records to Rerun as `TextLog`s."""

from __future__ import annotations

import logging
from typing import ClassVar

from ._log import log
from .archetypes import TextLog
from .components import TextLogLevel


class LoggingHandler(logging.Handler):
    """A `logging.Handler` that logs each record at `<path_prefix>/<module path>`."""

    LVL2NAME: ClassVar[dict[int, TextLogLevel]] = {
        logging.CRITICAL: TextLogLevel.CRITICAL,
        logging.ERROR: TextLogLevel.ERROR,
        logging.WARNING: TextLogLevel.WARN,
        logging.INFO: TextLogLevel.INFO,
        logging.DEBUG: TextLogLevel.DEBUG,
    }

    def __init__(self, path_prefix: str | None = None) -> None:
        super().__init__()
        self.path_prefix = path_prefix

    def emit(self, record: logging.LogRecord) -> None:
        path = record.module.replace(".", "/")
        if self.path_prefix is not None:
            path = f"{self.path_prefix}/{path}"
        level = self.LVL2NAME.get(record.levelno) or TextLogLevel(record.levelname)
        log(path, TextLog(record.getMessage(), level=level))
