"""The meaning of each setup field, read from its attribute docstring when a document needs it.

The models document each field with a docstring under it. Pydantic could copy those into the
fields' descriptions (``use_attribute_docstrings``), but it reads and parses every model's source
while the class is built: about a third of the start-up of ``wijkteamkit validate``. The JSON
Schema and the reference read them here instead, only when they are generated.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache
from typing import Any

from pydantic import BaseModel


@cache
def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """Each field's docstring in ``model`` and its bases (a subclass's wins), cleaned."""
    docs: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        if klass is BaseModel or not (isinstance(klass, type) and issubclass(klass, BaseModel)):
            continue
        docs.update(_own_docs(klass))
    return docs


def _own_docs(klass: type) -> dict[str, str]:
    try:
        source = textwrap.dedent(inspect.getsource(klass))
    except (OSError, TypeError):  # built at run time (create_model): no source to read
        return {}
    body = ast.parse(source).body[0]
    if not isinstance(body, ast.ClassDef):
        return {}
    docs: dict[str, str] = {}
    for node, following in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = inspect.cleandoc(following.value.value)
    return docs


def description(model: type[BaseModel], field: str) -> str:
    """The field's description: its ``Field(description=...)``, else its docstring."""
    info = model.model_fields[field]
    return info.description or field_docs(model).get(field, "")


def describe_schema(schema: dict[str, Any], models: dict[str, type[BaseModel]]) -> None:
    """Give every property of ``schema``'s definitions (``$defs``, named after the models in
    ``models``) the description of its field, where it has none."""
    for name, definition in schema.get("$defs", {}).items():
        model = models.get(name)
        if model is None:
            continue
        for field, prop in definition.get("properties", {}).items():
            text = description(model, field) if field in model.model_fields else ""
            if text and "description" not in prop:
                prop["description"] = text
