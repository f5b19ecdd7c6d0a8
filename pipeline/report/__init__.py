"""Stage six, report: the month's result as the workbooks, parquet files and run.json of
SPEC §5, written atomically. The only stage that writes the month's outputs."""
