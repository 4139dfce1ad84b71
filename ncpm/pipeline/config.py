"""Run configuration: a TOML file (read with the standard library's tomllib) into frozen, validated options.

Every option has a default, so an empty file (or no file) is a valid configuration: the embedded demo data,
Warwickshire, the defaults of METHODS.md. The method options' defaults are not written here: each is the default of
:class:`ncpm.quarter.options.QuarterOptions` (which names the methods' own constants) or of the method's options
(``DisclosurePolicy``, ``EngineOptions``); the choices an option allows are the method's own lists, and a value a
method parses (a forecast method, an excluded month range) is checked by that parser. An invalid configuration is
one clear :class:`ConfigError` naming the key.

>>> cfg = load_config_text('[baseline]\\nmethod = "trailing_36"')
>>> cfg.baseline.method
'trailing_36'
>>> load_config_text('[baseline]\\nmethd = "x"')
Traceback (most recent call last):
...
ncpm.core.errors.ConfigError: unknown key 'baseline.methd' (known: exclude, in_line, method, substantial)
"""

from __future__ import annotations

import codecs
import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from ncpm.core.catalogue import measure, priorities
from ncpm.core.errors import ConfigError
from ncpm.core.forces import canonical_force, close_matches, find_force
from ncpm.core.periods import parse_quarter, to_month
from ncpm.methods import peers, spc
from ncpm.methods.baseline import BASELINE_METHODS, excluded_months
from ncpm.methods.disclosure import DisclosurePolicy
from ncpm.methods.forecast import ENGINES, parse_method
from ncpm.methods.forecast.options import parse_horizon
from ncpm.methods.series import unknown_districts
from ncpm.quarter.engine import LOCAL_CLUSTER, ONE_PER_CORE, EngineOptions
from ncpm.quarter.figures import FIGURE_SUFFIXES
from ncpm.quarter.options import FIGURE_RULES, NOTABLE_DIRECTIONS, OTHER_FIGURES, QuarterOptions

_METHODS = QuarterOptions()  # the methods' defaults, each written once (ncpm.quarter.options)
_DISCLOSURE = DisclosurePolicy()
_ENGINE = EngineOptions()


@dataclass(frozen=True)
class Inputs:
    paths: tuple[str, ...] = ("data/raw/demo",)  # files, folders or police.uk archives, relative to the config file
    encoding: str = ""  # the text files' encoding ("cp1252" for a CSV saved by Excel on Windows); empty = UTF-8,
    #   or UTF-16 by its byte-order mark (ncpm.io.csvtext); `ncpm ingest --encoding` is the same for one command
    police_uk_last_outcomes: bool = False  # police.uk street files' "Last outcome category" as outcomes, for a
    #   download without outcomes files (each crime's latest outcome, counted in the month the crime was recorded)


@dataclass(frozen=True)
class Scope:
    forces: tuple[str, ...] = ("Warwickshire",)  # forces to report on; every force is used for national comparison
    as_of: str = ""  # the latest month to report ("2023-06"); empty = the latest month in the data
    quarter: str = ""  # the quarter to report ("Q1 2023/24"); empty = the quarter holding as_of
    measures: tuple[str, ...] = _METHODS.measures  # catalogue ids the report covers; empty = every measure in the data


@dataclass(frozen=True)
class Baseline:
    method: str = _METHODS.baseline_method  # METHODS.md Baseline: "same_month" or "trailing_36"
    exclude: tuple[str, ...] = _METHODS.exclude  # month ranges left out, e.g. ["2020-04..2021-03"]
    in_line: float = _METHODS.in_line  # |z| below this: "in line with"
    substantial: float = _METHODS.substantial  # |z| at or above this: "substantially above/below"


@dataclass(frozen=True)
class Forecast:
    method: str = _METHODS.forecast_method  # "auto" (ETS by AICc; "ets" too), "sarima", "snaive" or an ETS model,
    #   e.g. "ETS(A,Ad,A)"
    engine: str = _METHODS.forecast_engine  # "statsmodels" (reference) or "fast" (batched kernels)
    horizon: int = _METHODS.horizon  # months of the forward look


