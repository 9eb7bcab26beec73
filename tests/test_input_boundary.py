"""Input at the model boundary: what the case models refuse, and that they refuse nothing else.

Every rule has a refused and an accepted case; a hypothesis suite throws malformed input of
every kind at the models and demands a pydantic ``ValidationError`` or a value within limits.
"""

from __future__ import annotations

import contextlib
import json
import math
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from wijkteamkit.domain.case import (
    AssessmentIn,
    ConsentIn,
    HouseholdIn,
    PersonIn,
    PlanAction,
    PlanGoal,
    PlanIn,
)
from wijkteamkit.domain.common import MAX_ENTRIES, MAX_LINE, MAX_TEXT, local_date
from wijkteamkit.domain.signal import Signal

AWARE = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)
NAIVE = datetime(2016, 3, 1, 9, 0)
BSN = "111222333"
OTHER_BSN = "123456782"


def person(**fields: Any) -> dict[str, Any]:
    return {"role": "head", "birth_date": date(1970, 5, 1), **fields}


def household(*members: dict[str, Any]) -> dict[str, Any]:
    return {"postcode": "1234 AB", "members": list(members) or [person()]}


def assessment(**fields: Any) -> dict[str, Any]:
    return {"scores": {"financien": 2}, "held_at": AWARE, **fields}


def consent(**fields: Any) -> dict[str, Any]:
    base = {
        "subject": 1,
        "purpose": "casework",
        "recipients": {"regieteam"},
        "scope": {"financien"},
        "valid_from": AWARE,
        "form": "written",
    }
    return {**base, **fields}


def signal(**fields: Any) -> dict[str, Any]:
    return {"reporter": "gp", "received_at": AWARE, **fields}


def plan(**fields: Any) -> dict[str, Any]:
    base = {
        "goals": [{"domain": "financien", "goal": "Schulden op orde"}],
        "actions": [
            {
                "description": "Budgetcursus",
                "domain": "financien",
                "actor": "self",
                "rung": "network",
            }
        ],
    }
    return {**base, **fields}


def refused(
    model: type[BaseModel], data: dict[str, Any], match: str | None = None
) -> ValidationError:
    with pytest.raises(ValidationError, match=match) as caught:
        model.model_validate(data)
    return caught.value


# --- datetimes: aware only -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "build", "field"),
    [
        (AssessmentIn, assessment, "held_at"),
        (ConsentIn, consent, "valid_from"),
        (ConsentIn, consent, "valid_to"),
        (Signal, signal, "received_at"),
    ],
)
def test_naive_datetimes_are_refused_aware_ones_accepted(
    model: type[BaseModel], build: Any, field: str
) -> None:
    refused(model, build(**{field: NAIVE}), "timezone")
    refused(model, build(**{field: "2016-03-01T09:00:00"}), "timezone")
    later = AWARE + timedelta(days=30) if field == "valid_to" else AWARE
    accepted = model.model_validate(
        build(**{field: later.astimezone(timezone(timedelta(hours=1)))})
    )
    assert getattr(accepted, field).utcoffset() == timedelta(hours=1)


# --- plausible dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "build", "field"),
    [
        (AssessmentIn, assessment, "held_at"),
        (ConsentIn, consent, "valid_from"),
        (Signal, signal, "received_at"),
    ],
)
def test_events_before_1900_or_from_2200_are_refused(
    model: type[BaseModel], build: Any, field: str
) -> None:
    refused(model, build(**{field: datetime(1899, 12, 31, 23, 59, tzinfo=UTC)}), "before 1900")
    refused(model, build(**{field: datetime(2200, 1, 1, tzinfo=UTC)}), "2200-01-01")
    refused(model, build(**{field: "0001-01-01T00:00:00+01:00"}), "before 1900")
    refused(model, build(**{field: "9999-12-31T23:59:59-23:59"}), "2200")
    model.model_validate(build(**{field: datetime(1900, 1, 1, tzinfo=UTC)}))
    # the local date counts: 1900-01-01 00:30 in Amsterdam is 1899 in UTC, and still accepted
    model.model_validate(build(**{field: "1900-01-01T00:30:00+01:00"}))


def test_a_consent_may_run_into_the_future_but_not_past_2200() -> None:
    assert ConsentIn.model_validate(consent(valid_to=datetime(2199, 12, 31, tzinfo=UTC)))
    refused(ConsentIn, consent(valid_to=datetime(2200, 1, 1, tzinfo=UTC)), "2200")


