"""Load municipalities: pick their plugins, register the layers, merge the contributions by key."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .domain import COLLECTIONS, ConsentPolicy, Item, Municipality, MunicipalitySetup, Remove
from .interrupts import plugin_failure
from .manager import MunicipalityPlugins
from .merge import Contribution, MergeIssue, merge
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

_CBS_CODE = re.compile(r"^gm\d{4}$", re.IGNORECASE)


class UnknownMunicipality(LookupError):
    """No plugin describes the municipality asked for."""


class MunicipalityLoadError(Exception):
    """The municipality's plugins could not be loaded; ``errors`` says why."""

    def __init__(self, errors: Sequence[LoadError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


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
        codes = _resolve(identifiers, candidates, catalogue, report.errors)
        # Finding a municipality by name imports every municipality plugin; one that is broken
        # but was not asked for must not fail the run.
        report.errors = [e for e in report.errors if _concerns(e, codes)]
    for code in codes:
        if code not in candidates:  # a broken plugin was to supply it; its errors say why
            continue
        loaded = _load_one(candidates[code], catalogue, overlays, report)
        if loaded is not None:
            report.loaded.append(loaded)
    return report


def load_one(
    identifier: str,
    plugin_files: Sequence[str | Path] = (),
    environ: Mapping[str, str] | None = None,
) -> LoadedMunicipality:
    """Load exactly one municipality, by CBS code (``"GM0268"``) or name (``"nijmegen"``).

    The one definition every command uses: any load error of the municipality, of a layer it
    uses, or of a plugin file passed in (it was asked for) is a failure.

    Raises :class:`UnknownMunicipality` if no plugin describes it and
    :class:`MunicipalityLoadError` if a plugin it depends on fails.
    """
    report = load([identifier], plugin_files, environ)
    if report.errors or not report.loaded:
        raise MunicipalityLoadError(report.errors)
    return report.loaded[0]


def load_municipality(
    identifier: str, plugin_files: Sequence[str | Path] = ()
) -> MunicipalitySetup:
    """The merged setup of one municipality: :func:`load_one`'s ``setup``."""
    return load_one(identifier, plugin_files).setup


def _concerns(error: LoadError, codes: Sequence[str]) -> bool:
    """Whether ``error`` stops the municipalities ``codes``: it is theirs, or no other's."""
    code = error.municipality
    return code is None or not _CBS_CODE.match(code) or code in codes


def _import_files(catalogue: Catalogue, report: LoadReport) -> list[PluginSource]:
    """Import local files; those that define a municipality become municipality plugins.

    A file that fails to import stays among the overlays: it may have been meant for any
    municipality, so none loads without it.
    """
    overlays: list[PluginSource] = []
    for source in catalogue.files:
        if import_plugin(source) is None:
            assert source.error is not None
            report.errors.append(source.error)
            overlays.append(source)
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
    code = source.name if source.entry_point is not None else None  # a file's stops every one
    module = import_plugin(source)
    if module is None:
        assert source.error is not None
        report.errors.append(replace(source.error, municipality=code))
        return None
    hook = getattr(module, "wijkteamkit_municipality", None)
    if not callable(hook):
        report.errors.append(
            LoadError(
                source.label,
                "does not implement wijkteamkit_municipality()",
                municipality=code,
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
                municipality=code,
            )
        )
        return None
    if municipality is None:
        report.errors.append(
            LoadError(
                source.label,
                "wijkteamkit_municipality() returned None",
                hook="wijkteamkit_municipality",
                municipality=code,
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
    identifiers: Sequence[str],
    candidates: Mapping[str, _Candidate],
    catalogue: Catalogue,
    errors: Sequence[LoadError],
) -> list[str]:
    """The CBS codes asked for. One that a broken plugin was meant to supply (an installed
    plugin of that code, or a plugin file that failed) is kept, for its errors to be reported."""
    by_name = {_fold(c.municipality.name): code for code, c in candidates.items()}
    failed_files = any(e.municipality is None for e in errors)
    codes: list[str] = []
    for identifier in identifiers:
        code = identifier.upper() if _CBS_CODE.match(identifier) else by_name.get(_fold(identifier))
        broken = code is not None and (
            code in catalogue.municipalities or any(e.municipality == code for e in errors)
        )
        if (code is None or code not in candidates) and not broken and not failed_files:
            raise UnknownMunicipality(_unknown(identifier, candidates, catalogue, errors))
        if code is not None and code not in codes:
            codes.append(code)
    return codes


def _unknown(
    identifier: str,
    candidates: Mapping[str, _Candidate],
    catalogue: Catalogue,
    errors: Sequence[LoadError],
) -> str:
    named = {code: f"{code} ({c.municipality.name})" for code, c in candidates.items()}
    known = [named.get(code, code) for code in sorted({*catalogue.municipalities, *named})]
    by_name = {_fold(c.municipality.name): c.municipality.name for c in candidates.values()}
    close = difflib.get_close_matches(_fold(identifier), sorted(by_name), n=1)
    hint = f" Did you mean {by_name[close[0]]!r}?" if close else ""
    broken = "".join(f" Could not load {e}." for e in errors if e.municipality)
    return (
        f"unknown municipality {identifier!r}; known: {', '.join(known) or 'none'}.{hint}"
        f"{broken} Install its plugin or pass --plugin-file FILE."
    )


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


def load_layers(municipality: Municipality, layers: Sequence[PluginSource]) -> LoadedMunicipality:
    """:func:`assemble` ``layers`` in a fresh manager, raising :class:`MunicipalityLoadError`
    with the reasons when any plugin fails."""
    plugins = MunicipalityPlugins(municipality.code)
    loaded = assemble(municipality, layers, plugins)
    if loaded is None:
        raise MunicipalityLoadError(plugins.errors)
    return loaded


def layers_below(municipality: Municipality) -> MunicipalitySetup:
    """The setup of the national layer and the (installed) regions ``municipality`` names,
    without its own plugin.

    Raises :class:`MunicipalityLoadError` if one of those layers fails.
    """
    layers = [PluginSource(NATIONAL_PLUGIN, Layer.NATIONAL)]
    if municipality.regions:
        regions = discover().regions
        layers += [regions[r] for r in municipality.regions if r in regions]
    return load_layers(municipality, layers).setup


def _merge(
    municipality: Municipality, plugins: MunicipalityPlugins
) -> tuple[MunicipalitySetup, list[MergeIssue]]:
    contributions: dict[str, list[Contribution]] = {}
    for collection in COLLECTIONS:
        given = contributions.setdefault(collection.name, [])
        for registered, result in plugins.call_each(collection.hook, municipality=municipality):
            try:
                entries = _coerce_many(result, collection.model)
            except BaseException as exc:  # plugin returned something unusable
                if not plugin_failure(exc):
                    raise
                plugins.errors.append(
                    LoadError(
                        registered.source.label,
                        _contract_message(exc),
                        hook=collection.hook,
                        municipality=municipality.code,
                    )
                )
                continue
            given.append(Contribution(registered.layer, registered.source.short, entries))
    merged = merge(contributions)
    origins = {"municipality": _origin_of_municipality(plugins), **merged.origins}
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
        municipality=municipality, consent_policy=policy, origins=origins, **merged.collections
    )
    return setup, merged.issues


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
