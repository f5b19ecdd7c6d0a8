"""The data contract (SPEC §1): column names, value domains and the pandera models of each input.

Building a schema from a pandera model (`DataFrameModel.to_schema`) calls
`pandera.typing.get_index_types()`, which imports `pandera.typing.dask`, which imports
`dask.dataframe` whenever dask is installed: 0.2-0.35 s of start-up for every run, the pandas
engine's too (issue 12). These models are pandas models and never annotate Dask types, so
`pandera.typing.dask` is imported here first, with `dask` hidden for that one import: pandera
then takes its own "dask is not installed" path and never imports it. `dask` stays importable;
the Dask engine imports it itself, and pandera checks the pandas partitions it is given.
"""

import sys

if "dask" not in sys.modules and "pandera.typing.dask" not in sys.modules:
    sys.modules["dask"] = None  # type: ignore[assignment]  # `import dask` raises ImportError
    try:
        import pandera.typing.dask  # noqa: F401
    finally:
        del sys.modules["dask"]
