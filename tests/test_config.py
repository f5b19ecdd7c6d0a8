"""The configuration files: the shipped ones load, and map targets are the loader's columns."""

from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import COLUMN_MAP_TARGETS, FLOOR, default_config, load_config
from pipeline.errors import ConfigError
from pipeline.ingest.load import LAYOUTS, run_names
from schemas.columns import ACTIVITIES, CLIENT_ID, SERVICE_DATE

EXAMPLE_CONFIG = Path(__file__).parents[1] / "pipeline" / "examples" / "providers.toml"


def test_the_default_config_loads() -> None:
    config = default_config()
    assert (config.min_minutes, config.rounding, str(config.default_unit_rate)) == (
        15,
        FLOOR,
        "60.00",
    )
    assert config.activity_aliases["home_visit"] == "face_to_face"
    assert len(config.activity_aliases) == 11 and config.column_maps == ()


def test_the_example_config_loads_over_the_defaults() -> None:
    config = load_config(EXAMPLE_CONFIG)
    assert config.source == str(EXAMPLE_CONFIG)
    assert len(config.activity_aliases) == 20  # the default's 11 and the example's 9
    assert set(config.activity_aliases.values()) == set(ACTIVITIES)
    assert [(m.name, m.files, m.sheet) for m in config.column_maps] == [
        ("CaseTrack", ("services*casetrack*.csv",), None),
        ("CareLog", ("services*carelog*.xlsx",), "Visits"),
    ]
    carelog = config.column_maps[1].columns
    assert (carelog["Start"], carelog["End"]) == ("start_time", "end_time")


def test_map_targets_are_exactly_the_columns_the_loader_reads() -> None:
    read = {c for layout in LAYOUTS.values() for c in layout.columns}
    assert set(COLUMN_MAP_TARGETS) == read
    assert len(COLUMN_MAP_TARGETS) == len(read)


def test_a_target_spelled_like_a_header_loads_and_renames(tmp_path: Path) -> None:
    path = tmp_path / "funder.toml"
    path.write_text(
        '[[column_maps]]\nfiles = ["*"]\ncolumns = { "Client #" = "Client ID", '
        '"Svc Date" = "service-date" }\n',
        encoding="utf-8",
    )
    column_map = load_config(path).column_maps[0]
    headers = pd.Series(["Client #", "Svc Date"], dtype="str")
    assert run_names(headers, column_map).tolist() == [CLIENT_ID, SERVICE_DATE]


def test_an_alias_cannot_recode_an_activity_code(tmp_path: Path) -> None:
    config = tmp_path / "funder.toml"
    config.write_text('[activity_aliases]\n"Phone" = "mailing"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert str(raised.value) == (
        f"{config}: activity_aliases: 'Phone' is the activity code 'phone' itself, so it cannot "
        "stand for 'mailing'"
    )
    config.write_text('[activity_aliases]\n"Phone" = "phone"\n', encoding="utf-8")
    assert load_config(config).activity_aliases["Phone"] == "phone"
