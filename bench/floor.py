"""The floor under load+validate: the same CSV files read by pyarrow.csv alone, as JSON.

`python -m bench.floor FILE...`
"""

import json
import sys
from pathlib import Path
from time import perf_counter


def main() -> None:
    start = perf_counter()
    import pyarrow.csv as pv

    imported = perf_counter()
    rows = sum(pv.read_csv(Path(name)).num_rows for name in sys.argv[1:])
    json.dump(
        {"import_s": imported - start, "read_s": perf_counter() - imported, "rows": rows},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