def test_birth_dates_before_1900_or_in_the_future_are_refused() -> None:
    refused(PersonIn, person(birth_date=date(1899, 12, 31)), "before 1900")
    today = local_date(datetime.now(UTC))
    refused(PersonIn, person(birth_date=today + timedelta(days=1)), "future")
    assert PersonIn.model_validate(person(birth_date=date(1900, 1, 1)))
    assert PersonIn.model_validate(person(birth_date=today))


# --- control characters and lengths ----------------------------------------------------------

LINES: list[tuple[type[BaseModel], Any]] = [
    (PersonIn, lambda v: person(name=v)),
    (AssessmentIn, lambda v: assessment(network=[v])),
    (AssessmentIn, lambda v: assessment(informal_carers=[v])),
    (ConsentIn, lambda v: consent(purpose=v)),
    (ConsentIn, lambda v: consent(recipients={v})),
]
TEXTS: list[tuple[type[BaseModel], Any]] = [
    (Signal, lambda v: signal(summary=v)),
    (AssessmentIn, lambda v: assessment(notes={"financien": v})),
    (PlanGoal, lambda v: {"domain": "financien", "goal": v}),
    (
        PlanAction,
        lambda v: {"description": v, "domain": "financien", "actor": "self", "rung": "network"},
    ),
    (PlanIn, lambda v: plan(ladder_considerations={"network": v})),
]


@pytest.mark.parametrize(("model", "build"), LINES + TEXTS)
@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1b", "\x7f", "\x0b"])
def test_control_characters_are_refused_in_any_text(
    model: type[BaseModel], build: Any, bad: str
) -> None:
    error = refused(model, build(f"Jan{bad}Jansen"), f"U\\+{ord(bad):04X}")
    assert "Jansen" not in str(error)


@pytest.mark.parametrize(("model", "build"), LINES)
def test_one_line_texts_refuse_a_newline_and_accept_plain_text(
    model: type[BaseModel], build: Any
) -> None:
    refused(model, build("Jan\nJansen"), "U\\+000A")
    assert model.model_validate(build("Jan Jansen-de Vries"))


@pytest.mark.parametrize(("model", "build"), TEXTS)
def test_free_texts_accept_newlines_and_tabs(model: type[BaseModel], build: Any) -> None:
    assert model.model_validate(build("Zorgen:\r\n\t- schulden\n\t- huur"))


@pytest.mark.parametrize(
    ("model", "build", "limit"),
    [(m, b, MAX_LINE) for m, b in LINES] + [(m, b, MAX_TEXT) for m, b in TEXTS],
)
def test_text_is_limited_in_length(model: type[BaseModel], build: Any, limit: int) -> None:
    refused(model, build("x" * (limit + 1)), f"at most {limit}")
    refused(model, build("x" * 1_000_000), f"at most {limit}")
    assert model.model_validate(build("x" * limit))


@pytest.mark.parametrize(
    ("model", "build"),
    [
        (AssessmentIn, lambda n: assessment(network=[f"buur {i}" for i in range(n)])),
        (
            AssessmentIn,
            lambda n: assessment(informal_carers=[f"mantelzorger {i}" for i in range(n)]),
        ),
        (AssessmentIn, lambda n: assessment(indicators={f"i{i}" for i in range(n)})),
        (AssessmentIn, lambda n: assessment(scores={f"d{i}": 3 for i in range(n)})),
        (AssessmentIn, lambda n: assessment(notes={f"d{i}": "tekst" for i in range(n)})),
        (ConsentIn, lambda n: consent(recipients={f"r{i}" for i in range(n)})),
        (ConsentIn, lambda n: consent(scope={f"d{i}" for i in range(n)})),
        (Signal, lambda n: signal(indicators={f"i{i}" for i in range(n)})),
        (HouseholdIn, lambda n: household(*[person(role="child") for _ in range(n)])),
        (PlanIn, lambda n: plan(goals=[{"domain": "financien", "goal": "g"}] * n)),
    ],
)
def test_lists_hold_at_most_50_entries(model: type[BaseModel], build: Any) -> None:
    refused(model, build(MAX_ENTRIES + 1), "at most 50")
    assert model.model_validate(build(MAX_ENTRIES))


def test_keys_are_limited_to_80_characters() -> None:
    refused(AssessmentIn, assessment(scores={"d" * 81: 3}), "at most 80")
    assert AssessmentIn.model_validate(assessment(scores={"d" * 80: 3}))


