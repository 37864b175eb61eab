"""``RerunCloudService`` on grpcio: every RPC group of the catalog in one servicer.

Entries (``service_entries``), datasets (``service_data``) and tables (``service_tables``) each
live in their own module; an RPC none of them answers is UNIMPLEMENTED, naming itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc

from rerun_core.proto.gen import cloud_pb2_grpc as pb_grpc

from .model import Catalog
from .rpc_base import SERVER_VERSION, ServiceBase
from .service_data import DatasetRpcs
from .service_entries import CAPABILITIES, EntryRpcs
from .service_tables import TableRpcs

__all__ = ["CAPABILITIES", "SERVER_VERSION", "CatalogService"]


class CatalogService(EntryRpcs, DatasetRpcs, TableRpcs, pb_grpc.RerunCloudServiceServicer):
    """The servicer; state lives in a :class:`Catalog`."""

    def __init__(self, catalog: Catalog) -> None:
        ServiceBase.__init__(self, catalog)


def _unimplemented(name: str) -> Callable[..., Any]:
    def handler(self: CatalogService, request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{name} is not implemented by this rerun server")

    handler.__name__ = name
    return handler


for _name, _attr in list(vars(pb_grpc.RerunCloudServiceServicer).items()):
    if (
        callable(_attr)
        and not _name.startswith("_")
        and not any(_name in vars(base) for base in CatalogService.__mro__[:-2])
    ):
        setattr(CatalogService, _name, _unimplemented(_name))
