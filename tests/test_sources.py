"""Sources: the national layer cites the law, not our design notes, and ``validate --strict``
names every illustrative item of the bundled plugins with what was invented."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel
from sample_town import ON, SRC, SampleTown, defaults

from wijkteamkit import Source, TeamLeader, load_municipality
from wijkteamkit.defaults import national
from wijkteamkit.domain import KEYED_COLLECTIONS
from wijkteamkit.testing import PluginHarness
from wijkteamkit.validation import RULES, STRICT_RULES, validate

CITED = Source(document="teststad.txt", section="§1")
"""A real citation, so that only what a test marks is illustrative."""

BUNDLED = ("nijmegen", "zwolle", "'s-Hertogenbosch", "arnhem", "lingewaard")


def sources(value: object, path: str = "") -> Iterator[tuple[str, Source]]:
    """Every Source in ``value`` with the path of the part citing it."""
    if isinstance(value, Source):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from sources(getattr(value, name), f"{path}/{name}".strip("/"))
    elif isinstance(value, tuple | list):
        for i, element in enumerate(value):
            yield from sources(element, f"{path}/{i}".strip("/"))


def national_items() -> Iterator[BaseModel]:
    """Everything the national layer's hooks without arguments supply."""
    for name, hook in inspect.getmembers(national, inspect.isfunction):
        if name.startswith("wijkteamkit_") and not inspect.signature(hook).parameters:
            result = hook()
            yield from result if isinstance(result, tuple | list) else (result,)


def test_no_national_item_cites_the_design_notes() -> None:
    cited = [(item, path, s) for item in national_items() for path, s in sources(item)]
    assert len(cited) > 40
    design = [(getattr(i, "key", i), p) for i, p, s in cited if "DESIGN" in s.document]
    assert design == []


@pytest.mark.parametrize("name", BUNDLED)
def test_no_bundled_item_cites_the_design_notes(name: str) -> None:
    setup = load_municipality(name)
    design = [
        path
        for path, source in sources(setup)
        if "DESIGN" in source.document or "DESIGN" in (source.section or "")
    ]
    assert design == []


def test_national_legal_facts_cite_the_law() -> None:
    laws = {"AWBZ", "Wmo 2007", "Wmo 2015", "Zvw", "Wlz", "Wet op de jeugdzorg", "Jeugdwet"}
    laws |= {"WWB", "Participatiewet", "WPG"}
    for law in national.LAWS:
        assert law.source is not None and law.source.document in laws, law.key
        assert "in force from" in (law.source.section or ""), law.key
    for stream in national.FUNDING_STREAMS:
        assert stream.source is not None and stream.source.document in laws, stream.key
    for provision in national.PROVISIONS:
        assert provision.source is not None and provision.source.document in laws
        for period in provision.funding:
            assert period.source is not None and period.source.document in laws, provision.key
    (meldrecht,) = national.LEGAL_BASES
    assert meldrecht.source == Source(
        document="Wmo 2015",
        section="art. 5.2.6",
        note="in force from 1 January 2015, with the Wmo 2015",
    )
    assert {d.source.document for d in national.LIFE_DOMAINS if d.source} == {
        "Zelfredzaamheid-Matrix 2017 (GGD Amsterdam)"
    }
    begeleiding = next(p for p in national.PROVISIONS if p.key == "begeleiding")
    assert [p.source.document for p in begeleiding.funding if p.source] == ["AWBZ", "Wmo 2015"]


def illustrative_findings(**parts: Any) -> list[tuple[str, str, str]]:
    harness = PluginHarness()
    harness.register(SampleTown(**parts), name="teststad")
    loaded = harness.load()
    return [
        (f.severity, f.location, f.message)
        for f in validate(loaded.setup, ON, loaded.issues, STRICT_RULES)
        if f.code == "illustrative"
    ]


def cited(collection: str) -> list[Any]:
    return [item.model_copy(update={"source": CITED}) for item in defaults()[collection]]


def test_a_cited_item_is_not_reported() -> None:
    found = illustrative_findings(principles=cited("principles"))
    assert [f for f in found if f[1].startswith("principles/")] == []


def test_an_illustrative_item_is_a_warning_naming_it_and_what_was_invented() -> None:
    (principle,) = cited("principles")
    marked = Source(document="x.txt", illustrative=True, note="the statement is made up")
    found = illustrative_findings(principles=[principle.model_copy(update={"source": marked})])
    ((severity, location, message),) = [f for f in found if f[1].startswith("principles/")]
    assert severity == "warning"
    assert location == f"principles/{principle.key}"
    assert f"principle {principle.key!r}" in message and "the statement is made up" in message


def test_an_illustrative_part_is_named_and_a_missing_note_is_said() -> None:
    (team,) = defaults()["teams"]
    leader = team.leader.model_copy(update={"source": Source(document="x.txt", illustrative=True)})
    team = team.model_copy(update={"source": CITED, "leader": leader})
    found = [f for f in illustrative_findings(teams=[team]) if f[1].startswith("teams/")]
    assert [(s, loc) for s, loc, _ in found] == [("warning", f"teams/{team.key}/leader")]
    assert "add a note" in found[0][2]


def test_only_strict_reports_illustrative_items() -> None:
    harness = PluginHarness()
    harness.register(SampleTown(), name="teststad")
    loaded = harness.load()
    assert SRC.illustrative
    assert "illustrative" not in {f.code for f in validate(loaded.setup, ON, rules=RULES)}
    assert "illustrative" in {f.code for f in validate(loaded.setup, ON, rules=STRICT_RULES)}


def test_the_invented_team_leader_employers_are_marked() -> None:
    """001 §4.3: an institution employs the leader in Lindenholt and Dukenburg, not which one."""
    setup = load_municipality("nijmegen")
    leaders: dict[str, TeamLeader | None] = {t.key: t.leader for t in setup.teams}
    for key in ("swt-lindenholt", "swt-dukenburg"):
        leader = leaders[key]
        assert leader and leader.source and leader.source.illustrative and leader.source.note
    for key in ("swt-hatert", "swt-nijmegen-noord"):
        leader = leaders[key]
        assert leader and leader.source and not leader.source.illustrative


@pytest.fixture(scope="module")
def strict_report() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "wijkteamkit", "validate", "--all", "--strict", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    assert result.returncode == 1 and not report["load_errors"], result.stderr
    return report


@pytest.mark.parametrize("name", BUNDLED)
def test_validate_strict_names_every_illustrative_item_of_the_bundled_plugins(
    name: str, strict_report: dict[str, Any]
) -> None:
    setup = load_municipality(name)
    (entry,) = [m for m in strict_report["municipalities"] if m["code"] == setup.code]
    named = [f for f in entry["findings"] if f["code"] == "illustrative"]
    parts: list[tuple[str, BaseModel]] = [
        ("municipality", setup.municipality),
        ("consent_policy", setup.consent_policy),
    ]
    for collection in KEYED_COLLECTIONS:
        parts += [(f"{collection}/{i.key}", i) for i in getattr(setup, collection)]
    expected = 0
    for location, item in parts:
        for path, source in sources(item):
            if not source.illustrative:
                continue
            expected += 1
            part = path.removesuffix("source").strip("/")
            assert any(
                f["location"] in (location, f"{location}/{part}")
                and (part in f["message"] or f["location"].endswith(part))
                and (source.note or "add a note") in f["message"]
                for f in named
            ), (location, part)
    assert expected and len(named) <= expected
