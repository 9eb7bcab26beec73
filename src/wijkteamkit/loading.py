"""Load municipalities: pick their plugins, register the layers, merge the contributions by key."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from .domain import (
    Budget,
    CompositionRule,
    ConsentPolicy,
    EscalationRule,
    EscalationTarget,
    FunctionGroup,
    FundingStream,
    Indicator,
    Item,
    Law,
    LegalBasis,
    LifeDomain,
    Mandate,
    Municipality,
    MunicipalitySetup,
    Neighbourhood,
    Principle,
    Provision,
    Remove,
    StatutoryTerm,
    Team,
    TeamFunction,
    TenderProcedure,
)
from .interrupts import plugin_failure
from .manager import MunicipalityPlugins, Registered
from .plugins import (
    NATIONAL_PLUGIN,
    Catalogue,
    Layer,
    LoadError,
    PluginSource,
    describe_exception,
    discover,
    import_plugin,
)
from .problems import describe

COLLECTION_HOOKS: dict[str, tuple[str, type[Item]]] = {
    "neighbourhoods": ("wijkteamkit_neighbourhoods", Neighbourhood),
    "teams": ("wijkteamkit_teams", Team),
    "function_groups": ("wijkteamkit_function_groups", FunctionGroup),
    "team_functions": ("wijkteamkit_team_functions", TeamFunction),
    "composition_rules": ("wijkteamkit_composition_rules", CompositionRule),
    "life_domains": ("wijkteamkit_life_domains", LifeDomain),
    "indicators": ("wijkteamkit_indicators", Indicator),
    "escalation_targets": ("wijkteamkit_escalation_targets", EscalationTarget),
    "escalation_rules": ("wijkteamkit_escalation_rules", EscalationRule),
    "laws": ("wijkteamkit_laws", Law),
    "legal_bases": ("wijkteamkit_legal_bases", LegalBasis),
    "statutory_terms": ("wijkteamkit_statutory_terms", StatutoryTerm),
    "funding_streams": ("wijkteamkit_funding_streams", FundingStream),
    "provisions": ("wijkteamkit_provisions", Provision),
    "tender_procedures": ("wijkteamkit_tender_procedures", TenderProcedure),
    "budgets": ("wijkteamkit_budgets", Budget),
    "principles": ("wijkteamkit_principles", Principle),
    "mandates": ("wijkteamkit_mandates", Mandate),
}
"""Each keyed collection of the setup, the hook that supplies it and the model of its items."""

_CBS_CODE = re.compile(r"^gm\d{4}$", re.IGNORECASE)


class UnknownMunicipality(LookupError):
    """No plugin describes the municipality asked for."""


class MunicipalityLoadError(Exception):
    """The municipality's plugins could not be loaded; ``errors`` says why."""

    def __init__(self, errors: Sequence[LoadError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class MergeIssue:
    """Something the merge noticed: two items with one key in one layer, or a stray removal."""

    kind: Literal["duplicate-key", "remove-unknown"]
    collection: str
    key: str
    plugin: str
    other_plugin: str | None = None


@dataclass
class LoadedMunicipality:
    """A municipality that loaded: its merged setup, its plugin manager and merge issues."""

    setup: MunicipalitySetup
    plugins: MunicipalityPlugins
    issues: list[MergeIssue] = field(default_factory=list)


@dataclass
class LoadReport:
    """The outcome of loading several municipalities: those that loaded and the load errors."""

    loaded: list[LoadedMunicipality] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


@dataclass
class _Candidate:
    source: PluginSource
    municipality: Municipality


def load(
    identifiers: Sequence[str] | None = None,
    plugin_files: Sequence[str | Path] = (),
    environ: Mapping[str, str] | None = None,
    *,
    files_only: bool = False,
) -> LoadReport:
    """Load the named municipalities (CBS codes or names, any case), or all when ``None``.

    With ``files_only``, load just the municipalities that ``plugin_files`` describe.

    Raises :class:`UnknownMunicipality` when an identifier matches no plugin. Every other
    problem is collected in :attr:`LoadReport.errors`; municipalities whose own layers are sound
    still load.
    """
    catalogue = discover(plugin_files, environ)
    report = LoadReport(errors=list(catalogue.errors))
    overlays = _import_files(catalogue, report)
    wanted_codes = None
    if files_only:
        wanted_codes = set()
    elif identifiers is not None and all(_CBS_CODE.match(i) for i in identifiers):
        wanted_codes = {i.upper() for i in identifiers}
    candidates = _candidates(catalogue, report, wanted_codes)
    if files_only:
        codes = sorted(code for code, c in candidates.items() if c.source.path is not None)
    elif identifiers is None:
        codes = sorted(candidates)
    else:
        codes = _resolve(identifiers, candidates, report.errors)
        # Finding a municipality by name imports every municipality plugin; one that is broken
        # but was not asked for must not fail the run.
        report.errors = [
            e
            for e in report.errors
            if e.municipality is None
            or not _CBS_CODE.match(e.municipality)
            or e.municipality in codes
        ]
    for code in codes:
        loaded = _load_one(candidates[code], catalogue, overlays, report)
        if loaded is not None:
            report.loaded.append(loaded)
    return report


def load_municipality(
    identifier: str, plugin_files: Sequence[str | Path] = ()
) -> MunicipalitySetup:
    """The merged setup of one municipality, by CBS code (``"GM0268"``) or name (``"nijmegen"``).

    Raises :class:`UnknownMunicipality` if no plugin describes it and
    :class:`MunicipalityLoadError` if a plugin it depends on fails.
    """
    report = load([identifier], plugin_files)
    if not report.loaded:
        raise MunicipalityLoadError(report.errors)
    relevant = [e for e in report.errors if e.municipality in (None, report.loaded[0].setup.code)]
    if relevant:
        raise MunicipalityLoadError(relevant)
    return report.loaded[0].setup


def _import_files(catalogue: Catalogue, report: LoadReport) -> list[PluginSource]:
    """Import local files; those that define a municipality become municipality plugins."""
    overlays: list[PluginSource] = []
    for source in catalogue.files:
        if import_plugin(source) is None:
            assert source.error is not None
            report.errors.append(source.error)
            continue
        if callable(getattr(source.module, "wijkteamkit_municipality", None)):
            source.layer = Layer.MUNICIPALITY
        else:
            overlays.append(source)
    return overlays


def _candidates(
    catalogue: Catalogue, report: LoadReport, wanted: set[str] | None
) -> dict[str, _Candidate]:
    candidates: dict[str, _Candidate] = {}
    file_municipalities = [s for s in catalogue.files if s.layer is Layer.MUNICIPALITY and s.module]
    for source in [*catalogue.municipalities.values(), *file_municipalities]:
        if source.entry_point is not None and wanted is not None and source.name not in wanted:
            continue
        municipality = _identify(source, report)
        if municipality is None:
            continue
        code = municipality.code
        if code in candidates:
            other = candidates[code].source
            report.errors.append(
                LoadError(
                    source.label,
                    f"claims {code} ({municipality.name}), which {other.label} claims too; "
                    "remove one of them or give the local file another CBS code",
                    municipality=code,
                )
            )
            continue
        candidates[code] = _Candidate(source, municipality)
    return candidates


def _identify(source: PluginSource, report: LoadReport) -> Municipality | None:
    """Import a municipality plugin and ask it which municipality it describes."""
    module = import_plugin(source)
    if module is None:
        assert source.error is not None
        code = source.name if source.entry_point is not None else None
        report.errors.append(replace(source.error, municipality=code))
        return None
    hook = getattr(module, "wijkteamkit_municipality", None)
    if not callable(hook):
        report.errors.append(
            LoadError(
                source.label,
                "does not implement wijkteamkit_municipality()",
                municipality=source.name,
            )
        )
        return None
    try:
        municipality: Municipality | None = _coerce_one(hook(), Municipality)
    except BaseException as exc:  # plugin code
        if not plugin_failure(exc):
            raise
        report.errors.append(
            LoadError(
                source.label,
                _contract_message(exc),
                hook="wijkteamkit_municipality",
                municipality=source.name,
            )
        )
        return None
    if municipality is None:
        report.errors.append(
            LoadError(
                source.label,
                "wijkteamkit_municipality() returned None",
                hook="wijkteamkit_municipality",
            )
        )
        return None
    if source.entry_point is not None and municipality.code != source.name:
        report.errors.append(
            LoadError(
                source.label,
                f"entry point is named {source.name} but the plugin describes {municipality.code} "
                f"({municipality.name}); name the entry point after the CBS code",
                hook="wijkteamkit_municipality",
                municipality=source.name,
            )
        )
        return None
    return municipality


def _resolve(
    identifiers: Sequence[str], candidates: Mapping[str, _Candidate], errors: Sequence[LoadError]
) -> list[str]:
    by_name = {_fold(c.municipality.name): code for code, c in candidates.items()}
    codes: list[str] = []
    for identifier in identifiers:
        code = identifier.upper() if _CBS_CODE.match(identifier) else by_name.get(_fold(identifier))
        if code is None or code not in candidates:
            known = ", ".join(
                f"{c} ({candidates[c].municipality.name})" for c in sorted(candidates)
            )
            close = difflib.get_close_matches(_fold(identifier), sorted(by_name), n=1)
            hint = (
                f" Did you mean {candidates[by_name[close[0]]].municipality.name!r}?"
                if close
                else ""
            )
            broken = "".join(f" Could not load {e}." for e in errors if e.municipality)
            raise UnknownMunicipality(
                f"unknown municipality {identifier!r}; known: {known or 'none'}.{hint}{broken} "
                "Install its plugin or pass --plugin-file FILE."
            )
        if code not in codes:
            codes.append(code)
    return codes


def _fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def _load_one(
    candidate: _Candidate,
    catalogue: Catalogue,
    overlays: Sequence[PluginSource],
    report: LoadReport,
) -> LoadedMunicipality | None:
    municipality = candidate.municipality
    plugins = MunicipalityPlugins(municipality.code)
    layers: list[PluginSource] = [PluginSource(NATIONAL_PLUGIN, Layer.NATIONAL)]
    for region in municipality.regions:
        source = catalogue.regions.get(region)
        if source is None:
            plugins.errors.append(
                LoadError(
                    candidate.source.label,
                    f"uses region {region!r}, but no region plugin of that name is installed "
                    f"(known: {', '.join(sorted(catalogue.regions)) or 'none'})",
                    municipality=municipality.code,
                )
            )
            continue
        layers.append(source)
    layers += [candidate.source, *overlays]
    loaded = assemble(municipality, layers, plugins)
    report.errors.extend(e for e in plugins.errors if e not in report.errors)
    return loaded


def assemble(
    municipality: Municipality,
    layers: Sequence[PluginSource],
    plugins: MunicipalityPlugins | None = None,
) -> LoadedMunicipality | None:
    """Register ``layers`` (least specific first) in a fresh manager and merge their setup.

    Returns ``None`` when any plugin fails; the reasons are in ``plugins.errors``.
    """
    plugins = plugins or MunicipalityPlugins(municipality.code)
    for source in layers:
        if import_plugin(source) is None:
            assert source.error is not None
            plugins.errors.append(source.error)
            continue
        plugins.register(source)
    plugins.check_unknown_hooks()
    setup, issues = _merge(municipality, plugins)
    if plugins.errors:
        return None
    return LoadedMunicipality(setup, plugins, issues)


def _merge(
    municipality: Municipality, plugins: MunicipalityPlugins
) -> tuple[MunicipalitySetup, list[MergeIssue]]:
    issues: list[MergeIssue] = []
    origins: dict[str, str] = {"municipality": _origin_of_municipality(plugins)}
    collections: dict[str, tuple[Item, ...]] = {}
    for collection, (hook, model) in COLLECTION_HOOKS.items():
        merged: dict[str, tuple[Item, Registered]] = {}
        layer_of: dict[tuple[Layer, str], Registered] = {}
        for registered, result in plugins.call_each(hook, municipality=municipality):
            try:
                contributed = _coerce_many(result, model)
            except BaseException as exc:  # plugin returned something unusable
                if not plugin_failure(exc):
                    raise
                plugins.errors.append(
                    LoadError(
                        registered.source.label,
                        _contract_message(exc),
                        hook=hook,
                        municipality=municipality.code,
                    )
                )
                continue
            for entry in contributed:
                key = entry.remove if isinstance(entry, Remove) else entry.key
                earlier = layer_of.get((registered.layer, key))
                if earlier is not None:
                    issues.append(
                        MergeIssue(
                            "duplicate-key",
                            collection,
                            key,
                            registered.source.short,
                            earlier.source.short,
                        )
                    )
                    continue
                layer_of[(registered.layer, key)] = registered
                if isinstance(entry, Remove):
                    if merged.pop(key, None) is None:
                        issues.append(
                            MergeIssue("remove-unknown", collection, key, registered.source.short)
                        )
                    origins.pop(f"{collection}/{key}", None)
                else:
                    merged[key] = (entry, registered)
                    origins[f"{collection}/{key}"] = registered.source.short
        collections[collection] = tuple(item for item, _ in merged.values())
    policy = ConsentPolicy()
    for registered, result in plugins.call_each(
        "wijkteamkit_consent_policy", municipality=municipality
    ):
        if result is None:
            continue
        try:
            policy = _coerce_one(result, ConsentPolicy) or policy
            origins["consent_policy"] = registered.source.short
        except BaseException as exc:  # plugin returned something unusable
            if not plugin_failure(exc):
                raise
            plugins.errors.append(
                LoadError(
                    registered.source.label,
                    _contract_message(exc),
                    hook="wijkteamkit_consent_policy",
                    municipality=municipality.code,
                )
            )
    setup = MunicipalitySetup(
        municipality=municipality, consent_policy=policy, origins=origins, **collections
    )
    return setup, issues


def _origin_of_municipality(plugins: MunicipalityPlugins) -> str:
    own = [p for p in plugins.plugins if p.layer is Layer.MUNICIPALITY]
    return own[0].source.short if own else ""


def _coerce_one(value: Any, model: type[BaseModel]) -> Any:
    if value is None or isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        return model.model_validate(value)
    raise TypeError(f"returned {type(value).__name__}, expected {model.__name__} or a mapping")


def _coerce_many(value: Any, model: type[Item]) -> list[Item | Remove]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping, BaseModel)) or not isinstance(value, Iterable):
        raise TypeError(
            f"returned {type(value).__name__}, expected a list of {model.__name__} (or Remove)"
        )
    items: list[Item | Remove] = []
    for index, entry in enumerate(value):
        try:
            if isinstance(entry, (model, Remove)):
                items.append(entry)
            elif isinstance(entry, Mapping):
                target: type[BaseModel] = Remove if "remove" in entry else model
                items.append(target.model_validate(entry))  # type: ignore[arg-type]
            else:
                raise TypeError(f"is a {type(entry).__name__}, expected {model.__name__}")
        except (ValidationError, TypeError) as exc:
            raise _ItemError(index, exc) from exc
    return items


class _ItemError(Exception):
    def __init__(self, index: int, cause: Exception) -> None:
        self.index = index
        self.cause = cause
        super().__init__(str(cause))


def _contract_message(exc: BaseException) -> str:
    prefix = ""
    if isinstance(exc, _ItemError):
        prefix = f"item {exc.index}: "
        exc = exc.cause
    if isinstance(exc, ValidationError):
        return f"returned an invalid {exc.title}: {prefix}{describe(exc, whole='(item)')}"
    if isinstance(exc, TypeError):
        return f"{prefix}{exc}"
    return f"raised {describe_exception(exc)}"
