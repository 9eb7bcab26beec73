"""Screening the whole caseload: the open households an escalation rule fires for, per team,
where no escalation to that rule's target is open and that target accepts the household.

A read of case data. For every open household with an assessment, the rules are evaluated on
what :meth:`record_assessment` would evaluate them on: the latest assessment's scores, and its
indicators together with every indicator of the household's signals; a target's ``accepts``
is judged on the same facts, as :func:`~.proposals.propose` judges it. Evaluation is columnar
(:meth:`~wijkteamkit.domain.escalation.EscalationRule.mask` over an
:class:`~wijkteamkit.domain.escalation.AssessmentTable`); the rows come from a few set-based
SQLAlchemy Core queries per chunk of households, so memory stays bounded however large the
caseload. See docs/screening.md.

Who may screen: an auditor (municipality-wide) sees every team, a team leader their own team;
anyone else is refused. The screening is audited as one entry holding counts only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Integer, and_, column, func, or_, select, true, union
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import Session

from ..domain.case import Actor, Role
from ..domain.common import LOCAL_ZONE, local_date
from ..domain.escalation import NOT_SCORED, AssessmentTable, Condition, EscalationRule
from ..store import tenancy
from ..store.tables import AssessmentRow, EscalationRow, HouseholdRow, SignalRow
from .context import Context
from .dberrors import translate
from .proposals import ordered

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from .casework import Casework

CHUNK = 20_000
"""Households per chunk: the unit of reading and of columnar evaluation."""

SCREENED = "caseload.screened"
"""The audit action of a screening."""

_HOUSEHOLD = HouseholdRow.__table__  # type: ignore[attr-defined]
_ASSESSMENT = AssessmentRow.__table__  # type: ignore[attr-defined]
_SIGNAL = SignalRow.__table__  # type: ignore[attr-defined]
_ESCALATION = EscalationRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that fires for a household, and the target it would propose."""

    rule: str
    target: str


@dataclass(frozen=True, slots=True)
class Listed:
    """A household (by id) with the rules that fire for it, by priority then key."""

    household: int
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class TeamList:
    """One team's listed households, by id (``team`` is ``None`` for households no team
    serves yet)."""

    team: str | None
    households: tuple[Listed, ...]


@dataclass(frozen=True, slots=True)
class Screening:
    """The result: per team, the households where a rule fires and its target is not open.

    ``open_households`` counts the open households screened, ``assessed`` those of them with an
    assessment (only they are evaluated); ``on`` is the day screened as of (Europe/Amsterdam).
    """

    municipality: str
    on: date
    open_households: int
    assessed: int
    teams: tuple[TeamList, ...]

    @property
    def listed(self) -> int:
        """How many households are listed, over every team."""
        return sum(len(t.households) for t in self.teams)

    def counts(self) -> dict[str, Any]:
        """The counts (no household ids): what the audit entry records."""
        return {
            "on": self.on.isoformat(),
            "open_households": self.open_households,
            "assessed": self.assessed,
            "listed": self.listed,
            "teams": {t.team or "": len(t.households) for t in self.teams},
        }


def screen(
    casework: Casework, actor: Actor, on: date | None = None, chunk: int = CHUNK
) -> Screening:
    """Screen the municipality's caseload as of the day ``on`` (default: today).

    As of ``on``: households created on or before it and not closed by then (a reopened case
    counts as open throughout), assessments held and signals received on or before it, and the
    escalations that stood then (proposed on or before it, not ended or rejected by then).
    An auditor sees every team, a team leader their own; others are refused (audited
    :class:`AccessDenied`). A database error leaves as a casework error, as in every
    operation.
    """
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1 household, not {chunk}")
    context = casework.as_actor(actor).context  # the tenant and team checks, refusals audited
    team = _scope(context)
    day = on or local_date(casework.clock())
    cutoff = datetime.combine(day + timedelta(days=1), time(), LOCAL_ZONE)
    dated = casework.on(day).setup  # the rules and targets as they stand on the day screened
    accepts = {target.key: target.accepts for target in dated.escalation_targets}
    reader = _Reader(casework, actor.municipality, team, cutoff, ordered(dated), accepts)
    listed: dict[str | None, list[Listed]] = {}
    open_households = assessed = 0
    with Session(_snapshot(casework.engine)) as db:
        tenancy.bind(db, actor.municipality)
        try:
            for part in reader.chunks(db.connection(), chunk):
                open_households += part.open_households
                assessed += part.assessed
                for household_team, item in part.listed:
                    listed.setdefault(household_team, []).append(item)
        except SQLAlchemyError as exc:
            raise translate(exc, "screen") from None
    result = Screening(
        municipality=actor.municipality,
        on=day,
        open_households=open_households,
        assessed=assessed,
        teams=tuple(
            TeamList(team=t, households=tuple(items))
            for t, items in sorted(listed.items(), key=lambda kv: kv[0] or "")
        ),
    )
    detail = result.counts() | ({"team": team} if team is not None else {})
    with context.transaction("screen") as tx:  # short: not held while reading
        tx.audit(SCREENED, None, detail=detail)
    return result


