"""docs/reference.md: generated from the models, current, and complete about what it promises."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from wijkteamkit import PluginDocument
from wijkteamkit.domain import Level, Model
from wijkteamkit.fielddocs import description
from wijkteamkit.readers import models_from
from wijkteamkit.reference import (
    COMMAND,
    CONDITIONS,
    EXAMPLES,
    allowed,
    default_of,
    reference,
    type_of,
)

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference.md"


def section(text: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of any level."""
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1 :]
    ends = [i for i in (rest.find("\n#"),) if i >= 0]
    return rest[: ends[0]] if ends else rest


def row(text: str, field: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| `{field}` |"))
    return [cell.strip() for cell in line.strip("|").split(" | ")]


def test_the_checked_in_reference_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference(), (
        f"docs/reference.md is out of date: run `{COMMAND}`"
    )


def undescribed(root: type[BaseModel]) -> list[str]:
    return [
        f"{model.__name__}.{name}"
        for model, fields in models_from(root).items()
        for name in fields
        if not description(model, name)
    ]


def test_every_field_of_a_plugin_document_has_a_meaning() -> None:
    missing = undescribed(PluginDocument)
    assert not missing, (
        f"fields without a description: {', '.join(missing)}; give each a one-line docstring "
        f"under the field (or Field(description=...)) and run `{COMMAND}`"
    )


def test_a_field_without_a_docstring_is_found() -> None:
    class Bare(Model):
        colour: str
        size: int = 1
        """How big."""

    assert undescribed(Bare) == ["Bare.colour"]


def test_required_fields_defaults_and_allowed_values() -> None:
    class Sample(BaseModel):
        needed: str
        level: Level = Level.CITY
        tags: tuple[str, ...] = ()
        count: int = Field(default=2, ge=1, le=5)

    fields = Sample.model_fields
    assert default_of(fields["needed"]) == "required"
    assert default_of(fields["level"]) == '`"city"`'
    assert default_of(fields["tags"]) == "`[]`"
    assert allowed(fields["level"]).split(", ") == [f"`{v.value}`" for v in Level]
    assert allowed(fields["count"]) == "≥ 1; ≤ 5"
    assert type_of(fields["tags"]) == "list of text"


def test_the_reference_shows_defaults_and_allowed_values() -> None:
    text = reference()
    target = section(text, "### EscalationTarget")
    assert row(target, "handover")[2:4] == ['`"transfer"`', "`transfer`, `referral`"]
    assert all(f"`{v.value}`" in row(target, "level")[3] for v in Level)
    assert row(target, "level")[2] == "required"
    assert row(section(text, "### Provision"), "access")[2] == '`"team"`'
    assert row(section(text, "### Provision"), "delivery")[2] == '`["zin"]`'
    assert row(section(text, "### EscalationRule"), "priority")[2] == "`100`"
    assert row(section(text, "### Requirement"), "min_count")[2] == "`1`"
    assert "engine: `engine/proposals.py`" in row(section(text, "### EscalationRule"), "when")


def test_every_condition_kind_has_its_fields_and_an_example() -> None:
    text = reference().split("## Conditions")[1].split("## The national layer")[0]
    kinds = {model.model_fields["kind"].default for model in CONDITIONS}
    assert set(EXAMPLES) == kinds
    for model in CONDITIONS:
        kind = model.model_fields["kind"].default
        assert f'`kind = "{kind}"`' in text
        assert f'kind = "{kind}"' in EXAMPLES[kind]
    assert "| `min_count` |" in text and "| `domain` |" in text and "| `at_most` |" in text


def test_the_national_layer_is_listed_from_the_plugin() -> None:
    national = reference().split("## The national layer")[1]
    assert "### life_domains (13)" in national
    assert "| `meldrecht-veilig-thuis` |" in national
    assert "**no escalation targets**" in national
    assert "of kind `domestic_violence_service`, and to no other recipient" in national
    for collection in ("laws", "funding_streams", "provisions", "legal_bases", "statutory_terms"):
        assert f"### {collection} (" in national
