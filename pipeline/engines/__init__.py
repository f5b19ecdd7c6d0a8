"""Which machine runs the stages: the pandas engine in this process, or Dask on a cluster.
Both call the same ingest and rules functions and give the same result."""
