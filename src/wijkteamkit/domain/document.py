"""A declarative plugin as one document: the data every configuration hook could return.

A TOML plugin file is this document. ``[municipality]`` makes it a municipality plugin (without
it the file adds to or corrects the layers below it); each collection of the setup is an array
of tables named after the collection (``[[teams]]``), whose entries are items or removal markers
(``{ remove = "key" }``); ``[consent_policy]`` replaces the consent policy.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, create_model

from .common import Model, Remove
from .consent import ConsentPolicy
from .municipality import Municipality
from .setup import COLLECTIONS

FORMAT_VERSION = 1
"""The version of the declarative plugin format; a document may name it as ``format``."""


class _DocumentBase(Model):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        defer_build=True,  # built when the schema is asked for; loading validates per entry
        title="wijkteamkit plugin",
        json_schema_extra={
            "description": "A wijkteamkit plugin written as data (TOML): the municipality, "
            "its collections of keyed items (each an array of tables; {remove = KEY} drops an "
            "item a lower layer supplied) and its consent policy. See docs/reference.md."
        },
    )

    format: int = Field(
        default=FORMAT_VERSION,
        ge=FORMAT_VERSION,
        le=FORMAT_VERSION,
        description="The version of the plugin format (1).",
    )
    municipality: Municipality | None = Field(
        default=None,
        description="Makes the file a municipality plugin for this municipality; leave it out "
        "to add to or correct the layers below.",
    )
    consent_policy: ConsentPolicy | None = Field(
        default=None, description="Replaces the consent policy of the layers below."
    )


def _collection_fields() -> dict[str, Any]:
    return {
        collection.name: (
            list[collection.model | Remove],  # type: ignore[name-defined]
            Field(
                default_factory=list,
                description=f"Items of {collection.hook}, merged by key; "
                '{ remove = "KEY" } drops one from a lower layer.',
            ),
        )
        for collection in COLLECTIONS
    }


PluginDocument: type[_DocumentBase] = create_model(
    "PluginDocument", __base__=_DocumentBase, **_collection_fields()
)
"""The model of a declarative plugin document; its JSON Schema is ``wijkteamkit schema``.

Built from :data:`~wijkteamkit.domain.setup.COLLECTIONS`, so a new collection appears here (and
in the schema) without a change to this module."""
