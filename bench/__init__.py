"""`make bench`: the speed and memory targets (run.py, stages.py, the pyarrow floor), the DuckDB
peer (duckdb_peer.py), and the hostile inputs (hostile.py)."""