@dataclass(frozen=True)
class Outcomes:
    include_diversionary: bool = _METHODS.include_diversionary  # Home Office outcome 22 is opt-in
    min_n: int = _METHODS.min_n  # "Caution: small numbers" when offences are fewer than this
    max_width: float = _METHODS.max_width  # ... or the Wilson 95% interval is wider than this


@dataclass(frozen=True)
class Satisfaction:
    survey: str = _METHODS.survey
    window: int = _METHODS.satisfaction_window  # rolling k-month pooled rate
    target: float = _METHODS.target


@dataclass(frozen=True)
class Peers:
    average: str = _METHODS.msg_average  # MSG average: "simple" (HMIC comparator) or "weighted" (HMICFRS VfM)
    k: float = _METHODS.k  # descriptive outlier band: MSG mean +/- k SD
    msg_version: str = ""  # empty = the only version in the MSG file (QuarterOptions.msg_version None)
    exclude_city_of_london: bool = _METHODS.exclude_city_of_london


@dataclass(frozen=True)
class Spc:
    run_length: int = _METHODS.run_length  # 6 or 7 points for the trend and shift rules
    improvement: str = _METHODS.improvement


@dataclass(frozen=True)
class Engine:
    kind: str = _ENGINE.kind  # where per-series work runs: "single", "processes" (this machine) or "dask"
    workers: int = ONE_PER_CORE  # processes or local Dask workers; 0 = one per core
    address: str = LOCAL_CLUSTER  # an existing Dask scheduler, e.g. "tcp://scheduler:8786"; empty = a local cluster


@dataclass(frozen=True)
class Disclosure:
    threshold: int = _DISCLOSURE.threshold  # sub-force counts below this are disclosive
    method: str = _DISCLOSURE.method  # "suppress" (with secondary suppression) or "round"
    base: int = _DISCLOSURE.base  # rounding base for method = "round"
    suppress_zeros: bool = _DISCLOSURE.suppress_zeros


@dataclass(frozen=True)
class Output:
    dir: str = "data/processed"
    figure_formats: tuple[str, ...] = ("png",)
    markdown: bool = False
    notebooks: bool = True  # execute and render the notebooks to HTML in the output folder
    previous_runs: int = 1  # complete runs kept in runs/ besides the published one (readers finishing a read)

    def __post_init__(self) -> None:  # "PNG" and "png" are one format: the writers look the lower-case name up
        object.__setattr__(self, "figure_formats", tuple(str(f).lower() for f in self.figure_formats))


@dataclass(frozen=True)
class Report:
    # figures in the body of the report: "notable" (those of measures whose statements are notable: see
    # ncpm.quarter.figures.notability), "all", or a list of measure ids and figure names, which may include "notable"
    figures: tuple[str, ...] = _METHODS.figures
    other_figures: str = _METHODS.other_figures  # the figures not in the body: "appendix" (at the end) or "none"
    notable_direction: str = _METHODS.notable_direction  # departures that make a statement notable: "concern"
    # (spc.improvement's opposite: rises for crime) or "both"
    commentary: str = ""  # the OPCC's commentary (Markdown, format in ncpm.words.commentary), relative to this file
    final: bool = False  # a final report: no "[OPCC commentary to be added]" placeholder (ncpm run --final)
    # per NCPM priority ("2" = ["firearms", "knife_crime", "Serious violence"]): the force's proxy measures, each a
    # measure id (shown by its label) or the force's own words; a priority not listed: its catalogue measures
    proxy_measures: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    inputs: Inputs = field(default_factory=Inputs)
    scope: Scope = field(default_factory=Scope)
    baseline: Baseline = field(default_factory=Baseline)
    forecast: Forecast = field(default_factory=Forecast)
    outcomes: Outcomes = field(default_factory=Outcomes)
    satisfaction: Satisfaction = field(default_factory=Satisfaction)
    peers: Peers = field(default_factory=Peers)
    spc: Spc = field(default_factory=Spc)
    engine: Engine = field(default_factory=Engine)
    disclosure: Disclosure = field(default_factory=Disclosure)
    output: Output = field(default_factory=Output)
    report: Report = field(default_factory=Report)
    # [areas.<force>]: the force's local policing areas, each the list of local authority districts it is made of
    # (police.uk areas are districts); a force without a table keeps its districts as its areas
    areas: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    base_dir: str = "."  # the folder relative paths are resolved against (the config file's folder)
    source: str = "config"  # the file the configuration was read from, for messages

    def path(self, value: str) -> Path:
        p = Path(value)
        return p if p.is_absolute() else Path(self.base_dir) / p

    def as_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out.pop("base_dir")
        out.pop("source")
        return out

    def area_mapping(self, force: str) -> dict[str, tuple[str, ...]]:
        """The ``[areas.<force>]`` table for ``force`` (any spelling of its name in the file), or {}."""
        for name, table in self.areas.items():
            if canonical_force(name) == canonical_force(force):
                return table
        return {}


