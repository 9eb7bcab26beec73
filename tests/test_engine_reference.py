"""docs/engine.md, the engine's API reference, stays true to the code.

Every public operation of :class:`Casework`, :class:`CaseSession` and the batch has a
``### owner.name`` heading whose first ``text`` block line is its signature as ``inspect`` gives
it; every error class with its rule, every enum value, every field of the documented models
and every rule code of casework.md's "Rules the engine enforces" table appears.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import textwrap
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel, ValidationError

from wijkteamkit.domain.case import (
    ActionBy,
    Actor,
    AssessmentIn,
    ConsentIn,
    HouseholdIn,
    MemberRole,
    PersonIn,
    PlanAction,
    PlanGoal,
    PlanIn,
    Role,
    Rung,
)
from wijkteamkit.domain.funding import Delivery
from wijkteamkit.domain.indication import EndReason, IndicationIn
from wijkteamkit.domain.requests import Decision as RequestDecision
from wijkteamkit.domain.requests import RequestIn, StepIn
from wijkteamkit.domain.signal import CreditorKind, Debt, Reporter, Signal
from wijkteamkit.domain.terms import RequestStep
from wijkteamkit.engine import casework, errors
from wijkteamkit.engine.assessments import AssessmentResult
from wijkteamkit.engine.batch import Batch
from wijkteamkit.engine.consent import Decision, Reason
from wijkteamkit.engine.listing import AuditRecord, EscalationSummary, HouseholdSummary, Page
from wijkteamkit.engine.process import CaseState, EscalationState, PlanState, SignalState
from wijkteamkit.engine.responses import ActionResponseIn
from wijkteamkit.engine.results import HookFailure, OperationResult, SignalReceipt
from wijkteamkit.engine.views import CaseFile, SubjectExport

DOCS = Path(__file__).parent.parent / "docs"
ENGINE_MD = DOCS / "engine.md"
CASEWORK_MD = DOCS / "casework.md"


def session_operations() -> dict[str, Callable[..., Any]]:
    """``CaseSession``'s operations, read from its ``__init__`` (``self.x = group.x``)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(casework.CaseSession.__init__)))
    groups: dict[str, type] = {}
    operations: dict[str, Callable[..., Any]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        target, value = node.targets[0], node.value
        if isinstance(target, ast.Name) and isinstance(value, ast.Call):
            assert isinstance(value.func, ast.Name)
            groups[target.id] = getattr(casework, value.func.id)
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(value, ast.Attribute)
            and isinstance(value.value, ast.Name)
            and value.value.id in groups
        ):
            operations[target.attr] = getattr(groups[value.value.id], value.attr)
    return operations


def operations() -> dict[str, Callable[..., Any]]:
    """Every documented callable by its heading: ``Casework.open``, ``session.triage``..."""
    found: dict[str, Callable[..., Any]] = {
        "Casework.open": casework.Casework.open,
        "casework.on": casework.Casework.on,
        "casework.as_actor": casework.Casework.as_actor,
    }
    found |= {f"session.{name}": op for name, op in session_operations().items()}
    found["session.batch"] = casework.CaseSession.batch
    found |= {
        f"batch.{name}": member
        for name, member in vars(Batch).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }
    return found


def _default(value: object) -> str:
    if isinstance(value, Enum):
        return f"{type(value).__name__}.{value.name}"
    if callable(value):
        return str(getattr(value, "__name__", value))
    return repr(value)


def signature_line(heading: str, function: Callable[..., Any]) -> str:
    """``heading(parameters) -> return``, annotations as written in the source."""
    parameters = list(inspect.signature(function).parameters.values())
    if parameters and parameters[0].name in ("self", "cls"):
        parameters = parameters[1:]
    parts: list[str] = []
    for parameter in parameters:
        if parameter.kind is parameter.KEYWORD_ONLY and "*" not in parts:
            parts.append("*")
        part = parameter.name
        if parameter.annotation is not parameter.empty:
            part += f": {parameter.annotation}"
        if parameter.default is not parameter.empty:
            part += f" = {_default(parameter.default)}"
        parts.append(part)
    returns = inspect.signature(function).return_annotation
    arrow = "" if returns is inspect.Signature.empty else f" -> {returns}"
    return f"{heading}({', '.join(parts)}){arrow}"


def documented_signatures() -> dict[str, str]:
    """Each ``### heading`` of engine.md with the first line of the first code block after it
    (before the next heading)."""
    text = ENGINE_MD.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for match in re.finditer(r"^### `?([\w.]+)`?\s*\n(.*?)(?=^#{1,3} |\Z)", text, re.M | re.S):
        block = re.search(r"^```text\n(.*?)\n", match.group(2), re.M)
        found[match.group(1)] = block.group(1).strip() if block else ""
    return found


