"""The ``rerun`` console script's first stop: ``rerun server`` starts without importing the SDK.

Everything else goes to ``rerun.__main__`` (the viewer, ``rerun rrd ...``). Importing the
``rerun`` package costs a few hundred milliseconds that a server start does not need.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["server"]:
        from rerun_core.server.catalog.cli import main as server_main

        return int(server_main(args[1:]))
    if args[:1] == ["mcap"]:
        import os

        # No BLAS here: OpenBLAS's idle threads would spin on the cores the conversion uses.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        from rerun_core.formats.mcap.cli import main as mcap_main
        from rerun_core.formats.mcap.cli import refuse_pandas

        refuse_pandas()  # pyarrow would import it on first use (~0.5 s); the converter never needs it
        return int(mcap_main(args[1:]))
    from rerun.__main__ import main as rerun_main

    return rerun_main(args)
