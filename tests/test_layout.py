"""The package layout is the data flow: each stage imports only from earlier stages and from
the shared modules (docs/DESIGN.md), never from a later one."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIPELINE = ROOT / "pipeline"
# In the order data flows; a later stage may import an earlier one, not the reverse. The
# engines come after report because a Dask worker writes its own partition's outputs.
STAGES = ("ingest", "rules", "report", "engines")
SHARED = ("__init__", "choices", "config", "errors", "money", "progress", "result")
# The rules table is data every stage reads, the config included (it checks that
# [review] disallow names review flags); it imports nothing of the pipeline.
RULES_TABLE = "pipeline.rules.table"


def imported_modules(path: Path) -> set[str]:
    """The pipeline modules a file imports, as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "pipeline"}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_stage_has_its_folder() -> None:
    for stage in (*STAGES, "sample"):
        assert (PIPELINE / stage / "__init__.py").is_file(), stage


def test_no_stage_imports_a_later_stage() -> None:
    for stage in STAGES:
        later = set(STAGES[STAGES.index(stage) + 1 :])
        for path in sorted((PIPELINE / stage).glob("*.py")):
            upward = {m for m in imported_modules(path) if stage_of(m) in later}
            assert not upward, f"{path.relative_to(ROOT)} imports a later stage: {sorted(upward)}"


def test_shared_modules_import_no_stage_but_the_rules_table() -> None:
    for name in SHARED:
        imported = imported_modules(PIPELINE / f"{name}.py")
        stages = {m for m in imported if stage_of(m) and not m.startswith(RULES_TABLE)}
        assert not stages, f"pipeline/{name}.py imports a stage: {sorted(stages)}"


def test_the_rules_table_imports_nothing_of_the_pipeline() -> None:
    assert not imported_modules(PIPELINE / "rules" / "table.py")


def test_the_top_level_holds_only_shared_modules_and_the_cli() -> None:
    top = {p.stem for p in PIPELINE.glob("*.py")}
    assert top == {*SHARED, "__main__", "cli"}
