"""The iWmo product categories (WMO020): the code list, its validation rule and ``show``."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError
from sample_town import ON, SRC, SampleTown

from wijkteamkit import Provision, ProvisionFunding, load_municipality
from wijkteamkit.defaults.codelists import IWMO_CATEGORIES, IWMO_SOURCE, iwmo_category_name
from wijkteamkit.testing import PluginHarness
from wijkteamkit.validation import validate

TESTS = Path(__file__).parent


def provision(category: str | None) -> list[Provision]:
    return [
        Provision(
            key="p",
            name="P",
            kind="maatwerk",
            iwmo_category=category,
            funding=(ProvisionFunding(stream="wmo-2015", valid_from=date(2015, 1, 1)),),
            source=SRC,
        )
    ]


def iwmo_findings(category: str | None) -> list[tuple[str, str, str]]:
    harness = PluginHarness()
    harness.register(SampleTown(provisions=provision(category)), name="teststad")
    return [
        (f.severity, f.location, f.message)
        for f in harness.findings(ON)
        if f.code == "iwmo-category"
    ]


def test_the_list_holds_the_eighteen_categories_with_names_and_its_source() -> None:
    assert list(IWMO_CATEGORIES) == [f"{n:02d}" for n in range(1, 19)]
    assert iwmo_category_name("02") == "Begeleiding"
    assert iwmo_category_name("07") == "Dagbesteding"
    assert iwmo_category_name("15") == "Beschermd wonen"
    assert iwmo_category_name("99") is None
    assert IWMO_SOURCE.document == "iWmo 3.2, codelijst WMO020, Zorginstituut Nederland"


@pytest.mark.parametrize("category", ["01", "07", "18", None])
def test_a_category_in_the_list_or_none_passes(category: str | None) -> None:
    assert iwmo_findings(category) == []


@pytest.mark.parametrize("category", ["99", "00", "19"])
def test_an_unknown_category_is_an_error_naming_the_provision_and_the_list(category: str) -> None:
    ((severity, location, message),) = iwmo_findings(category)
    assert severity == "error"
    assert location == "provisions/p"
    assert repr(category) in message and "WMO020" in message and "01-18" in message


def test_ijw_category_is_gone() -> None:
    with pytest.raises(ValidationError, match="ijw_category"):
        Provision(key="p", name="P", kind="maatwerk", ijw_category="01")  # type: ignore[call-arg]


def test_every_bundled_category_names_the_product() -> None:
    """Each bundled provision's category, checked against WMO020 by what the provision is."""
    expected = {
        "huishoudelijke-hulp": "01",
        "hh-1": "01",
        "hh-2": "01",
        "begeleiding": "02",
        "kortdurend-verblijf": "04",
        "dagbesteding": "07",
        "open-inloop-dagbesteding": "07",
        "beschermd-wonen": "15",
    }
    for name in ("nijmegen", "zwolle", "'s-Hertogenbosch"):
        setup = load_municipality(name)
        assert [f for f in validate(setup) if f.code == "iwmo-category"] == []
        for p in setup.provisions:
            assert p.iwmo_category == expected.get(p.key), (name, p.key)


def test_show_prints_the_name_next_to_the_code(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "town.py"
    path.write_text(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
        "from test_codelists import provision\n"
        "from sample_town import SampleTown\n"
        "_town = SampleTown(provisions=provision('07'))\n"
        "wijkteamkit_municipality = _town.wijkteamkit_municipality\n"
        "wijkteamkit_provisions = _town.wijkteamkit_provisions\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "wijkteamkit", "show", "teststad", "--plugin-file", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "07 Dagbesteding" in result.stdout
