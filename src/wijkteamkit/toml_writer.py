"""Write a municipality's merged setup as a TOML plugin that reproduces it.

The file holds what the setup adds to or changes in the layers below the municipality (the
national defaults and the regions it names): every item that is new or differs, a
``{ remove = "KEY" }`` for every item of those layers the setup dropped, and the consent policy
if it differs. Loaded as the municipality's plugin on those layers, it gives the same setup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, get_args, get_origin

import tomli_w
from pydantic import BaseModel

from .domain import COLLECTIONS, MunicipalitySetup
from .domain.document import FORMAT_VERSION


def plugin_document(setup: MunicipalitySetup, below: MunicipalitySetup) -> dict[str, Any]:
    """The TOML plugin document that turns ``below`` into ``setup`` (a plain, TOML-ready dict)."""
    document: dict[str, Any] = {"format": FORMAT_VERSION, "municipality": plain(setup.municipality)}
    if setup.consent_policy != below.consent_policy:
        document["consent_policy"] = plain(setup.consent_policy)
    for collection in COLLECTIONS:
        lower = {item.key: item for item in getattr(below, collection.name)}
        merged = getattr(setup, collection.name)
        kept = {item.key for item in merged}
        entries: list[dict[str, Any]] = [{"remove": key} for key in lower if key not in kept]
        entries += [plain(item) for item in merged if lower.get(item.key) != item]
        if entries:
            document[collection.name] = entries
    return document


def dumps(setup: MunicipalitySetup, below: MunicipalitySetup) -> str:
    """:func:`plugin_document` as TOML text under a header comment saying what wrote it."""
    municipality = setup.municipality
    regions = ", ".join(municipality.regions) or "none"
    header = (
        f"# {municipality.name} ({municipality.code}) as a TOML plugin, written by\n"
        f"# `wijkteamkit show {municipality.code} --format toml`. Loaded as the municipality's\n"
        f"# plugin on the national defaults and its regions ({regions}), it gives the same\n"
        "# setup: what differs from those layers, and a removal for what the setup drops.\n"
        "# Do not edit a copy you regenerate; edit the plugins it comes from and run the command\n"
        "# again. Made the municipality's plugin, it is yours to edit (see docs/plugins.md).\n\n"
    )
    return header + tomli_w.dumps(plugin_document(setup, below))


def plain(value: Any) -> Any:
    """``value`` as TOML-ready data: models as tables without the fields left at their default
    (a discriminator such as ``kind`` is always kept), enums as their value, sets sorted."""
    if isinstance(value, BaseModel):
        return _fields(value)
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=_order)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or not isinstance(value, (str, int, float, Decimal, date)):
        raise ValueError(f"{value!r} has no TOML form")
    return value


def _fields(model: BaseModel) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        discriminator = (
            get_origin(field.annotation) is Literal and len(get_args(field.annotation)) == 1
        )
        if (
            not discriminator
            and not field.is_required()
            and value == field.get_default(call_default_factory=True)
        ):
            continue
        table[name] = plain(value)
    return table


def _order(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
