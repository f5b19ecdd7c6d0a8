"""The run's fixed choices, named once: the output formats and the engines."""

XLSX = "xlsx"
PARQUET = "parquet"
FORMATS = (XLSX, PARQUET)
PANDAS = "pandas"
DASK = "dask"
ENGINES = (PANDAS, DASK)
