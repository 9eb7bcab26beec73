"""The demo at scale: caseload, feed twice, screening, verified chain — small sizes here."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.demo_scale import BAD_SHARE, run_at_scale
from wijkteamkit.engine.casework import Casework


def test_the_bulk_paths_run_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    casework = Casework.open("nijmegen", f"sqlite:///{tmp_path}/scale.db")
    lines: list[str] = []
    try:
        report = run_at_scale(casework, lines.append, households=40, feed_rows=400)
    finally:
        casework.engine.dispose()
    assert report.households == 40
    assert report.quarantined == int(400 * BAD_SHARE)
    assert report.accepted + report.merged + report.quarantined == 400
    assert report.rerun_added == 0
    assert report.audit_intact
    assert any("already received" in line for line in lines)


def test_the_demo_command_takes_its_sizes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    args = ["demo", "nijmegen", "--database", url, "--households", "20", "--feed-rows", "100"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "At scale" in result.output and "intact: True" in result.output
    refused = CliRunner().invoke(app, ["demo", "--households", "-1"])
    assert refused.exit_code == 2
