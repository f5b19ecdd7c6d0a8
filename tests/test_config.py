"""The configuration files: the shipped ones load, and map targets are the loader's columns."""

from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import COLUMN_MAP_TARGETS, FLOOR, default_config, load_config
from pipeline.errors import ConfigError
from pipeline.ingest.load import LAYOUTS, run_names
from pipeline.rules.table import NOTE_FLAGS
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


def test_the_default_review_settings() -> None:
    config = default_config()
    assert config.response_days == 30 and config.review.disallow == ()
    phrases = config.review.phrases
    assert list(phrases) == list(NOTE_FLAGS)
    assert {"left a message", "dejé un mensaje", "kite mesaj"} <= set(
        phrases["NOTE_SUGGESTS_VOICEMAIL"]
    )
    assert {"flyers", "volantes", "feyè"} <= set(phrases["NOTE_SUGGESTS_GROUP"])


def test_a_phrase_list_replaces_that_flags_list_only(tmp_path: Path) -> None:
    path = tmp_path / "funder.toml"
    path.write_text(
        '[review]\ndisallow = ["STAFF_TIME_OVERLAP"]\n'
        '[review.phrases]\nNOTE_SUGGESTS_GROUP = ["bulk mail"]\n',
        encoding="utf-8",
    )
    config = load_config(path)
    default = default_config().review.phrases
    assert config.review.disallow == ("STAFF_TIME_OVERLAP",)
    assert config.review.phrases["NOTE_SUGGESTS_GROUP"] == ("bulk mail",)
    assert config.review.phrases["NOTE_SUGGESTS_VOICEMAIL"] == default["NOTE_SUGGESTS_VOICEMAIL"]
    assert config.as_dict()["review"]["disallow"] == ["STAFF_TIME_OVERLAP"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[review]\ndisallow = ["VOICEMAIL"]\n',
            "review.disallow must be a list of review flags (NOTE_SUGGESTS_VOICEMAIL, "
            "NOTE_SUGGESTS_SCHEDULING, NOTE_SUGGESTS_GROUP, STAFF_TIME_OVERLAP, "
            "MINUTES_EXCEED_INTERVAL), not ['VOICEMAIL']",
        ),
        (
            "[review.phrases]\nSTAFF_TIME_OVERLAP = ['x']\n",
            "review.phrases: 'STAFF_TIME_OVERLAP' must be one of NOTE_SUGGESTS_VOICEMAIL, "
            "NOTE_SUGGESTS_SCHEDULING, NOTE_SUGGESTS_GROUP",
        ),
        (
            "[review.phrases]\nNOTE_SUGGESTS_GROUP = []\n",
            "review.phrases.NOTE_SUGGESTS_GROUP must be a list of one or more phrases",
        ),
        (
            "[review]\nscreen = true\n",
            "review: unknown key 'screen'; the keys are disallow, phrases",
        ),
        ("response_days = 0\n", "response_days must be a whole number of at least 1, not 0"),
    ],
)
def test_review_typos_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "funder.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}: {message}"
