"""docs/reference.md, generated from the models: ``python -m wijkteamkit.reference > docs/reference.md``.

Every model of a plugin document with each field's type, default, allowed values, meaning and
what reads it (:data:`wijkteamkit.readers.READERS`); the condition language of escalation rules
with an example per kind; and the national layer's keys, taken from the national plugin itself.
"""

from __future__ import annotations

import inspect
import tomllib
import types
import typing
from collections.abc import Iterator
from datetime import date
from enum import Enum
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from .domain import (
    COLLECTIONS,
    AllOf,
    AnyOf,
    Condition,
    DomainScore,
    Flagged,
    Key,
    MunicipalitySetup,
    PluginDocument,
    ProblemDomains,
    TargetKind,
)
from .domain.common import Period, Remove
from .fielddocs import description
from .keys import keys_of, national_setup
from .readers import models_from, reader_of

COMMAND = "python -m wijkteamkit.reference > docs/reference.md"
"""The command that regenerates docs/reference.md."""

CONDITIONS: tuple[type[BaseModel], ...] = (ProblemDomains, DomainScore, Flagged, AllOf, AnyOf)
"""The kinds of :data:`~wijkteamkit.domain.Condition`, in the order the reference lists them."""

EXAMPLES: dict[str, str] = {
    "problem_domains": 'when = { kind = "problem_domains", min_count = 3 }\n'
    "# 3 or more scored domains at 2 or lower (at_most's default)",
    "domain_score": 'when = { kind = "domain_score", domain = "financien", at_most = 1 }\n'
    "# finances scored 1",
    "flagged": 'when = { kind = "flagged", indicator = "domestic-violence" }',
    "all_of": 'when = { kind = "all_of", conditions = [\n'
    '  { kind = "flagged", indicator = "child-abuse" },\n'
    '  { kind = "domain_score", domain = "huiselijke-relaties", at_most = 2 },\n'
    "] }",
    "any_of": 'when = { kind = "any_of", conditions = [\n'
    '  { kind = "flagged", indicator = "severe-psychiatric" },\n'
    '  { kind = "problem_domains", min_count = 2, domains = ["geestelijke-gezondheid", '
    '"middelengebruik"] },\n'
    "] }",
}
"""One TOML example per condition kind, as it stands in an escalation rule or a target's
``accepts``; each is checked against the model when the reference is generated."""

_KEY_PATTERN: str = typing.get_args(Key)[1].pattern
"""The pattern of :data:`~wijkteamkit.domain.Key`: a field constrained by it reads ``key``."""


def _kind(model: type[BaseModel]) -> str:
    default = model.model_fields["kind"].default
    assert isinstance(default, str)
    return default


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _summary(model: type[BaseModel]) -> str:
    doc = model.__dict__.get("__doc__") or ""
    return inspect.cleandoc(doc).split("\n\n")[0].replace("\n", " ")


def _anchor(model: type[BaseModel]) -> str:
    return f"[{model.__name__}](#{model.__name__.lower()})"


