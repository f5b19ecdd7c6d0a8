"""Excel opens every workbook cleanly: an independent Office Open XML validator (openxml-audit)
finds no error and no warning in the sample month's workbooks, written as `reconcile run`
writes them (sample_run), nor in a workbook that uses every feature of the
report model."""

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from feature_report import feature_report
from openxml_audit import OpenXmlValidator, ValidationSeverity
from sample_run import written_sample

from pipeline.report.xlsx import write_workbook


@pytest.fixture(scope="module")
def sample_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return written_sample(tmp_path_factory)


def findings(path: Path) -> list[str]:
    """Every error and warning the validator reports, one line each."""
    result = OpenXmlValidator().validate(path)
    return [
        f"{e.severity.name} {e.part_uri}: {e.description}"
        for e in result.errors
        if e.severity in (ValidationSeverity.ERROR, ValidationSeverity.WARNING)
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "workbook",
    ["reconciliation.xlsx", "providers/PRV-A.xlsx", "providers/PRV-B.xlsx", "providers/PRV-C.xlsx"],
)
def test_the_sample_months_workbooks_pass_the_validator(sample_month: Path, workbook: str) -> None:
    assert findings(sample_month / workbook) == []


@pytest.mark.slow
def test_a_workbook_with_every_feature_passes_the_validator(tmp_path: Path) -> None:
    path = tmp_path / "features.xlsx"
    write_workbook(feature_report(), path)
    assert findings(path) == []


def test_the_validator_can_fail(tmp_path: Path) -> None:
    # The same workbook without its theme: the error every workbook had before (issue 9).
    whole, broken = tmp_path / "whole.xlsx", tmp_path / "broken.xlsx"
    write_workbook(feature_report(), whole)
    rels_name = "xl/_rels/workbook.xml.rels"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == rels_name:
                rels = ET.fromstring(data)
                for rel in [r for r in rels if r.get("Type", "").endswith("/theme")]:
                    rels.remove(rel)
                data = ET.tostring(rels)
            target.writestr(item, data)
    assert findings(whole) == []
    assert any("theme" in f for f in findings(broken))
