"""A blueprint as log messages: its own blueprint store, logged in memory.

``rr.send_blueprint`` sends these after the recording's data; the notebook's
``set_application_blueprint`` inserts them into the kernel's stores directly.
"""

from __future__ import annotations

import uuid
from typing import Any

from rerun_core.store.messages import LogMsg, StoreKind
from rerun_core.types import TimeType

from ._recording_core import RecordingCore
from ._rows import log_entity
from ._sink_types import MemorySink


class BlueprintStream:
    """What a blueprint logs itself into (``bp._log_to_stream(stream)``): a blueprint-kind
    recording of ``application_id`` at ``blueprint`` time 0, kept in memory."""

    def __init__(self, application_id: str) -> None:
        self.core = RecordingCore(
            application_id,
            f"rec_{uuid.uuid4().hex}",
            enabled=True,
            batcher_config=None,
            kind=StoreKind.BLUEPRINT,
        )
        self._sink = MemorySink()
        self.core.set_sinks([self._sink])
        self.core.set_time("blueprint", TimeType.SEQUENCE, 0)

    def log(
        self,
        entity_path: str | list[object],
        entity: Any,
        *extra: Any,
        static: bool = False,
        strict: bool | None = None,
    ) -> None:
        log_entity(self.core, entity_path, entity, extra, static, strict)

    def finish(self) -> list[LogMsg]:
        """Everything logged, in order; the stream is closed."""
        self.core.shutdown()
        return self._sink.drain()


def blueprint_messages(blueprint: Any, application_id: str) -> list[LogMsg]:
    """The log messages of a blueprint store for ``blueprint`` (a Blueprint, View or Container)."""
    bp = blueprint.to_blueprint() if hasattr(blueprint, "to_blueprint") else blueprint
    if not hasattr(bp, "_log_to_stream"):
        raise TypeError(
            f"expected a rerun.blueprint Blueprint, View or Container, got {type(blueprint).__name__}"
        )
    stream = BlueprintStream(application_id)
    bp._log_to_stream(stream)
    return stream.finish()
