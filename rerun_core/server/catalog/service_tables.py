"""Table RPCs (being written by the tables work; this empty group keeps the servicer importable)."""

from __future__ import annotations

from .rpc_base import ServiceBase


class TableRpcs(ServiceBase):
    pass