@pytest.mark.parametrize("heading", sorted(operations()))
def test_every_operation_has_a_section_with_its_signature(heading: str) -> None:
    documented = documented_signatures()
    assert heading in documented, f"docs/engine.md has no '### {heading}' section"
    expected = signature_line(heading, operations()[heading])
    assert documented[heading] == expected, (
        f"docs/engine.md's signature of {heading} is out of date; write:\n{expected}"
    )


def test_every_signature_section_names_an_operation() -> None:
    callables = {h for h, line in documented_signatures().items() if "(" in line}
    extra = sorted(h for h in callables if "." in h and h not in operations())
    assert not extra, f"docs/engine.md documents operations that do not exist: {extra}"


def _mentioned(name: str) -> bool:
    return f"`{name}`" in ENGINE_MD.read_text(encoding="utf-8")


ERRORS = [
    error
    for error in vars(errors).values()
    if isinstance(error, type) and issubclass(error, errors.CaseworkError)
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_every_error_class_and_its_rule_appear(error: type[errors.CaseworkError]) -> None:
    text = ENGINE_MD.read_text(encoding="utf-8")
    row = re.search(rf"^\| `{error.__name__}` \| `([\w-]+)` \|", text, re.M)
    assert row, f"docs/engine.md's error table has no row '| `{error.__name__}` | `rule` |'"
    assert row.group(1) == error.rule


ENUMS: list[type[Enum]] = [
    Role,
    MemberRole,
    Reporter,
    CreditorKind,
    ActionBy,
    Rung,
    Delivery,
    CaseState,
    SignalState,
    PlanState,
    EscalationState,
    Reason,
    RequestStep,
    RequestDecision,
    EndReason,
]
LITERALS = {
    "ConsentIn.form": get_args(ConsentIn.model_fields["form"].annotation),
    "ActionResponseIn.response": get_args(ActionResponseIn.model_fields["response"].annotation),
    "Decision.outcome": get_args(Decision.model_fields["outcome"].annotation),
}


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_enum_value_appears(enum: type[Enum]) -> None:
    missing = [str(member.value) for member in enum if not _mentioned(str(member.value))]
    assert _mentioned(enum.__name__), f"docs/engine.md does not name {enum.__name__}"
    assert not missing, f"docs/engine.md does not list {enum.__name__} values {missing}"


MODELS: list[type] = [
    Actor,
    Signal,
    Debt,
    HouseholdIn,
    PersonIn,
    AssessmentIn,
    ConsentIn,
    PlanIn,
    PlanGoal,
    PlanAction,
    ActionResponseIn,
    IndicationIn,
    RequestIn,
    StepIn,
    OperationResult,
    HookFailure,
    SignalReceipt,
    AssessmentResult,
    Decision,
    Page,
    HouseholdSummary,
    EscalationSummary,
    AuditRecord,
    CaseFile,
    SubjectExport,
]


def fields_of(model: type) -> list[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return [field.name for field in dataclasses.fields(model)]


def documented_fields(name: str) -> list[str]:
    """The first column of the table under ``### name``."""
    text = ENGINE_MD.read_text(encoding="utf-8")
    section = re.search(
        rf"^### `?{re.escape(name)}`?\s*\n(.*?)(?=^#{{1,3}} |\Z)", text, re.M | re.S
    )
    assert section, f"docs/engine.md has no '### {name}' section"
    return re.findall(r"^\| `(\w+)` \|", section.group(1), re.M)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_of_a_model_is_documented(model: type) -> None:
    assert sorted(documented_fields(model.__name__)) == sorted(fields_of(model))


def test_every_rule_code_of_casework_md_appears() -> None:
    text = CASEWORK_MD.read_text(encoding="utf-8")
    table = text.split("## Rules the engine enforces", 1)[1].split("\n## ", 1)[0]
    codes = {
        code
        for row in re.findall(r"^\| ([^|]+) \|", table, re.M)
        for code in re.findall(r"`([\w-]+)`", row)
    }
    assert len(codes) > 40
    missing = sorted(code for code in codes if not _mentioned(code))
    assert not missing, f"docs/engine.md does not name the rules {missing}"


def test_a_resident_names_the_organisation_they_act_through() -> None:
    with pytest.raises(ValidationError, match="organisation"):
        Actor.model_validate(
            {"id": "burger-1", "role": "resident", "municipality": "GM0268", "household": 1}
        )
    Actor(
        id="burger-1",
        role="resident",
        municipality="GM0268",
        organisation="Mijn Nijmegen",
        household=1,
    )
    assert "organisation` | for a resident" in ENGINE_MD.read_text(encoding="utf-8")
