"""The rules table and the code that applies it cannot drift apart, in either direction."""

import ast
from pathlib import Path

from pipeline.rules import days, lines
from pipeline.rules.table import BY_CODE, REASON_ORDER, RULES, Kind, codes, rules_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_every_line_code_has_a_rule_and_every_rule_a_code() -> None:
    assert tuple(lines.LINE_RULES) == codes(Kind.LINE)


def test_day_and_warning_codes_are_the_ones_reconcile_applies() -> None:
    assert codes(Kind.DAY) == (days.BELOW_MINIMUM,)
    assert codes(Kind.WARNING) == (days.STAFF_DAY_OVER_LIMIT, days.MULTIPLE_CLAIM_LINES)


def test_below_minimum_is_the_last_reason() -> None:
    assert REASON_ORDER[-1] == days.BELOW_MINIMUM
    assert len(REASON_ORDER) == len(codes(Kind.LINE)) + 1


def test_codes_are_unique_and_described() -> None:
    assert len(BY_CODE) == len(RULES) == 11
    assert all(r.description.endswith(".") and r.code.isupper() for r in RULES)


def test_no_module_spells_a_code_outside_the_rules_table() -> None:
    """Codes are used through the table; a string literal of a code elsewhere is drift."""
    allowed = {ROOT / "pipeline" / "rules" / "table.py", ROOT / "pipeline" / "rules" / "lines.py"}
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        if path in allowed:
            continue
        literals = {
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        assert not literals & set(BY_CODE), f"{path.name} spells a rule code"


def test_readme_rules_table_is_the_rules_table() -> None:
    assert rules_markdown() in (ROOT / "README.md").read_text(encoding="utf-8")
