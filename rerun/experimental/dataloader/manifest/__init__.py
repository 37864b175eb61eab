"""Sample manifests: one epoch's sample plan frozen into a parquet file (``Manifest`` is
re-exported by the parent package, as in 0.41)."""

from __future__ import annotations
