"""``TableEntry.__datafusion_table_provider__``: a table entry as a DataFusion FFI table provider.

0.41 hands DataFusion a native provider that scans the table over gRPC. Pure Python cannot
build that FFI struct, so the rows are scanned over gRPC (as ``reader()`` does) into an
in-memory Lance dataset, whose provider (pylance's, native) is handed on. The capsule only
loads into a DataFusion of the major version pylance was built against (0.41 pins 54).
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

import pyarrow as pa


class _Exportable(Protocol):
    def __datafusion_table_provider__(self, session: Any) -> object: ...


def table_provider_capsule(table: pa.Table, session: Any) -> object:
    try:
        import lance
    except ImportError:
        raise ImportError(
            "a TableEntry as a DataFusion table provider needs pylance (pip install pylance); "
            "TableEntry.reader() needs nothing more"
        ) from None
    dataset = lance.write_dataset(table, f"memory://rerun-table-{uuid.uuid4().hex}")
    provider: _Exportable = lance.FFILanceTableProvider(dataset)
    return provider.__datafusion_table_provider__(session)
