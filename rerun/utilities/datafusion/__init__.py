"""DataFusion utilities."""