def test_postcodes_are_normalised_and_checked_in_signals_too() -> None:
    assert Signal.model_validate(signal(postcode="1234 ab")).postcode == "1234AB"
    refused(Signal, signal(postcode="1234\x00AB"), "postcode")
    refused(HouseholdIn, {**household(), "postcode": "x" * 10_000}, "postcode")


# --- scores ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [True, False, 2.0, "3", 0, 6, -1, None, 3.5, float("nan")])
def test_scores_are_strict_integers_1_to_5(bad: object) -> None:
    refused(AssessmentIn, assessment(scores={"financien": bad}))


@pytest.mark.parametrize("bad", ["true", "2.0", '"3"', "0", "6", "1e0"])
def test_scores_are_strict_in_json_too(bad: str) -> None:
    text = f'{{"scores": {{"financien": {bad}}}, "held_at": "2016-03-01T09:00:00Z"}}'
    with pytest.raises(ValidationError):
        AssessmentIn.model_validate_json(text)


@pytest.mark.parametrize("good", [1, 2, 3, 4, 5])
def test_every_score_1_to_5_is_accepted(good: int) -> None:
    assert AssessmentIn.model_validate(assessment(scores={"financien": good})).scores == {
        "financien": good
    }
    text = f'{{"scores": {{"financien": {good}}}, "held_at": "2016-03-01T09:00:00Z"}}'
    assert AssessmentIn.model_validate_json(text).scores["financien"] == good


def test_consent_subject_is_a_strict_integer() -> None:
    refused(ConsentIn, consent(subject=True))
    refused(ConsentIn, consent(subject="7"))
    assert ConsentIn.model_validate(consent(subject=7)).subject == 7


# --- BSN once per household ------------------------------------------------------------------


def test_a_bsn_appears_once_per_household_and_the_error_does_not_repeat_it() -> None:
    error = refused(
        HouseholdIn,
        household(person(bsn=BSN, name="Jan"), person(role="partner", bsn="111 222 333")),
        "members 1 and 2 have the same BSN",
    )
    assert BSN not in str(error) and "Jan" not in str(error)
    both = HouseholdIn.model_validate(
        household(person(bsn=BSN), person(role="partner", bsn=OTHER_BSN), person(role="child"))
    )
    assert both.bsns == {BSN, OTHER_BSN}


def test_errors_never_repeat_the_value_given() -> None:
    error = refused(PersonIn, person(name="Jan\x00Jansen", bsn="123456789"))
    assert "Jansen" not in str(error) and "123456789" not in str(error)
    assert "name" in str(error) and "bsn" in str(error)


# --- hypothesis: malformed input of every kind -----------------------------------------------

ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=23, minutes=59))]
)
JUNK_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(alphabet=st.characters(max_codepoint=0x20), max_size=5),
    st.text(alphabet=st.sampled_from("ab \x00\x01\x0b\x1b\x7f\n\t"), min_size=1, max_size=6),
    st.sampled_from([True, False, 2.0, 3.0, "3", 1e300, -0.0]),
    st.text(min_size=MAX_TEXT - 2, max_size=MAX_TEXT + 2, alphabet="ab\x00"),
    st.binary(max_size=10),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=ZONES),
    st.times(),
    st.timedeltas(),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "1234AB",
            "1234 ab",
            BSN,
            "financien",
            "gp",
            "head",
            "self",
            "network",
            "written",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-23:59",
            "2016-03-01T09:00:00",
            "2016-03-01T09:00:00Z",
            "1899-12-31",
            "9999-12-31",
            math.inf,
            -0.0,
            2**63,
        ]
    ),
)
JUNK = st.recursive(
    JUNK_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.frozensets(st.text(max_size=5) | st.integers(), max_size=4),
        st.dictionaries(st.text(max_size=10), inner, max_size=4),
    ),
    max_leaves=12,
)

VALID: dict[type[BaseModel], dict[str, Any]] = {
    PersonIn: person(name="Jan", bsn=BSN),
    HouseholdIn: household(person(bsn=BSN)),
    AssessmentIn: assessment(indicators={"schulden"}, network=["buur"], notes={"financien": "x"}),
    PlanGoal: {"domain": "financien", "goal": "g"},
    PlanAction: {"description": "d", "domain": "financien", "actor": "self", "rung": "network"},
    PlanIn: plan(ladder_considerations={"network": "omdat"}),
    ConsentIn: consent(valid_to=AWARE + timedelta(days=1)),
    Signal: signal(postcode="1234AB", indicators={"schulden"}, summary="zorgen"),
}


