"""File formats imported into Rerun recordings (MCAP). Sits on the store: yields chunks and log messages."""
