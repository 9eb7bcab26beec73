"""Rich tables of a merged setup, for ``wijkteamkit show``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rich.console import Console
from rich.table import Table

from ..defaults.codelists import iwmo_category_name
from ..domain import EscalationTarget, MunicipalitySetup, Neighbourhood
from .common import plural


def _eur(amount: Decimal | None) -> str:
    return "pm" if amount is None else f"€ {amount:,.0f}".replace(",", ".")


def _number(count: int) -> str:
    """``1.500``: a count with Dutch thousands separators."""
    return f"{count:,}".replace(",", ".")


def _households(count: int) -> str:
    return f"{_number(count)} {'household' if count == 1 else 'households'}"


def _target_group(n: Neighbourhood) -> str:
    """``15% (900 households)``: the target group's share and its size, as far as given.

    A size worked out from the share of all households is marked ``≈``.
    """
    if n.target_share is None:
        return "" if n.target_households is None else _households(n.target_households)
    share = f"{n.target_share:.0%}"
    if n.target_households is not None:
        return f"{share} ({_households(n.target_households)})"
    if n.households is not None:
        estimate = _number(round(n.households * n.target_share))
        return f"{share} of {_households(n.households)} (≈ {estimate})"
    return f"{share} (households not given)"


def _start(n: Neighbourhood) -> str:
    if n.team_start is None:
        return ""
    return (
        n.team_start.strftime("%Y-%m")
        if n.team_start_precision == "month"
        else n.team_start.isoformat()
    )


def _iwmo(code: str | None) -> str:
    """``07 Dagbesteding``: the category and its name in WMO020 (a code not in it as given)."""
    if code is None:
        return ""
    name = iwmo_category_name(code)
    return f"{code} {name}" if name else code


def _target(target: EscalationTarget) -> str:
    """``fact (region, GGZ Nijmegen)``: a target's key, level and organisation."""
    where = f"{target.level}, {target.organisation}" if target.organisation else target.level
    return f"{target.key} ({where})"


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def render_setup(setup: MunicipalitySetup, on: date | None) -> None:
    """Print the setup section by section."""
    console = Console()
    m = setup.municipality
    header = f"{m.code} {m.name}"
    if m.province:
        header += f", {m.province}"
    if m.regions:
        header += f" (regions: {', '.join(m.regions)})"
    if on:
        header += f" — on {on}"
    console.print(f"[bold]{header}[/bold]", highlight=False, soft_wrap=True)

    t = _table(
        "Neighbourhoods", "key", "name", "sub-areas", "postcodes", "target group", "team start"
    )
    for n in setup.neighbourhoods:
        t.add_row(
            n.key,
            n.name,
            ", ".join(s.name for s in n.sub_areas),
            ", ".join(n.postcodes) or "none",
            _target_group(n),
            _start(n),
        )
    console.print(t)

    t = _table(
        "Teams",
        "key",
        "neighbourhood",
        "base",
        "members",
        "functions",
        "leader",
        "registration from",
    )
    for team in setup.teams:
        functions = ", ".join(f"{m.function} {m.hours_per_week:g}h" for m in team.members)
        leader = ""
        if team.leader:
            leader = (
                f"{team.leader.employer} ({team.leader.organisation}), {team.leader.hours_per_week:g}h,"
                f" {team.leader.municipality_paid_hours:g}h paid by municipality"
            )
        t.add_row(
            team.key,
            team.neighbourhood,
            team.base or "",
            str(len(team.members)),
            functions,
            leader,
            str(team.case_registration_from or ""),
        )
    console.print(t)
    for team in setup.teams:
        if team.shell:
            shell = "; ".join(
                f"{p.organisation} ({', '.join(p.provisions) or 'no provisions named'})"
                for p in team.shell
            )
            console.print(
                f"  first shell around {team.key}: {shell}", highlight=False, soft_wrap=True
            )

    t = _table("Composition rules", "key", "size", "requires", "member min h", "leader h / paid")
    for r in setup.composition_rules:
        size = f"{r.min_members}-{r.max_members}" if r.max_members else f">= {r.min_members}"
        leader = (
            f"{r.leader_min_hours or '-'} / {r.leader_municipality_paid_hours or '-'}"
            if r.leader_required
            else "-"
        )
        t.add_row(
            r.key,
            size,
            ", ".join(q.label for q in r.requirements),
            f"{r.member_min_hours:g}" if r.member_min_hours else "-",
            leader,
        )
    console.print(t)

    t = _table("Escalation targets", "target", "name", "kind", "handover", "accepts", "valid")
    for body in setup.escalation_targets:
        t.add_row(
            _target(body),
            body.name,
            body.kind,
            body.handover,
            body.accepts.describe() if body.accepts is not None else "every household",
            f"{body.valid_from or '…'} – {body.valid_to or '…'}",
        )
    console.print(t)

    t = _table(
        "Escalation",
        "rule",
        "when",
        "target",
        "handover",
        "priority",
        "direct / legal basis",
        "valid",
    )
    targets = {x.key: x for x in setup.escalation_targets}
    for rule in sorted(setup.escalation_rules, key=lambda r: (r.priority, r.key)):
        found = targets.get(rule.target)
        direct = (
            ("direct" + (f" ({rule.legal_basis})" if rule.legal_basis else ""))
            if rule.direct
            else ""
        )
        t.add_row(
            rule.key,
            rule.when.describe(),
            _target(found) if found else rule.target,
            found.handover if found else "?",
            str(rule.priority),
            direct,
            f"{rule.valid_from or '…'} – {rule.valid_to or '…'}",
        )
    console.print(t)

    t = _table("Funding streams", "key", "law / scheme", "funder", "valid")
    for s in setup.funding_streams:
        t.add_row(
            s.key,
            s.law or s.scheme or "",
            f"{s.funder} ({s.funder_kind})",
            f"{s.valid_from or '…'} – {s.valid_to or '…'}",
        )
    console.print(t)

    t = _table("Provisions", "key", "kind", "delivery", "iWmo", "access", "funding")
    for p in setup.provisions:
        funding = "; ".join(
            f"{f.stream} {f.valid_from or '…'}–{f.valid_to or '…'}" for f in p.funding
        )
        if p.continuity is not None:  # transitional law: when existing indications end
            right = p.continuity
            funding += f"; {right.law} indications of {right.held_on} continue to {right.until}"
        t.add_row(
            p.key,
            p.kind or "(no kind)",
            "+".join(sorted(d.upper() for d in p.delivery)),
            _iwmo(p.iwmo_category),
            p.access,
            funding,
        )
    console.print(t)

    t = _table("Statutory terms (Wmo 2015 requests)", "key", "name", "term", "law", "valid")
    for term in setup.statutory_terms:
        t.add_row(
            term.key,
            term.name,
            term.describe(),
            term.law or "",
            f"{term.valid_from or '…'} – {term.valid_to or '…'}",
        )
    console.print(t)

    policy = setup.consent_policy
    console.print(
        f"[bold]Consent policy[/bold]: disclosure without consent only under "
        f"{', '.join(policy.exceptions) or 'no legal basis'}; retention {policy.retention_years} years",
        highlight=False,
        soft_wrap=True,
    )

    for procedure in setup.tender_procedures:
        t = _table(
            f"Tender procedure {procedure.key}: {procedure.name}", "participant", "share", "area"
        )
        for part in procedure.participants:
            t.add_row(
                part.municipality
                + (" (lead)" if part.municipality == procedure.lead_municipality else ""),
                f"{part.share:g}%",
                part.area or "",
            )
        console.print(t)
        console.print(
            f"  commissioned by {procedure.commissioning_body}; regime {procedure.regime}; criteria: "
            + ", ".join(f"{c.name} {c.weight:g}%" for c in procedure.award_criteria),
            highlight=False,
            soft_wrap=True,
        )

    render_budgets(setup, console)

    if setup.principles:
        t = _table("Principles", "key", "statement")
        for principle in setup.principles:
            t.add_row(principle.key, principle.statement)
        console.print(t)
    if setup.mandates:
        t = _table("Mandates over their workers in a household", "key", "organisation", "valid")
        for mandate in setup.mandates:
            valid = f"{mandate.valid_from or '…'} – {mandate.valid_to or '…'}"
            t.add_row(mandate.key, mandate.organisation, valid)
        console.print(t)
    t = _table("Life domains", "key", "name", "catalogue", "maps to")
    for d in setup.life_domains:
        name = f"{d.name_nl} ({d.name})" if d.name_nl else d.name
        t.add_row(d.key, name, d.catalogue, ", ".join(d.maps_to))
    console.print(t)
    t = _table("Indicators", "key", "name", "reveals")
    for i in setup.indicators:
        t.add_row(i.key, f"{i.name_nl} ({i.name})" if i.name_nl else i.name, ", ".join(i.domains))
    console.print(t)
    t = _table("Legal bases", "key", "name", "law / article", "valid")
    for basis in setup.legal_bases:
        t.add_row(
            basis.key,
            basis.name,
            " ".join(x for x in (basis.article, basis.law) if x),
            f"{basis.valid_from or '…'} – {basis.valid_to or '…'}",
        )
    console.print(t)
    laws = ", ".join(law.key for law in setup.laws)
    console.print(
        f"{plural(len(setup.laws), 'law')}: {laws or 'none'}", highlight=False, soft_wrap=True
    )


def render_budgets(setup: MunicipalitySetup, console: Console | None = None) -> None:
    """Each budget as a table: groups with their lines and totals, coverage, balance."""
    console = console or Console()
    for budget in setup.budgets:
        t = _table(f"Budget {budget.key} ({budget.year}): {budget.name}", "group / line", "amount")
        for group in budget.cost_groups:
            t.add_row(f"[bold]{group.name}[/bold]", f"[bold]{_eur(group.total)}[/bold]")
            for line in group.lines:
                t.add_row(
                    f"  {line.name}" + (f" [{line.note}]" if line.note else ""), _eur(line.amount)
                )
        t.add_row("[bold]Total costs[/bold]", f"[bold]{_eur(budget.total_costs)}[/bold]")
        for cover in budget.coverage:
            funder = f" ({cover.funder})" if cover.funder else ""
            t.add_row(f"  covered by {cover.name}{funder}", _eur(cover.amount))
        t.add_row("[bold]Balance[/bold]", _eur(budget.balance))
        console.print(t)
        for note in budget.notes:
            console.print(f"  note: {note}", highlight=False, soft_wrap=True)
