"""What a field of a read model reveals, and cutting a read down to the domains granted.

A read is a disclosure. Every field of a read model carries a tag (``Annotated[T, tag]``) saying
which life domains its value reveals; :func:`redact` keeps only what the granted domains cover.
A field without a tag makes :func:`redact` raise, so a forgotten tag fails closed instead of
leaking. The tags:

* :data:`NOTHING` -- ids, states and dates that reveal no life domain;
* :data:`EVERYTHING` -- identity and free text (names, BSNs, a signal's summary): kept only when
  every domain is granted;
* :class:`Domains` -- a fixed set, e.g. the network's names reveal the social-network domain;
* :data:`BY_DOMAIN` -- a mapping keyed by life domain (scores, notes): only granted keys are kept;
* :data:`OWN` -- one or more nested views that each carry their own ``reveals`` set (a goal, an
  escalation): a view is kept when all it reveals is granted, and is then redacted in turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class Tag:
    """How a field's value is disclosed; see the module docstring."""

    kind: str
    domains: frozenset[str] = frozenset()


NOTHING = Tag("nothing")
EVERYTHING = Tag("everything")
BY_DOMAIN = Tag("by_domain")
OWN = Tag("own")


def Domains(*domains: str) -> Tag:
    """A fixed set of life domains the field reveals."""
    return Tag("domains", frozenset(domains))


class View(BaseModel):
    """Base of every read model: immutable, every field tagged."""

    model_config = ConfigDict(frozen=True, extra="forbid")


V = TypeVar("V", bound=View)


def tag_of(model: type[BaseModel], field: str) -> Tag:
    """The tag of ``model.field``; raises :class:`TypeError` when it has none (fail closed)."""
    tags = [m for m in model.model_fields[field].metadata if isinstance(m, Tag)]
    if len(tags) != 1:
        raise TypeError(
            f"{model.__name__}.{field} must carry exactly one disclosure tag "
            "(NOTHING, EVERYTHING, Domains(...), BY_DOMAIN or OWN)"
        )
    return tags[0]


def redact(view: V, granted: frozenset[str] | None, universe: frozenset[str]) -> V:
    """``view`` as far as ``granted`` covers it; ``None`` grants everything.

    ``universe`` is every life domain of the setup: :data:`EVERYTHING` is kept only when all of
    them are granted.
    """
    if granted is None:
        return view
    update: dict[str, Any] = {}
    for name in type(view).model_fields:
        tag = tag_of(type(view), name)
        value = getattr(view, name)
        if tag is NOTHING:
            if _holds_views(value):
                raise TypeError(f"{type(view).__name__}.{name} holds views: tag it OWN")
            continue
        if tag is EVERYTHING or tag.kind == "domains":
            needed = universe if tag is EVERYTHING else tag.domains
            if not needed <= granted:
                update[name] = _empty(type(view), name)
        elif tag is BY_DOMAIN:
            assert isinstance(value, Mapping)
            update[name] = {k: v for k, v in value.items() if k in granted}
        elif tag is OWN:
            update[name] = _own(value, granted, universe)
        else:  # pragma: no cover - Tag instances come only from this module
            raise TypeError(f"unknown tag {tag!r}")
    return view.model_copy(update=update)


def _own(value: Any, granted: frozenset[str], universe: frozenset[str]) -> Any:
    if value is None:
        return None
    if isinstance(value, tuple):
        return tuple(
            redact(item, granted, universe) for item in value if _revealed(item) <= granted
        )
    return redact(value, granted, universe) if _revealed(value) <= granted else None


def _holds_views(value: Any) -> bool:
    if isinstance(value, View):
        return True
    return isinstance(value, tuple) and any(isinstance(v, View) for v in value)


def _revealed(item: Any) -> frozenset[str]:
    reveals = getattr(item, "reveals", None)
    if not isinstance(reveals, frozenset):
        raise TypeError(f"{type(item).__name__} is tagged OWN but has no 'reveals' set")
    return reveals


def _empty(model: type[BaseModel], field: str) -> Any:
    info = model.model_fields[field]
    if info.is_required():
        raise TypeError(f"{model.__name__}.{field} can be withheld, so it needs a default")
    return info.get_default(call_default_factory=True)
