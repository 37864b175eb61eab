"""gRPC services over the store: the SDK -> viewer message proxy (and later the catalog)."""
