"""Drop-in for the rerun-sdk 0.41 Python API."""
