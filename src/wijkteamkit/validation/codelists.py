"""Rules about codes that must come from a national code list."""

from __future__ import annotations

from collections.abc import Iterator

from ..defaults.codelists import IWMO_CATEGORIES, IWMO_SOURCE
from .finding import Check, Finding


def iwmo_categories(check: Check) -> Iterator[Finding]:
    """A provision's ``iwmo_category`` is a product category of WMO020."""
    for provision in check.setup.provisions:
        code = provision.iwmo_category
        if code is None or code in IWMO_CATEGORIES:
            continue
        yield check.finding(
            "error",
            "iwmo-category",
            f"provisions/{provision.key}",
            f"provision {provision.key!r} has iWmo product category {code!r}, which is not in "
            f"{IWMO_SOURCE.document} (01-18, e.g. 02 Begeleiding, 07 Dagbesteding, "
            "15 Beschermd wonen); use the category of the product, or leave iwmo_category out.",
        )
