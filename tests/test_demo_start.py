"""The demo starts on the municipality's reference date and leaves no temporary folder behind."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.demo import DEFAULT_DAY, start_day
from wijkteamkit.loading import load_municipality

SMALL = ["--households", "50", "--feed-rows", "100"]


def _demo_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("wijkteamkit-demo-*"))


def test_the_demo_starts_on_the_reference_date_and_removes_its_database() -> None:
    before = _demo_folders()
    result = CliRunner().invoke(app, ["demo", "nijmegen", *SMALL])
    assert result.exit_code == 0, result.output
    assert "from 2012-06-01" in result.output  # Nijmegen's reference_date
    assert "now removed" in result.output
    assert _demo_folders() <= before


def test_on_overrides_the_reference_date_and_database_keeps_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    args = ["demo", "nijmegen", "--on", "2015-03-02", "--database", url, *SMALL]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "from 2015-03-02" in result.output
    assert f"database: {url}" in result.output
    assert (tmp_path / "demo.db").exists()


def test_without_a_reference_date_the_demo_starts_after_the_2015_reform() -> None:
    setup = load_municipality("nijmegen")
    assert start_day(setup) == date(2012, 6, 1)
    undated = setup.municipality.model_copy(update={"reference_date": None})
    assert start_day(setup.model_copy(update={"municipality": undated})) == DEFAULT_DAY
