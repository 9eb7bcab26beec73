"""Loading one municipality for a command, with one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .common import fail

if TYPE_CHECKING:
    from ..loading import LoadedMunicipality


def load_one(municipality: str, plugin_files: list[Path] | None) -> LoadedMunicipality:
    """The :class:`~wijkteamkit.loading.LoadedMunicipality`, or a one-line error and exit 2."""
    from ..loading import UnknownMunicipality, load

    try:
        report = load([municipality], plugin_files or [])
    except UnknownMunicipality as exc:
        fail(str(exc), kind="unknown-municipality")
    if not report.loaded or report.errors:
        fail("could not load the setup: " + "; ".join(str(e) for e in report.errors), kind="load")
    return report.loaded[0]
