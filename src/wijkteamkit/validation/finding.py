"""Findings and the context a validation rule works in."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..domain import MunicipalitySetup
from ..domain.common import Model, Severity
from ..merge import MergeIssue


class Finding(Model):
    """One problem in a setup: how bad, which rule, where, what to do, and which plugin."""

    severity: Severity
    code: str
    municipality: str
    location: str
    message: str
    plugin: str


@dataclass(frozen=True)
class Check:
    """What a rule sees: the merged setup, the date checked, and what the merge noticed."""

    setup: MunicipalitySetup
    on: date
    issues: Sequence[MergeIssue] = ()

    def finding(self, severity: Severity, code: str, location: str, message: str) -> Finding:
        """A finding at ``location``, attributed to the plugin that supplied the item there."""
        return Finding(
            severity=severity,
            code=code,
            municipality=self.setup.code,
            location=location,
            message=message,
            plugin=self.plugin_of(location),
        )

    def plugin_of(self, location: str) -> str:
        """The plugin that supplied the item at ``location``, or the item containing it; for a
        setup-wide finding, the municipality plugin."""
        parts = location.split("/")
        for end in range(len(parts), 0, -1):
            origin = self.setup.origin("/".join(parts[:end]))
            if origin:
                return origin
        return self.setup.origin("municipality")


def describe(collection: str, key: str) -> str:
    """``team 'lindenholt'``: an item named by the singular of its collection and its key."""
    singular = "legal basis" if collection == "legal_bases" else collection[:-1].replace("_", " ")
    return f"{singular} {key!r}"


Rule = Callable[[Check], Iterable[Finding]]
"""A validation rule: yields the findings it has about a setup."""