CHOICES = {  # each option's choices, as the method that uses it lists them ([engine], [disclosure]: _check)
    "baseline.method": set(BASELINE_METHODS),
    "forecast.engine": set(ENGINES),
    "peers.average": set(peers.AVERAGES),
    "spc.run_length": set(spc.RUN_LENGTHS),
    "spc.improvement": set(spc.IMPROVEMENT) - {None},
    "report.other_figures": set(OTHER_FIGURES),
    "report.notable_direction": set(NOTABLE_DIRECTIONS),
}


def _coerce(key: str, value: Any, hint: Any) -> Any:
    if get_origin(hint) is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key} must be a table, not {type(value).__name__}")
        inner = get_args(hint)[1]
        return {str(k): _coerce(f"{key}.{k}", v, inner) for k, v in value.items()}
    if get_origin(hint) is tuple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ConfigError(f"{key} must be a list, not {type(value).__name__}")
        (inner, *_rest) = get_args(hint)
        return tuple(_coerce(f"{key}[{i}]", v, inner) for i, v in enumerate(value))
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key} must be true or false, not {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key} must be a whole number, not {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key} must be a number, not {value!r}")
        return float(value)
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be text, not {value!r}")
    return value


def _section(name: str, cls: type, table: Any) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}] must be a table")
    hints = get_type_hints(cls)
    known = sorted(hints)
    values = {}
    for key, value in table.items():
        if key not in hints:
            raise ConfigError(f"unknown key '{name}.{key}' (known: {', '.join(known)})")
        full = f"{name}.{key}"
        values[key] = _coerce(full, value, hints[key])
        if full in CHOICES and values[key] not in CHOICES[full]:
            raise ConfigError(f"{full} must be one of {', '.join(map(str, sorted(CHOICES[full], key=str)))}; "
                              f"not {value!r}")
    return cls(**values)


