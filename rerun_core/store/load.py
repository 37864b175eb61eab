"""File -> StoreHub in one call: the bulk-load path the viewer, the CLI and the benchmarks share.

Decoding (LZ4 + Arrow IPC, both releasing the GIL) runs on a small thread pool while this
thread inserts the chunks in file order. Inserting only queues each chunk for the indexes;
they are sorted at the first query (see ``index.py``), so the first latest-at or dataframe
query on a fresh store pays for them.
"""

from __future__ import annotations

from .hub import StoreHub
from .rrd import read_messages
from .rrd.sources import RrdSource


def load_rrd(
    source: RrdSource, hub: StoreHub | None = None, *, validate: bool = True, threads: int = 2
) -> StoreHub:
    """Read every message of ``source`` into ``hub`` (a new one when None) and return it.

    ``validate`` checks each Arrow payload fully (never touch corrupt offsets); turn it off only
    for files you trust (about 15% less CPU). ``threads``: decoders working ahead (1 = none).
    Raises ``RrdError`` like ``read_messages``; what was read before the error stays inserted.
    """
    hub = StoreHub() if hub is None else hub
    for msg in read_messages(source, validate=validate, threads=threads):
        hub.insert(msg)
    return hub
