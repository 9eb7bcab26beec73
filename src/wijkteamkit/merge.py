"""The merge by key: layered contributions of items and removals become one collection.

Pure data in, data out (no plugin manager): each collection gets an ordered list of
:class:`Contribution` s, least specific layer first. A more specific layer replaces an item of
the same key, or removes it with a :class:`~wijkteamkit.domain.Remove`; within one layer a key
may be given once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .domain import Item, Remove


@dataclass(frozen=True)
class Contribution:
    """What one plugin returned for one collection: its layer, its name, items and removals."""

    layer: int
    plugin: str
    entries: Sequence[Item | Remove]


@dataclass(frozen=True)
class MergeIssue:
    """Something the merge noticed: two items with one key in one layer, or a stray removal."""

    kind: Literal["duplicate-key", "remove-unknown"]
    collection: str
    key: str
    plugin: str
    other_plugin: str | None = None


@dataclass
class Merged:
    """The merged collections, where each item came from (``collection/key``), and the issues."""

    collections: dict[str, tuple[Item, ...]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    issues: list[MergeIssue] = field(default_factory=list)


def merge(contributions: Mapping[str, Sequence[Contribution]]) -> Merged:
    """Merge each collection's contributions by key; a higher layer wins, in any given order.

    Contributions of one layer apply in the order given. The first entry of a key in a layer
    counts; a later one of the same layer is reported once per extra entry as
    ``duplicate-key`` and ignored. Removing a key no lower layer supplied is
    ``remove-unknown``.
    """
    merged = Merged()
    for collection, given in contributions.items():
        items: dict[str, Item] = {}
        first_in_layer: dict[tuple[int, str], str] = {}
        for contribution in sorted(given, key=lambda c: c.layer):
            for entry in contribution.entries:
                key = entry.remove if isinstance(entry, Remove) else entry.key
                earlier = first_in_layer.get((contribution.layer, key))
                if earlier is not None:
                    merged.issues.append(
                        MergeIssue("duplicate-key", collection, key, contribution.plugin, earlier)
                    )
                    continue
                first_in_layer[(contribution.layer, key)] = contribution.plugin
                origin = f"{collection}/{key}"
                if isinstance(entry, Remove):
                    if items.pop(key, None) is None:
                        merged.issues.append(
                            MergeIssue("remove-unknown", collection, key, contribution.plugin)
                        )
                    merged.origins.pop(origin, None)
                else:
                    items[key] = entry
                    merged.origins[origin] = contribution.plugin
        merged.collections[collection] = tuple(items.values())
    return merged