def load_config_text(text: str, *, base_dir: str | Path = ".", source: str = "config") -> Config:
    """Parse TOML text into a :class:`Config`; unknown keys, wrong types and bad choices name the key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    hints = get_type_hints(Config)
    internal = ("base_dir", "source")
    sections = {}
    for name, table in raw.items():
        if name not in hints or name in internal:
            raise ConfigError(f"{source}: unknown section [{name}] (known: "
                              f"{', '.join(s for s in sorted(hints) if s not in internal)})")
        sections[name] = _areas(table, source) if name == "areas" else _section(name, hints[name], table)
    cfg = Config(**sections, base_dir=str(base_dir), source=source)
    _check(cfg)
    return cfg


def _areas(table: Any, source: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """``[areas.<force>]`` tables: each key a local policing area, its value the list of districts it is made of.

    >>> _areas({"Warwickshire": {"East": ["Rugby"]}}, "ncpm.toml")
    {'Warwickshire': {'East': ('Rugby',)}}
    """
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [areas] must hold one table per force, e.g. [areas.Warwickshire]")
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for force, lpas in table.items():
        if find_force(force) is None:
            raise ConfigError(f"{source}: [areas.{force}]: unknown force {force!r}")
        if not isinstance(lpas, dict) or not lpas:
            raise ConfigError(f"{source}: [areas.{force}] must be a table of areas, e.g. East = [\"Rugby\"]")
        seen: dict[str, str] = {}
        for lpa, districts in lpas.items():
            key = f"areas.{force}.{lpa}"
            parts = _coerce(key, districts, tuple[str, ...])
            if not parts:
                raise ConfigError(f"{source}: {key}: list the districts the area is made of")
            for d in parts:
                if d in seen:
                    raise ConfigError(f"{source}: {key}: {d!r} is also in areas.{force}.{seen[d]}")
                seen[d] = lpa
        out[force] = {lpa: _coerce(f"areas.{force}.{lpa}", v, tuple[str, ...]) for lpa, v in lpas.items()}
    return out


def check_areas(cfg: Config, force: str, seen: set[str]) -> None:
    """Every district that ``[areas.<force>]`` lists is one the data hold for the force: else a
    :class:`ConfigError` naming the file, the key and the closest districts seen."""
    known = sorted(seen)
    for name, table in cfg.areas.items():
        if canonical_force(name) != canonical_force(force):
            continue
        for lpa, districts in table.items():
            for d, close in unknown_districts(districts, seen).items():
                hint = (f"; close matches: {', '.join(close)}" if close
                        else f"; districts seen: {', '.join(known) or 'none'}")
                raise ConfigError(f"{cfg.source}: areas.{name}.{lpa}: no district {d!r} in the data for "
                                  f"{canonical_force(force)}{hint}")


#: figure formats the run can write (matplotlib's, without extra packages)
FIGURE_FORMATS = ("png", "svg", "pdf", "eps", "ps", "jpg", "jpeg", "tif", "tiff")


def check_scope(as_of: str | None, quarter: str | None, *, as_of_name: str = "scope.as_of",
                quarter_name: str = "scope.quarter") -> None:
    """A month and a quarter given together must agree: the month (the latest month to report) is one of the
    quarter's; else a :class:`ConfigError` saying which months the quarter covers.

    >>> check_scope("2023-06", "Q4 2022/23", as_of_name="--as-of", quarter_name="--quarter")
    Traceback (most recent call last):
    ...
    ncpm.core.errors.ConfigError: --as-of 2023-06 and --quarter Q4 2022/23 disagree: Q4 2022/23 runs from January 2023 and ends in March 2023, and --as-of is the latest month to report, so it must be one of the quarter's months (2023-01 to 2023-03); give one of them, or leave --as-of out to report the quarter to its last month with data
    """
    month = q = None
    if as_of:
        try:
            month = to_month(as_of)
        except ValueError:
            raise ConfigError(f"{as_of_name}: not a month: {as_of!r} (expected YYYY-MM, e.g. 2023-06)") from None
    if quarter:
        try:
            q = parse_quarter(quarter)
        except ValueError as exc:
            raise ConfigError(f"{quarter_name}: {exc}") from None
    if month is None or q is None:
        return
    if not q.first_month <= month <= q.last_month:
        raise ConfigError(
            f"{as_of_name} {month} and {quarter_name} {q} disagree: {q} runs from {q.first_month.strftime('%B %Y')} "
            f"and ends in {q.last_month.strftime('%B %Y')}, and {as_of_name} is the latest month to report, so it "
            f"must be one of the quarter's months ({q.first_month} to {q.last_month}); give one of them, or leave "
            f"{as_of_name} out to report the quarter to its last month with data")


def _check(cfg: Config) -> None:
    if cfg.inputs.encoding:
        try:
            codecs.lookup(cfg.inputs.encoding)
        except LookupError:
            raise ConfigError(f"inputs.encoding: unknown encoding {cfg.inputs.encoding!r} "
                              "(e.g. utf-8, cp1252, latin-1)") from None
    for i, name in enumerate(cfg.scope.forces):
        if find_force(name) is None:
            near = close_matches(name)
            raise ConfigError(f"scope.forces[{i}]: unknown force {name!r}"
                              + (f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""))
    for i, m in enumerate(cfg.scope.measures):
        try:
            measure(m)
        except ConfigError as exc:
            raise ConfigError(f"scope.measures[{i}]: {exc}") from None
    check_scope(cfg.scope.as_of, cfg.scope.quarter)  # the month and the quarter, each and together
    for i, span in enumerate(cfg.baseline.exclude):
        try:
            excluded_months(span)
        except ConfigError as exc:
            raise ConfigError(f"baseline.exclude[{i}]: {str(exc).removeprefix('exclude: ')}") from None
    try:
        parse_method(cfg.forecast.method, cfg.forecast.engine)
    except ConfigError as exc:
        raise ConfigError(f"forecast.method: {exc}") from None
    parse_horizon(cfg.forecast.horizon, name="forecast.horizon")
    _by_the_method(cfg, EngineOptions, cfg.engine)
    for i, fmt in enumerate(cfg.output.figure_formats):
        if fmt.lower() not in FIGURE_FORMATS:
            raise ConfigError(f"output.figure_formats[{i}]: unknown figure format {fmt!r} (known: "
                              f"{', '.join(FIGURE_FORMATS)})")
    if cfg.output.previous_runs < 0:
        raise ConfigError("output.previous_runs must be 0 or more (complete runs kept besides the published one)")
    _by_the_method(cfg, DisclosurePolicy, cfg.disclosure)
    _check_figures(cfg.report.figures)
    _check_proxy_measures(cfg.report.proxy_measures)
    if not 0 < cfg.satisfaction.target < 1:
        raise ConfigError("satisfaction.target must be a proportion between 0 and 1 (0.8 for 80%)")


def _by_the_method(cfg: Config, options: type, section: Any) -> None:
    """A section the method's options check (``EngineOptions``, ``DisclosurePolicy``: the one check of those keys,
    worded with the key): built from the section's values, its error names the configuration file too."""
    try:
        options(**dataclasses.asdict(section))
    except ConfigError as exc:
        raise ConfigError(f"{cfg.source}: {exc}") from None