@st.composite
def mangled(draw: st.DrawFn, model: type[BaseModel]) -> dict[str, Any]:
    """A valid input with some fields replaced by junk, some dropped and some added."""
    data = dict(VALID[model])
    for field in draw(st.lists(st.sampled_from(sorted(model.model_fields)), max_size=4)):
        action = draw(st.sampled_from(["junk", "junk", "drop", "nest"]))
        if action == "drop":
            data.pop(field, None)
        elif action == "nest" and isinstance(data.get(field), list | tuple | set | frozenset):
            data[field] = [*data[field], draw(JUNK)]
        elif action == "nest" and isinstance(data.get(field), dict):
            key = draw(st.sampled_from(["financien", "schulden", "x"]) | st.text(max_size=5))
            data[field] = {**data[field], key: draw(JUNK)}
        else:
            data[field] = draw(JUNK)
    if draw(st.booleans()):
        data[draw(st.text(max_size=8))] = draw(JUNK)
    return data


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, BaseModel):
        return _texts(dict(value))
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _texts(k) + _texts(v)]
    if isinstance(value, list | tuple | set | frozenset):
        return [t for v in value for t in _texts(v)]
    return []


def _datetimes(value: object) -> list[datetime]:
    if isinstance(value, datetime):
        return [value]
    if isinstance(value, BaseModel):
        return _datetimes(list(dict(value).values()))
    if isinstance(value, list | tuple):
        return [d for v in value for d in _datetimes(v)]
    return []


def _within_limits(accepted: BaseModel) -> None:
    for text in _texts(accepted):
        assert len(text) <= MAX_TEXT
        assert not any((ord(c) < 0x20 and c not in "\t\n\r") or c == "\x7f" for c in text)
    for moment in _datetimes(accepted):
        assert moment.utcoffset() is not None
        assert datetime(1900, 1, 1) <= moment.replace(tzinfo=None) < datetime(2200, 1, 1)
        moment.astimezone(UTC)  # storable as UTC
    json.loads(accepted.model_dump_json())  # and serialisable


@pytest.mark.parametrize("model", list(VALID), ids=lambda m: m.__name__)
def test_valid_examples_are_valid(model: type[BaseModel]) -> None:
    _within_limits(model.model_validate(VALID[model]))


@pytest.mark.parametrize("model", list(VALID), ids=lambda m: m.__name__)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_malformed_input_raises_validation_error_and_nothing_else(
    model: type[BaseModel], data: st.DataObject
) -> None:
    payload = data.draw(mangled(model))
    try:
        accepted = model.model_validate(payload)
    except ValidationError:
        return
    _within_limits(accepted)
    if isinstance(accepted, AssessmentIn):  # scores were given as integers, not coerced
        assert all(type(v) is int for v in payload["scores"].values())


@pytest.mark.parametrize("model", list(VALID), ids=lambda m: m.__name__)
@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=200) | st.from_regex(r'\{"[a-z_]{1,12}": .{0,40}\}', fullmatch=True))
def test_malformed_json_raises_validation_error_and_nothing_else(
    model: type[BaseModel], text: str
) -> None:
    try:
        accepted = model.model_validate_json(text)
    except ValidationError:
        return
    _within_limits(accepted)


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(timezones=st.none() | ZONES | st.timezones()),
    day=st.dates(),
)
def test_any_datetime_or_date_is_either_refused_or_plausible(moment: datetime, day: date) -> None:
    cases: list[tuple[type[BaseModel], dict[str, Any]]] = [
        (Signal, signal(received_at=moment)),
        (ConsentIn, consent(valid_to=moment)),
        (PersonIn, person(birth_date=day)),
        (AssessmentIn, assessment(held_at=datetime.combine(day, time(), tzinfo=UTC))),
    ]
    for model, data in cases:
        with contextlib.suppress(ValidationError):
            _within_limits(model.model_validate(data))


@settings(max_examples=300, deadline=None)
@given(value=JUNK | st.integers(min_value=-1, max_value=7))
def test_a_score_is_accepted_exactly_when_it_is_an_integer_1_to_5(value: object) -> None:
    expected = type(value) is int and 1 <= value <= 5
    try:
        AssessmentIn.model_validate(assessment(scores={"financien": value}))
    except ValidationError:
        assert not expected
    else:
        assert expected
