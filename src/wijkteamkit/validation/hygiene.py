"""Rules about the setup as a whole: duplicate keys, stray removals, missing and illustrative
sources."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from ..domain import KEYED_COLLECTIONS, MunicipalitySetup, Source
from .finding import Check, Finding, describe


def duplicate_keys(check: Check) -> Iterator[Finding]:
    """Two items with the same key in one layer: which one counts would be arbitrary."""
    for issue in check.issues:
        if issue.kind != "duplicate-key":
            continue
        yield check.finding(
            "error",
            "duplicate-key",
            f"{issue.collection}/{issue.key}",
            f"key {issue.key!r} is supplied twice in one layer (by {issue.other_plugin}"
            f" and by {issue.plugin}); the second was ignored. Give one of them another key.",
        ).model_copy(update={"plugin": issue.plugin})


def stray_removals(check: Check) -> Iterator[Finding]:
    """A Remove marker for a key that no less specific layer supplied."""
    for issue in check.issues:
        if issue.kind != "remove-unknown":
            continue
        yield check.finding(
            "warning",
            "remove-unknown",
            f"{issue.collection}/{issue.key}",
            f"removes {issue.key!r} from {issue.collection}, but no earlier layer supplied it; "
            "check the key or drop the Remove.",
        ).model_copy(update={"plugin": issue.plugin})


def missing_sources(check: Check) -> Iterator[Finding]:
    """Every item should cite its source (document and section) or say it is illustrative."""
    setup = check.setup
    if setup.municipality.source is None:
        yield check.finding(
            "warning",
            "missing-source",
            "municipality",
            "the municipality has no source; cite the council decision it rests on.",
        )
    for collection in KEYED_COLLECTIONS:
        for item in getattr(setup, collection):
            if item.source is None:
                yield check.finding(
                    "warning",
                    "missing-source",
                    f"{collection}/{item.key}",
                    f"{describe(collection, item.key)} has no source; add "
                    "Source(document=..., section=...) or mark it illustrative.",
                )


def illustrative_items(check: Check) -> Iterator[Finding]:
    """Every item (or part of one) whose source is marked illustrative: made-up data that a
    municipality must replace with its own. One finding per item and note; run by
    ``validate --strict`` (:data:`wijkteamkit.validation.STRICT_RULES`)."""
    for location, what, value in _items(check.setup):
        by_note: dict[str, list[str]] = {}
        for path, source in _illustrative_sources(value, ""):
            by_note.setdefault(source.note or "", []).append(path)
        for note, paths in by_note.items():
            parts = [p for p in paths if p]
            where = f"{location}/{parts[0]}" if len(paths) == 1 and parts else location
            said = (
                f"invented: {note}"
                if note
                else "the source does not say what was invented; add a note"
            )
            yield check.finding(
                "warning",
                "illustrative",
                where,
                f"{_subject(what, parts, whole=len(parts) < len(paths))} illustrative, {said}. "
                "Replace it with your municipality's own data and cite the document it comes from.",
            )


def _subject(what: str, parts: list[str], whole: bool) -> str:
    """``team 'x' is``, ``team 'x' and its leader are``, ``the leader of team 'x' is``."""
    listed = ", ".join(parts)
    if whole:
        return f"{what} and its {listed} are" if parts else f"{what} is"
    return f"the {listed} of {what} {'is' if len(parts) == 1 else 'are'}"


def _items(setup: MunicipalitySetup) -> Iterator[tuple[str, str, BaseModel]]:
    """Each part of the setup that a plugin supplies whole: its location, name and value (the
    items of every keyed collection, and single parts such as the municipality)."""
    for name in type(setup).model_fields:
        value = getattr(setup, name)
        if name in KEYED_COLLECTIONS:
            for item in value:
                yield f"{name}/{item.key}", describe(name, item.key), item
        elif isinstance(value, BaseModel):
            yield name, f"the {name.replace('_', ' ')}", value


def _illustrative_sources(value: object, path: str) -> Iterator[tuple[str, Source]]:
    """``(path, source)`` for every illustrative Source in ``value``; the path names the part
    that cites it (``""`` for ``value`` itself, ``leader``, ``members/2``)."""
    if isinstance(value, Source):
        if value.illustrative:
            yield ("" if path == "source" else path.removesuffix("/source")), value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _illustrative_sources(getattr(value, name), _join(path, name))
    elif isinstance(value, tuple | list):
        for i, element in enumerate(value):
            yield from _illustrative_sources(element, _join(path, str(i)))


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name
