"""No inert setup field (issue 9, docs/architecture.md ADR 16): every field of every model
reachable from ``MunicipalitySetup`` says what reads it (``wijkteamkit.readers.READERS``), and
the module named reads it.

A new field without an entry fails with what to do; so does an entry whose reader is gone.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from functools import cache
from pathlib import Path

from pydantic import BaseModel

import wijkteamkit
from wijkteamkit.domain import MunicipalitySetup
from wijkteamkit.readers import DESCRIPTIVE, DOC, READERS, Reader, models_from, r, reader_of

SRC = Path(wijkteamkit.__file__).parent

PENDING: dict[str, str] = {}
"""Temporary: fields whose reader another helper of issue 9 is still building, with who. An
entry here is listed in ``READERS`` but its reader is not checked yet; remove it once it is."""


def setup_models() -> dict[type[BaseModel], list[str]]:
    """Every model reachable from ``MunicipalitySetup``, with its fields."""
    return models_from(MunicipalitySetup)


def setup_fields() -> list[tuple[type[BaseModel], str]]:
    return sorted(
        ((m, f) for m, fields in setup_models().items() for f in fields),
        key=lambda mf: (mf[0].__name__, mf[1]),
    )


@cache
def _tree(place: str) -> ast.AST:
    """The module (``engine/consent.py``) or the class or function in it
    (``cli/render.py:render_budgets``, ``domain/terms.py:StatutoryTerm.days``)."""
    module, _, qualname = place.partition(":")
    path = SRC / module
    assert path.is_file(), f"{place}: no module {module} under src/wijkteamkit"
    node: ast.AST = ast.parse(path.read_text(encoding="utf-8"))
    for name in filter(None, qualname.split(".")):
        found = [
            child
            for child in ast.walk(node)
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and child.name == name
        ]
        assert found, f"{place}: no {name} in {module}"
        node = found[0]
    return node


def _accesses(node: ast.AST, attribute: str) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == attribute for n in ast.walk(node))


def _names(node: ast.AST, text: str) -> bool:
    return any(isinstance(n, ast.Constant) and n.value == text for n in ast.walk(node))


def _method_reads(model: type[BaseModel], method: str, field: str) -> bool:
    """Whether ``model``'s method (or property) ``method`` reads ``.field``."""
    for klass in model.__mro__:
        member = vars(klass).get(method)
        if member is None:
            continue
        function = member.fget if isinstance(member, property) else member
        if isinstance(function, types.FunctionType):
            source = textwrap.dedent(inspect.getsource(function))
            return _accesses(ast.parse(source), field)
    return False


def missing_reads(model: type[BaseModel], field: str, reader: Reader) -> list[str]:
    """The places of ``reader`` that do not read ``model.field`` as it says they do."""
    wanted = reader.via or field
    problems = []
    for place in reader.where:
        tree = _tree(place)
        if not (_accesses(tree, wanted) or (reader.by_name and _names(tree, wanted))):
            problems.append(f"{place} has no .{wanted}")
    if reader.via and not _method_reads(model, reader.via, field):
        problems.append(f"{model.__name__}.{reader.via} does not read .{field}")
    return problems


def test_every_setup_field_says_what_reads_it() -> None:
    missing = [f"{m.__name__}.{f}" for m, f in setup_fields() if reader_of(m, f) is None]
    assert not missing, (
        f"setup field(s) with no entry in READERS (tests/test_setup_fields.py): "
        f"{', '.join(missing)}. A field must act: name the module that enforces it (engine), "
        "checks it (validation) or computes a report with it, and make that module read it; "
        "or remove the field (and every plugin, test and doc that sets it). See ADR 16 in "
        "docs/architecture.md."
    )


def test_every_entry_names_a_field_that_exists() -> None:
    fields = {f"{m.__name__}.{f}" for m, f in setup_fields()}
    wildcards = {f"{prefix}.{f.split('.')[1]}" for f in fields for prefix in ("Item", "*")}
    stale = sorted(set(READERS) - fields - wildcards)
    assert not stale, f"READERS lists fields that no setup model has: {', '.join(stale)}"
    assert set(PENDING) <= set(READERS), "every PENDING field has its entry in READERS"


def test_every_reader_reads_its_field() -> None:
    problems = []
    for model, field in setup_fields():
        found = reader_of(model, field)
        if found is None or found[0] in PENDING:
            continue
        name, reader = found
        for problem in missing_reads(model, field, reader):
            problems.append(f"{model.__name__}.{field} ({name}, {reader.how}): {problem}")
    assert not problems, "setup fields whose named reader does not read them:\n" + "\n".join(
        problems
    )


def test_pending_fields_are_still_pending() -> None:
    """A PENDING field whose reader now reads it leaves PENDING (the list only shrinks)."""
    done = []
    for name in PENDING:
        model_name, _, field = name.partition(".")
        models = [m for m in setup_models() if m.__name__ == model_name]
        if models and not missing_reads(models[0], field, READERS[name]):
            done.append(name)
    assert not done, f"read by now, remove from PENDING: {', '.join(done)}"


def test_documentation_stays_descriptive() -> None:
    other = sorted(
        name
        for name, reader in READERS.items()
        if reader.how == DOC and name.split(".")[1] not in DESCRIPTIVE
    )
    assert not other, (
        f"identity/documentation is for names, sources and descriptions, not for {other}: "
        "make the field act (engine, validation or a report) or remove it"
    )


def test_the_inventory_sees_nested_models() -> None:
    """The walk reaches models inside tuples, unions and discriminated unions."""
    names = {m.__name__ for m in setup_models()}
    assert {"Source", "SubArea", "TeamMember", "AllOf", "Flagged", "CostLine", "Bid"} <= names


def test_the_check_fails_a_reader_that_does_not_read() -> None:
    """The ast check is not vacuous: a module that never accesses the field fails, and so does
    a ``via`` method that does not read it."""
    from wijkteamkit.domain import Law, Neighbourhood

    assert missing_reads(Neighbourhood, "households", r("validation", "validation/laws.py"))
    assert not missing_reads(
        Neighbourhood, "households", r("validation", "validation/neighbourhoods.py")
    )
    assert missing_reads(Law, "successor", r("engine", "engine/consent.py", via="contains"))


def test_a_new_field_needs_an_entry() -> None:
    class Extended(MunicipalitySetup):
        flavour: str = "vanilla"

    assert reader_of(Extended, "flavour") is None
    assert reader_of(Extended, "teams") is None  # entries name the model they belong to
