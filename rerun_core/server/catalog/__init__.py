"""The catalog server (``rerun server``): datasets of ``.rrd`` segments served over
``rerun.cloud.v1alpha1.RerunCloudService``, as the 0.41 ``CatalogClient`` calls it.

``model`` holds datasets in memory, ``tables`` shapes the Arrow tables the RPCs answer with,
``service`` is the gRPC servicer and ``server.CatalogServer`` runs it.
"""

from .model import Catalog, CatalogError, Dataset, Segment
from .server import CatalogServer

__all__ = ["Catalog", "CatalogError", "CatalogServer", "Dataset", "Segment"]
