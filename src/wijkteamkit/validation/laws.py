"""Rules about laws: a law with a successor ends, and its successor takes over the next day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from ..domain import Law
from .finding import Check, Finding


def law_successors(check: Check) -> Iterator[Finding]:
    """A law that names a successor has an end, and the successor is in force from the day after
    (the AWBZ ends on 31 December 2014 and the Wlz starts on 1 January 2015)."""
    laws = {law.key: law for law in check.setup.laws}
    for law in check.setup.laws:
        successor = laws.get(law.successor) if law.successor else None
        if not isinstance(successor, Law):
            continue  # no successor, or an unknown one (reported as unknown-reference)
        where = f"laws/{law.key}/successor"
        if law.valid_to is None:
            yield check.finding(
                "error",
                "law-successor",
                where,
                f"law {law.key!r} names successor {successor.key!r} but never ends; give its "
                "valid_to (the day before the successor comes into force).",
            )
            continue
        takes_over = law.valid_to + timedelta(days=1)
        if successor.valid_from != takes_over:
            starts = successor.valid_from or "always"
            yield check.finding(
                "error",
                "law-successor",
                where,
                f"law {law.key!r} ends on {law.valid_to} but its successor {successor.key!r} is "
                f"in force from {starts}, not {takes_over}; correct either date or the successor.",
            )
