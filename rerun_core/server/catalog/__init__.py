"""The catalog server (``rerun server``): datasets of ``.rrd`` segments served over
``rerun.cloud.v1alpha1.RerunCloudService``, as the 0.41 ``CatalogClient`` calls it.

``model`` holds the entries (datasets of segments of layers, tables), ``segment_index`` indexes
each layer's file from its footer, ``registration`` applies the real server's rules,
``tables`` shapes the Arrow tables the RPCs answer with, ``service*`` are the gRPC servicer's
RPC groups and ``server.CatalogServer`` runs it.
"""

from .model import Catalog, CatalogError, Dataset, Segment
from .server import CatalogServer

__all__ = ["Catalog", "CatalogError", "CatalogServer", "Dataset", "Segment"]