def _strip_none(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(arguments) < len(typing.get_args(annotation)):
            inner = arguments[0] if len(arguments) == 1 else typing.Union[tuple(arguments)]  # noqa: UP007
            return inner, True
    return annotation, False


def type_of(field: FieldInfo) -> str:
    """How a field's type reads in the reference (``list of key``, ``[Team](#team)``)."""
    annotation, optional = _strip_none(field.annotation)
    if field.metadata:
        annotation = typing.Annotated[annotation, *field.metadata]
    text = _type(annotation)
    return f"{text} or none" if optional else text


def _type(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        if _is_condition(annotation):
            return "[condition](#conditions)"
        pattern = next((getattr(m, "pattern", None) for m in arguments[1:]), None)
        if pattern == _KEY_PATTERN:
            return "key"
        if pattern:
            return f"text matching `{pattern}`"
        return _type(arguments[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type(a) for a in arguments)
    if origin in (tuple, list, frozenset, set):
        return f"list of {_type(arguments[0])}"
    if origin is dict:
        return f"table of {_type(arguments[0])} to {_type(arguments[1])}"
    if origin is Literal:
        return "text"
    if isinstance(annotation, type) and issubclass(annotation, Remove):
        return 'removal (`{ remove = "KEY" }`)'
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _anchor(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "text"
    names = {str: "text", int: "integer", float: "number", bool: "true or false", date: "date"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)).lower())


def _is_condition(annotation: Any) -> bool:
    return typing.get_args(annotation)[:1] == typing.get_args(Condition)[:1]


def _values(annotation: Any) -> list[str]:
    annotation, _ = _strip_none(annotation)
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return [str(v) for v in typing.get_args(annotation)]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if origin in (tuple, list, frozenset, set):
        return _values(typing.get_args(annotation)[0])
    return []


def _bounds(field: FieldInfo) -> list[str]:
    metadata = list(field.metadata)
    annotation, _ = _strip_none(field.annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in typing.get_args(annotation)[1:]:
            metadata += getattr(extra, "metadata", [extra])
    symbols = {
        annotated_types.Ge: ("≥", "ge"),
        annotated_types.Gt: (">", "gt"),
        annotated_types.Le: ("≤", "le"),
        annotated_types.Lt: ("<", "lt"),
        annotated_types.MinLen: ("at least", "min_length"),
    }
    found = []
    for item in metadata:
        for kind, (symbol, attribute) in symbols.items():
            if isinstance(item, kind):
                found.append(f"{symbol} {getattr(item, attribute)}")
    return found


def allowed(field: FieldInfo) -> str:
    """The allowed values (of a Literal or an Enum) and bounds of a field, or ``""``."""
    values = ", ".join(f"`{v}`" for v in _values(field.annotation))
    return "; ".join(filter(None, [values, *_bounds(field)]))


def _toml(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Enum):
        return f'`"{value.value}"`'
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, frozenset | tuple | list):
        items = sorted(value, key=str) if isinstance(value, frozenset) else list(value)
        return "`[" + ", ".join(_toml(v).strip("`") for v in items) + "]`"
    if isinstance(value, dict) and not value:
        return "`{}`"
    if isinstance(value, BaseModel):
        return "its defaults"
    return f"`{value}`"


def default_of(field: FieldInfo) -> str:
    """The default as TOML, ``required`` when there is none."""
    if field.is_required():
        return "required"
    return _toml(field.get_default(call_default_factory=True))


def read_by(model: type[BaseModel], name: str) -> str:
    """What reads the field, from the inventory: ``engine: `engine/consent.py```."""
    found = reader_of(model, name)
    if found is None:
        return ""
    reader = found[1]
    places = ", ".join(f"`{p}`" for p in reader.where)
    return f"{reader.how}: {places}"


def field_table(model: type[BaseModel]) -> Iterator[str]:
    """The model's fields as a Markdown table."""
    yield "| field | type | default | allowed values | meaning | read by |"
    yield "| --- | --- | --- | --- | --- | --- |"
    for name, field in model.model_fields.items():
        cells = (
            f"`{name}`",
            type_of(field),
            default_of(field),
            allowed(field),
            description(model, name),
            read_by(model, name),
        )
        yield "| " + " | ".join(_cell(c) for c in cells) + " |"


def _document() -> Iterator[str]:
    yield "## The plugin document"
    yield ""
    yield (
        "A TOML plugin file, or the data the configuration hooks return. Its top level "
        "(`PluginDocument`) has these fields; each collection is an array of tables named after "
        "it (`[[teams]]`) and supplied in Python by the hook `wijkteamkit_<collection>`. An "
        'entry `{ remove = "KEY" }` drops the item a lower layer supplied with that key.'
    )
    yield ""
    yield from field_table(PluginDocument)
    yield ""
    yield "| collection | hook | item |"
    yield "| --- | --- | --- |"
    for collection in COLLECTIONS:
        yield f"| `{collection.name}` | `{collection.hook}` | {_anchor(collection.model)} |"
    yield ""


def _models() -> Iterator[str]:
    yield "## Models"
    yield ""
    yield (
        "Every model a plugin document can hold. A *key* is lower-case letters, digits, `-`, "
        "`_` and `.`, starting with a letter or digit (at most 80 characters). Unknown fields "
        "are refused. *read by* names the module that acts on the field: the engine, a "
        "validation rule, a report, or identity/documentation (names and sources)."
    )
    yield ""
    skip = {PluginDocument, Remove, *CONDITIONS}
    for model in models_from(PluginDocument):
        if model in skip:
            continue
        yield f"### {model.__name__}"
        yield ""
        yield _summary(model)
        yield ""
        yield from field_table(model)
        yield ""


def _conditions() -> Iterator[str]:
    yield "## Conditions"
    yield ""
    yield (
        "The language of an escalation rule's `when` and an escalation target's `accepts`: a "
        "TOML inline table whose `kind` says which condition it is. Scores are the life-domain "
        "scores of the household's latest assessment (1-5, the ZRM scale); indicators are "
        "those flagged on the signal or assessment. A domain that was not scored counts for "
        "no condition."
    )
    yield ""
    adapter: TypeAdapter[Any] = TypeAdapter(Condition)
    for model in CONDITIONS:
        kind = _kind(model)
        example = EXAMPLES[kind]
        parsed = adapter.validate_python(tomllib.loads(example)["when"])
        assert isinstance(parsed, model), f"the example of {kind} is not a {model.__name__}"
        yield f"### {model.__name__}"
        yield ""
        yield f'`kind = "{kind}"`. {_summary(model)}'
        yield ""
        yield from field_table(model)
        yield ""
        yield "```toml"
        yield example
        yield "```"
        yield ""


def _national(setup: MunicipalitySetup) -> Iterator[str]:
    yield "## The national layer"
    yield ""
    yield (
        "The keys `wijkteamkit.defaults.national` supplies to every municipality, generated "
        "from that plugin (`wijkteamkit keys --national` lists them too; `wijkteamkit keys "
        "MUNICIPALITY` adds what the region and municipality layers supply)."
    )
    yield ""
    found = keys_of(setup)
    empty = [name for name, entries in found.items() if not entries]
    for name, entries in found.items():
        if not entries:
            continue
        yield f"### {name} ({len(entries)})"
        yield ""
        dated = issubclass(next(c.model for c in COLLECTIONS if c.name == name), Period)
        yield "| key | name |" + (" valid |" if dated else "")
        yield "| --- | --- |" + (" --- |" if dated else "")
        for entry in entries:
            row = f"| `{entry.key}` | {_cell(entry.name)} |"
            if dated:
                item = setup.get(name, entry.key)
                assert isinstance(item, Period)
                row += f" {_period(item)} |"
            yield row
        yield ""
    yield "### What the national layer leaves to the plugins"
    yield ""
    yield (
        "The national layer supplies no "
        + ", no ".join(f"`{name}`" for name in empty)
        + ". In particular it supplies **no escalation targets**: every body a team escalates "
        "or refers to (Veilig Thuis, a multiproblem team, FACT) comes from a region or "
        "municipality plugin, which gives it a `kind` so that a legal basis can cover it."
    )
    yield ""
    yield from _meldrecht(setup)


def _meldrecht(setup: MunicipalitySetup) -> Iterator[str]:
    kinds = {k.value for k in TargetKind}
    for basis in setup.legal_bases:
        if not basis.allows_disclosure_without_consent:
            continue
        covered = [r for r in basis.recipients if r in kinds]
        named = [r for r in basis.recipients if r not in kinds]
        text = (
            f"The legal basis `{basis.key}` ({_cell(basis.name)}; {basis.article or ''}, "
            f"{_period(basis)}) allows disclosure without consent to every escalation target "
            f"of kind " + ", ".join(f"`{k}`" for k in covered)
        )
        if named:
            text += " and to the targets " + ", ".join(f"`{n}`" for n in named)
        yield text + ", and to no other recipient."
        yield ""


def _period(item: Period) -> str:
    start = item.valid_from.isoformat() if item.valid_from else "always"
    if item.valid_to is None:
        return f"from {start}" if item.valid_from else "always"
    return f"{start} to {item.valid_to.isoformat()}"


def reference() -> str:
    """The text of docs/reference.md."""
    lines = [
        "# Plugin reference",
        "",
        f"Generated from the models: `{COMMAND}` regenerates this page, and a test fails when "
        "it is out of date. Do not edit it by hand; change the models' field descriptions "
        "(`src/wijkteamkit/domain/`) or the inventory of readers (`src/wijkteamkit/readers.py`).",
        "",
        "Import every model from the package itself: `from wijkteamkit import Team, Provision`.",
        "",
        *_document(),
        *_models(),
        *_conditions(),
        *_national(national_setup()),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(reference())
