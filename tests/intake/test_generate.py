"""Generated feeds: reproducible, inside the municipality's postcodes, with bad rows of every
kind that are exactly the rows the reader refuses (an unknown postcode is left to the engine)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkteamkit.cli.app import app
from wijkteamkit.domain.municipality import Neighbourhood
from wijkteamkit.domain.setup import MunicipalitySetup
from wijkteamkit.intake.feed import Feed, FeedFormat
from wijkteamkit.intake.generate import (
    DEFECTS,
    GenerateError,
    feed_header,
    feed_lines,
    postcode_ranges,
    write_feed,
)
from wijkteamkit.loading import load_municipality

TODAY = date(2026, 1, 1)
FORMATS: tuple[FeedFormat, ...] = ("csv", "jsonl")


@pytest.fixture(scope="module")
def nijmegen() -> MunicipalitySetup:
    return load_municipality("nijmegen", [])


def feed_bytes(setup: MunicipalitySetup, rows: int, seed: int, kind: FeedFormat = "csv") -> bytes:
    out = io.BytesIO()
    write_feed(out, setup, rows, 0.05, seed, kind)
    return out.getvalue()


def test_the_same_seed_makes_the_same_bytes(nijmegen: MunicipalitySetup) -> None:
    assert feed_bytes(nijmegen, 300, 7) == feed_bytes(nijmegen, 300, 7)
    assert feed_bytes(nijmegen, 300, 7, "jsonl") == feed_bytes(nijmegen, 300, 7, "jsonl")
    assert feed_bytes(nijmegen, 300, 7) != feed_bytes(nijmegen, 300, 8)


@pytest.mark.parametrize("kind", FORMATS)
def test_the_bad_rows_are_exactly_those_the_reader_refuses(
    nijmegen: MunicipalitySetup, kind: FeedFormat
) -> None:
    lines = list(feed_lines(nijmegen, 2000, 0.05, 3, kind))
    defects = Counter(line.defect for line in lines if line.defect)
    assert sum(defects.values()) == 100
    assert set(defects) == set(DEFECTS[kind]), "every kind of bad row appears"
    data = feed_header(kind) + b"".join(line.data for line in lines)
    rows = list(Feed(io.BytesIO(data), kind, TODAY))
    assert [r.row for r in rows] == [line.row for line in lines]
    refused = {r.row for r in rows if r.report is None}
    spoiled = {line.row for line in lines if line.defect not in (None, "unknown_postcode")}
    assert refused == spoiled


def test_bad_rows_are_spread_through_the_file(nijmegen: MunicipalitySetup) -> None:
    bad = [line.row for line in feed_lines(nijmegen, 1000, 0.05, 3, "csv") if line.defect]
    assert len(bad) == 50
    assert max(b - a for a, b in pairwise(bad)) <= 21


def test_households_repeat_and_creditors_report_again(nijmegen: MunicipalitySetup) -> None:
    data = feed_header("csv") + b"".join(
        line.data for line in feed_lines(nijmegen, 2000, 0.0, 5, "csv")
    )
    reports = [row.report for row in Feed(io.BytesIO(data), "csv", TODAY)]
    assert all(report is not None for report in reports)
    by_address: dict[tuple[str, int, str | None], list[tuple[str, str, date]]] = {}
    for report in reports:
        assert report is not None
        address = (report.postcode, report.house_number, report.house_number_suffix)
        by_address.setdefault(address, []).append(
            (report.creditor_kind, report.creditor, report.signal_date)
        )
    several = [seen for seen in by_address.values() if len({(k, c) for k, c, _ in seen}) > 1]
    again = [seen for seen in by_address.values() if len(seen) > len({(k, c) for k, c, _ in seen})]
    assert len(several) > 50, "households with several creditors"
    assert len(again) > 50, "a creditor reporting twice on one household"
    assert len({r.external_id for r in reports if r is not None}) == len(reports)
    assert {r.creditor_kind for r in reports if r is not None} == {
        "housing",
        "energy",
        "water",
        "health_insurer",
    }


def test_unknown_postcodes_lie_in_no_neighbourhood(nijmegen: MunicipalitySetup) -> None:
    lines = [
        line
        for line in feed_lines(nijmegen, 4000, 0.05, 9, "csv")
        if line.defect == "unknown_postcode"
    ]
    assert lines
    data = feed_header("csv") + b"".join(line.data for line in lines)
    for row in Feed(io.BytesIO(data), "csv", TODAY):
        assert row.report is not None
        assert not any(n.covers_postcode(row.report.postcode) for n in nijmegen.neighbourhoods)


def test_good_rows_lie_in_a_neighbourhood_with_a_team(nijmegen: MunicipalitySetup) -> None:
    served = {t.neighbourhood for t in nijmegen.teams}
    data = feed_header("csv") + b"".join(
        line.data for line in feed_lines(nijmegen, 1000, 0.0, 2, "csv")
    )
    for row in Feed(io.BytesIO(data), "csv", TODAY):
        assert row.report is not None
        assert any(
            n.covers_postcode(row.report.postcode)
            for n in nijmegen.neighbourhoods
            if n.key in served
        )


@pytest.mark.parametrize(
    ("entry", "first", "last"),
    [
        ("6535", "6535AA", "6535ZZ"),
        ("6535-6537", "6535AA", "6537ZZ"),
        ("6535AB", "6535AB", "6535AB"),
        ("6535AB-6535BA", "6535AB", "6535BA"),
    ],
)
def test_postcode_ranges_cover_what_the_neighbourhood_covers(
    entry: str, first: str, last: str
) -> None:
    from wijkteamkit.intake.generate import _postcode

    neighbourhood = Neighbourhood(key="n", name="N", postcodes=(entry,))
    [(low, high)] = postcode_ranges(neighbourhood)
    assert (_postcode(low), _postcode(high)) == (first, last)
    assert neighbourhood.covers_postcode(_postcode(low)) and neighbourhood.covers_postcode(
        _postcode(high)
    )
    assert not neighbourhood.covers_postcode(_postcode(low - 1))
    assert not neighbourhood.covers_postcode(_postcode(high + 1))


def test_generating_streams(nijmegen: MunicipalitySetup) -> None:
    lines = feed_lines(nijmegen, 10_000_000, 0.05, 1, "csv")
    assert next(lines).row == 2


def test_a_setup_without_served_postcodes_cannot_make_a_feed() -> None:
    arnhem = load_municipality("arnhem", [])
    with pytest.raises(GenerateError, match="no neighbourhood of Arnhem has postcodes and a team"):
        next(feed_lines(arnhem, 10, 0.05, 1, "csv"))


runner = CliRunner()


def test_generate_feed_writes_the_same_bytes_to_stdout_and_a_file(tmp_path: Path) -> None:
    first = runner.invoke(app, ["generate", "feed", "nijmegen", "--rows", "50", "--seed", "4"])
    assert first.exit_code == 0, first.output
    out = tmp_path / "feed.jsonl"
    second = runner.invoke(
        app,
        [
            "generate",
            "feed",
            "GM0268",
            "--rows",
            "50",
            "--seed",
            "4",
            "--output",
            str(tmp_path / "feed.csv"),
        ],
    )
    assert second.exit_code == 0
    assert (tmp_path / "feed.csv").read_bytes() == first.stdout_bytes
    assert first.stdout_bytes.startswith(b"external_id,signal_date,")
    third = runner.invoke(
        app, ["generate", "feed", "nijmegen", "--rows", "5", "--output", str(out)]
    )
    assert third.exit_code == 0 and out.read_bytes().startswith(b'{"external_id"')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rows", "-1"], "--rows -1 is out of range"),
        (["--rows", "5", "--bad-share", "1.5"], "--bad-share 1.5 is out of range"),
        (["--rows", "5", "--format", "xml"], "unknown feed format 'xml'"),
    ],
)
def test_generate_feed_refuses_bad_options(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["generate", "feed", "nijmegen", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_generate_feed_refuses_a_municipality_without_postcodes() -> None:
    result = runner.invoke(app, ["generate", "feed", "arnhem", "--rows", "5"])
    assert result.exit_code == 2
    assert "no neighbourhood of Arnhem has postcodes and a team" in result.stderr
