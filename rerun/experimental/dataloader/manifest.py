"""``Manifest``: 0.41's frozen, replayable sample plan (order, shards, decode ranges).

Not built in this implementation: the class exists so code naming it imports, and using it says so.
"""

from __future__ import annotations

from typing import Any


def manifests_unavailable() -> NotImplementedError:
    return NotImplementedError(
        "rerun.experimental.dataloader.Manifest (frozen sample plans) is not available in this "
        "implementation; build RerunIterableDataset / RerunMapDataset from a DataSource instead"
    )


class Manifest:
    """A frozen sample plan (not available here: constructing one raises NotImplementedError)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise manifests_unavailable()
