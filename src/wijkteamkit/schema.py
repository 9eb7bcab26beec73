"""The JSON Schema of the TOML plugin format, for editors and for checking plugin files."""

from __future__ import annotations

import json
from typing import Any

from .domain.document import FORMAT_VERSION, PluginDocument
from .fielddocs import describe_schema
from .readers import models_from

DRAFT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect the schema is written in."""


def plugin_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :class:`~wijkteamkit.domain.PluginDocument`.

    Generated from the model in validation mode, so it accepts what loading accepts; each
    property carries its field's docstring as description; the title names the format's version.
    """
    schema = PluginDocument.model_json_schema(mode="validation")
    describe_schema(schema, {m.__name__: m for m in models_from(PluginDocument)})
    title = f"{schema.pop('title')} (format {FORMAT_VERSION})"
    return {"$schema": DRAFT, "title": title, **schema}


def schema_text() -> str:
    """:func:`plugin_schema` as the text ``wijkteamkit schema`` prints: indented, keys in the
    model's order, ending in a newline."""
    return json.dumps(plugin_schema(), indent=2, ensure_ascii=False) + "\n"
