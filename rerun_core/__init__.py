"""The engine behind the `rerun` facade: types, chunk store, .rrd codec, servers and renderer."""
