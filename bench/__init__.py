"""`make bench`: the benchmark, its stages, the pyarrow floor and the DuckDB peer."""