def _snapshot(engine: Engine) -> Engine:
    """The engine for a read that sees one snapshot in every chunk: on PostgreSQL a read-only
    ``REPEATABLE READ`` transaction; SQLite's deferred transaction in WAL mode is one already."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def _scope(context: Context) -> str | None:
    """The team the actor may screen (``None``: every team), or an audited refusal."""
    actor = context.actor
    if actor.role is Role.AUDITOR:
        return None
    if actor.role is Role.TEAM_LEADER:
        return actor.team
    with context.transaction("screen") as tx:
        tx.refuse(
            None,
            "role",
            f"a {actor.role.value} may not screen the caseload; a team leader screens their "
            "team, an auditor the municipality",
        )


@dataclass(frozen=True, slots=True)
class _Part:
    open_households: int
    assessed: int
    listed: list[tuple[str | None, Listed]]


class _Reader:
    """The chunked queries and the columnar pass over each chunk."""

    def __init__(
        self,
        casework: Casework,
        municipality: str,
        team: str | None,
        cutoff: datetime,
        rules: Sequence[EscalationRule],
        accepts: Mapping[str, Condition | None] | None = None,
    ) -> None:
        self.municipality = municipality
        self.team = team
        self.cutoff = cutoff
        self.rules = tuple(rules)
        self.accepts = {k: c for k, c in (accepts or {}).items() if c is not None}
        """What each target that sets a condition accepts (any other accepts every household)."""
        self.sqlite = False
        self._hits: dict[bytes, tuple[Hit, ...]] = {}
        """The hits of each pattern of rules that fire: one tuple shared by its households."""
        self.domains = tuple(d.key for d in casework.setup.life_domains)
        self.indicators = tuple(i.key for i in casework.setup.indicators)

    def chunks(self, connection: Connection, size: int) -> Iterator[_Part]:
        """Each chunk of open households, by ascending id, evaluated."""
        self.sqlite = connection.dialect.name == "sqlite"
        after = 0
        while True:
            households = connection.execute(self._households(after, size)).all()
            if not households:
                return
            yield self._evaluate(connection, households)
            after = households[-1][0]

    def _tenant(self, column: Any) -> Any:
        """``column = municipality`` for a table read by the chunk's household ids.

        On SQLite with the unary ``+`` its documentation gives for keeping a term off an index:
        without statistics (no ``ANALYZE``) it would read the chunk through the municipality's
        index, every row of the municipality once per chunk, quadratic in the caseload, rather
        than through the household index. PostgreSQL's planner chooses by its statistics.
        """
        if self.sqlite:
            column = UnaryExpression(column, operator=custom_op("+"), type_=column.type)
        return column == self.municipality

    def _households(self, after: int, size: int) -> Any:
        h = _HOUSEHOLD.c
        query = select(h.id, h.team).where(
            h.municipality == self.municipality,
            h.id > after,
            h.created_at < self.cutoff,
            or_(h.closed_at.is_(None), h.closed_at >= self.cutoff),
        )
        if self.team is not None:
            query = query.where(h.team == self.team)
        return query.order_by(h.id).limit(size)

    def _latest(self, low: int, high: int) -> Any:
        """Each household's latest assessment held before the cutoff (ties: the later id): the
        one no later assessment of the household follows (an anti-join through the household
        index; a third faster on SQLite than numbering every assessment with a window)."""
        a = _ASSESSMENT.alias("a")
        later = _ASSESSMENT.alias("later")
        followed = (
            select(later.c.id)
            .where(
                later.c.household_id == a.c.household_id,
                later.c.household_id.between(low, high),  # else PostgreSQL hashes every row
                later.c.held_at < self.cutoff,
                or_(
                    later.c.held_at > a.c.held_at,
                    and_(later.c.held_at == a.c.held_at, later.c.id > a.c.id),
                ),
            )
            .exists()
        )
        return (
            select(a.c.household_id, a.c.scores, a.c.indicators)
            .where(
                self._tenant(a.c.municipality),
                a.c.household_id.between(low, high),
                a.c.held_at < self.cutoff,
                ~followed,
            )
            .subquery("latest")
        )

    def _evaluate(self, connection: Connection, households: Sequence[Any]) -> _Part:
        import numpy as np

        ids = _column(households, 0)
        low, high = int(ids[0]), int(ids[-1])
        scores_query, flagged_query, open_query = self.chunk_queries(
            self._latest(low, high), low, high
        )
        matrix = _matrix(connection.execute(scores_query).all(), 1 + len(self.domains))
        # A table row per assessed household of the chunk, in id order.
        assessed = matrix[np.isin(matrix[:, 0], ids)]
        row_ids = assessed[:, 0]
        scores = np.clip(assessed[:, 1:], 1, NOT_SCORED).astype(np.int8)
        flags = np.zeros((len(row_ids), len(self.indicators)), dtype=np.bool_)
        flagged = connection.execute(flagged_query).all()
        flags[_cells(row_ids, flagged, self.indicators)] = True
        table = AssessmentTable(self.domains, scores, self.indicators, flags)
        targets = tuple(sorted({rule.target for rule in self.rules}))
        open_ = np.zeros((len(row_ids), len(targets)), dtype=np.bool_)
        open_[_cells(row_ids, connection.execute(open_query).all(), targets)] = True
        accepted = {t: self.accepts[t].mask(table) for t in targets if t in self.accepts}
        fired = np.zeros((len(row_ids), len(self.rules)), dtype=np.bool_)
        for position, rule in enumerate(self.rules):
            fired[:, position] = rule.mask(table) & ~open_[:, targets.index(rule.target)]
            if rule.target in accepted:
                fired[:, position] &= accepted[rule.target]
        team_of = {row[0]: row[1] for row in households}
        listed: list[tuple[str | None, Listed]] = []
        for row in np.flatnonzero(fired.any(axis=1)):
            pattern = fired[row].tobytes()
            hits = self._hits.get(pattern)
            if hits is None:
                hits = self._hits[pattern] = tuple(
                    Hit(rule.key, rule.target)
                    for rule, fires in zip(self.rules, fired[row], strict=True)
                    if fires
                )
            household = int(row_ids[row])
            listed.append((team_of[household], Listed(household=household, hits=hits)))
        return _Part(len(households), len(row_ids), listed)

    def _scores(self, latest: Any) -> Any:
        """(household, a score per domain, :data:`NOT_SCORED` when missing) of ``latest``.

        PostgreSQL parses a ``json`` value anew for every ``->>``; ``json_to_record`` parses it
        once into typed columns (six times faster over 16 domains).
        """
        if self.sqlite:
            scores = [latest.c.scores[d].as_integer() for d in self.domains]
            source = latest
        else:
            record = (
                func.json_to_record(latest.c.scores)
                .table_valued(*(column(d, Integer) for d in self.domains))
                .render_derived(name="score", with_types=True)
            )
            scores = [record.c[d] for d in self.domains]
            source = latest.join(record, true())
        return (
            select(latest.c.household_id, *(func.coalesce(c, NOT_SCORED) for c in scores))
            .select_from(source)
            .order_by(latest.c.household_id)
        )

    def _flagged(self, latest: Any, low: int, high: int) -> Any:
        """(household, indicator) of the latest assessments and of the signals received
        before the cutoff, for the setup's indicators."""
        s = _SIGNAL.c
        signal_values = self._elements(s.indicators)
        assessed_values = self._elements(latest.c.indicators)
        signalled = (
            select(s.household_id, signal_values.c.value)
            .select_from(_SIGNAL)
            .join(signal_values, true())
            .where(
                self._tenant(s.municipality),
                s.household_id.between(low, high),
                s.received_at < self.cutoff,
                signal_values.c.value.in_(self.indicators),
            )
        )
        assessed = (
            select(latest.c.household_id, assessed_values.c.value)
            .select_from(latest)
            .join(assessed_values, true())
            .where(assessed_values.c.value.in_(self.indicators))
        )
        return union(signalled, assessed)

    def _elements(self, column: Any) -> Any:
        """A JSON array column's text elements, a table-valued function of column ``value``."""
        if self.sqlite:
            return func.json_each(column).table_valued("value")
        return func.json_array_elements_text(column).table_valued("value")

    def _open(self, low: int, high: int) -> Any:
        """(household, target) of the escalations proposed before the cutoff and not ended
        (de-escalated or rejected) by then."""
        e = _ESCALATION.c
        return select(e.household_id, e.target).where(
            self._tenant(e.municipality),
            e.household_id.between(low, high),
            e.proposed_at < self.cutoff,
            or_(e.ended_at.is_(None), e.ended_at >= self.cutoff),
        )

    def chunk_queries(self, latest: Any, low: int, high: int) -> tuple[Any, ...]:
        """The queries that read one chunk, households ``low``..``high``."""
        return (self._scores(latest), self._flagged(latest, low, high), self._open(low, high))


def _column(rows: Sequence[Any], index: int) -> NDArray[np.int64]:
    """One integer column of the rows."""
    import numpy as np

    return np.fromiter((row[index] for row in rows), dtype=np.int64, count=len(rows))


def _matrix(rows: Sequence[Any], width: int) -> NDArray[np.int64]:
    """Rows of ``width`` integers as a matrix (flattened first: numpy reads SQLAlchemy rows
    one by one, 50 times slower)."""
    import numpy as np

    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def _cells(
    row_ids: NDArray[np.int64], pairs: Sequence[Any], keys: Sequence[str]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The (row, column) cells of (household id, key) pairs: the row of the household in the
    sorted ``row_ids``, the column of the key in ``keys``; pairs with neither are left out."""
    import numpy as np

    column = {key: i for i, key in enumerate(keys)}
    known = [(household, column[key]) for household, key in pairs if key in column]
    if not known or not len(row_ids):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    households = np.fromiter((h for h, _ in known), dtype=np.int64, count=len(known))
    columns = np.fromiter((c for _, c in known), dtype=np.int64, count=len(known))
    rows = np.minimum(np.searchsorted(row_ids, households), len(row_ids) - 1)
    there = row_ids[rows] == households
    return rows[there], columns[there]
