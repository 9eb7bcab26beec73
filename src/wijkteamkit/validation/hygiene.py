"""Rules about the setup as a whole: duplicate keys, stray removals, missing sources."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain import KEYED_COLLECTIONS
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
