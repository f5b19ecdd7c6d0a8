"""The rules table and the code that applies it cannot drift apart, in either direction."""

import ast
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import Config
from pipeline.rules import days, lines, review
from pipeline.rules.table import (
    BY_CODE,
    NOTE_FLAGS,
    REASON_ORDER,
    RULES,
    Kind,
    codes,
    rules_markdown,
)
from schemas.columns import (
    CLAIMED_UNITS,
    COUNTABLE_MINUTES,
    DOCUMENTATION_UNITS,
    DOCUMENTED_MINUTES,
)

ROOT = Path(__file__).resolve().parents[2]


def empty_days() -> pd.DataFrame:
    columns = (COUNTABLE_MINUTES, DOCUMENTED_MINUTES, CLAIMED_UNITS, DOCUMENTATION_UNITS)
    return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})


def test_every_line_code_has_a_rule_and_every_rule_a_code() -> None:
    assert tuple(lines.LINE_RULES) == codes(Kind.LINE)


def test_day_codes_are_the_ones_the_client_day_step_applies() -> None:
    assert codes(Kind.DAY) == (
        days.BELOW_MINIMUM,
        days.AUTHORIZATION_CAP,
        days.NO_DOCUMENTATION_CODE,
        days.CLAIM_EXCEEDS_DOCUMENTATION,
    )
    assert tuple(days.day_code_masks(empty_days(), np.zeros(0, bool), Config())) == codes(Kind.DAY)


def test_review_flags_and_warnings_are_the_ones_review_applies() -> None:
    assert codes(Kind.REVIEW) == (
        review.NOTE_SUGGESTS_VOICEMAIL,
        review.NOTE_SUGGESTS_SCHEDULING,
        review.NOTE_SUGGESTS_GROUP,
        review.STAFF_TIME_OVERLAP,
        review.MINUTES_EXCEED_INTERVAL,
    )
    assert codes(Kind.WARNING) == (
        review.STAFF_DAY_OVER_LIMIT,
        review.MULTIPLE_CLAIM_LINES,
        review.CROSS_PROVIDER_SAME_DAY,
    )
    assert codes(Kind.REVIEW)[:3] == NOTE_FLAGS


def test_reasons_are_line_codes_then_flags_then_day_codes() -> None:
    assert (*codes(Kind.LINE), *codes(Kind.REVIEW), *codes(Kind.DAY)) == REASON_ORDER
    assert REASON_ORDER.index(days.BELOW_MINIMUM) == len(codes(Kind.LINE)) + len(codes(Kind.REVIEW))


def test_codes_are_unique_titled_described_and_cited() -> None:
    assert len(BY_CODE) == len(RULES) == 22
    assert all(r.description.endswith(".") and r.code.isupper() for r in RULES)
    assert all(r.title and not r.title.endswith(".") and len(r.title) <= 40 for r in RULES)
    # Every code that disallows money cites the guideline or the contract.
    money_codes = (*codes(Kind.LINE), *codes(Kind.DAY))
    assert all(BY_CODE[c].cites for c in money_codes if c != "OUTSIDE_PERIOD")


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