def _check_figures(figures: tuple[str, ...]) -> None:
    """``[report] figures``: "notable", "all", or measure ids and figure names ("vehicle_crime_msg"), with
    "notable" allowed among them; "all" stands alone."""
    if "all" in figures and len(figures) > 1:
        raise ConfigError('report.figures: "all" stands alone (a list names measures, optionally with "notable")')
    for i, name in enumerate(figures):
        if name in FIGURE_RULES:  # the rules; else a measure id or a figure name
            continue
        stem, _, suffix = name.rpartition("_")
        try:
            measure(stem if suffix in FIGURE_SUFFIXES and stem else name)
        except ConfigError as exc:
            raise ConfigError(f"report.figures[{i}]: {name!r} is not \"notable\", \"all\", a measure id or a "
                              f"figure name (<measure>_{'|'.join(FIGURE_SUFFIXES)}): {exc}") from None


def _check_proxy_measures(table: dict[str, tuple[str, ...]]) -> None:
    """``[report.proxy_measures]``: each key an NCPM priority number."""
    for key in table:
        if not key.isdigit() or int(key) not in priorities():
            raise ConfigError(f"report.proxy_measures.{key}: not an NCPM priority (one of "
                              f"{', '.join(map(str, priorities()))})")


def load_config(path: str | Path | None) -> Config:
    """Read a TOML config file; ``None`` gives the defaults (relative paths resolve against the working folder)."""
    if path is None:
        return load_config_text("")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no such config file: {path}") from None
    return load_config_text(text, base_dir=path.resolve().parent, source=str(path))
