"""The merge by key on its own: layers, removals, duplicates and stray removals, without pluggy."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wijkteamkit.domain import Principle, Remove
from wijkteamkit.merge import Contribution, MergeIssue, merge

KEYS = st.sampled_from(["a", "b", "c", "d"])


def item(key: str, by: str = "x") -> Principle:
    return Principle(key=key, name=f"{key} by {by}", statement="s")


def test_a_more_specific_layer_replaces_an_item_and_keeps_its_place() -> None:
    merged = merge(
        {
            "principles": [
                Contribution(0, "national", [item("a"), item("b")]),
                Contribution(2, "town", [item("a", "town")]),
            ]
        }
    )
    assert [p.name for p in merged.collections["principles"]] == ["a by town", "b by x"]
    assert merged.origins == {"principles/a": "town", "principles/b": "national"}
    assert merged.issues == []


def test_a_removal_drops_a_lower_layers_item_and_its_origin() -> None:
    merged = merge(
        {
            "principles": [
                Contribution(0, "national", [item("a"), item("b")]),
                Contribution(2, "town", [Remove(remove="a")]),
            ]
        }
    )
    assert [p.key for p in merged.collections["principles"]] == ["b"]
    assert "principles/a" not in merged.origins


def test_removing_what_no_layer_supplied_is_reported() -> None:
    merged = merge({"principles": [Contribution(2, "town", [Remove(remove="z")])]})
    assert merged.issues == [MergeIssue("remove-unknown", "principles", "z", "town")]
    assert merged.collections["principles"] == ()


def test_a_key_twice_in_one_layer_is_reported_and_the_first_kept() -> None:
    merged = merge(
        {
            "principles": [
                Contribution(2, "town", [item("a", "first")]),
                Contribution(2, "other", [item("a", "second")]),
            ]
        }
    )
    assert merged.issues == [MergeIssue("duplicate-key", "principles", "a", "other", "town")]
    assert [p.name for p in merged.collections["principles"]] == ["a by first"]


def test_removing_then_re_adding_in_a_higher_layer_restores_the_item() -> None:
    merged = merge(
        {
            "principles": [
                Contribution(0, "national", [item("a")]),
                Contribution(1, "region", [Remove(remove="a")]),
                Contribution(3, "local", [item("a", "local")]),
            ]
        }
    )
    assert [p.name for p in merged.collections["principles"]] == ["a by local"]
    assert merged.origins == {"principles/a": "local"} and merged.issues == []


LAYERED = st.lists(
    st.tuples(st.integers(0, 3), st.lists(KEYS, unique=True, max_size=4)), max_size=6
)


@given(LAYERED)
def test_the_most_specific_layer_that_gives_a_key_wins_in_any_order(
    layers: list[tuple[int, list[str]]],
) -> None:
    contributions = [
        Contribution(layer, f"p{n}", [item(k, f"p{n}") for k in keys])
        for n, (layer, keys) in enumerate(layers)
    ]
    merged = merge({"principles": contributions})
    for key in {k for _, keys in layers for k in keys}:
        top = max(layer for layer, keys in layers if key in keys)
        winner = next(
            f"p{n}" for n, (layer, keys) in enumerate(layers) if layer == top and key in keys
        )
        assert merged.origins[f"principles/{key}"] == winner
    assert {p.key for p in merged.collections["principles"]} == {
        k for _, keys in layers for k in keys
    }


@given(st.integers(0, 3), KEYS, st.integers(2, 5))
def test_a_duplicate_in_one_layer_is_reported_once_per_extra_entry(
    layer: int, key: str, copies: int
) -> None:
    merged = merge(
        {"principles": [Contribution(layer, f"p{n}", [item(key)]) for n in range(copies)]}
    )
    assert [i.kind for i in merged.issues] == ["duplicate-key"] * (copies - 1)
    assert {i.other_plugin for i in merged.issues} == {"p0"}
    assert len(merged.collections["principles"]) == 1
