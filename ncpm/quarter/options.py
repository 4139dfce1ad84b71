"""Every method choice of a quarterly run, in one frozen value (:class:`QuarterOptions`), with METHODS.md's defaults.

Each default is written once: here, or at the method that uses it (``ncpm.methods``' constants, referenced here);
the configuration (``ncpm.pipeline.config``) takes its defaults from these, so a default cannot differ between an
empty ``ncpm.toml``, a notebook's ``QuarterOptions()`` and the report's methods section.

>>> opts = QuarterOptions(outcome_lag=1)
>>> opts.forecast_engine
'statsmodels'
"""

from __future__ import annotations

from dataclasses import dataclass

from ncpm.core.catalogue import outcome_table
from ncpm.methods import peers, spc
from ncpm.methods.baseline import DEFAULT_BASELINE, Z_IN_LINE, Z_SUBSTANTIAL
from ncpm.methods.disclosure import DEFAULT_THRESHOLD
from ncpm.methods.forecast import options as forecast_options
from ncpm.methods.forecast.intervals import CALIBRATION_HORIZON, CALIBRATION_ORIGINS
from ncpm.methods.forecast.models import RARE_WINDOW
from ncpm.methods.outcomes import MAX_WIDTH, MIN_N
from ncpm.methods.satisfaction import SATISFACTION_WINDOW
from ncpm.words.style import AREA_NOUN

FIGURE_RULES = ("notable", "all")  # [report] figures: the rules, besides measure ids and figure names
OTHER_FIGURES = ("appendix", "none")  # [report] other_figures: an appendix at the end of the report, or left out
NOTABLE_DIRECTIONS = ("concern", "both")  # departures that make a statement notable (see quarter.figures.Notability)


def _statement_threshold(cfg) -> int:
    """The disclosure threshold statements follow: the configured ``[disclosure] threshold``."""
    section = getattr(cfg, "disclosure", None)
    return DEFAULT_THRESHOLD if section is None else int(section.threshold)


def _report_options(cfg) -> dict[str, object]:
    """The figure options of ``[report]`` (its defaults when the configuration has no such section)."""
    section = getattr(cfg, "report", None)
    if section is None:
        return {}
    return {"figures": tuple(section.figures), "other_figures": section.other_figures,
            "notable_direction": section.notable_direction}


def _scope_measures(cfg) -> tuple[str, ...]:
    """The measures ``[scope] measures`` restricts the report to (() = every measure in the data)."""
    section = getattr(cfg, "scope", None)
    return () if section is None else tuple(section.measures)



def _interval_words() -> str:
    """How the report's prediction intervals are made (``ncpm.methods.forecast.options.DEFAULT_INTERVALS``)."""
    if forecast_options.DEFAULT_INTERVALS == "calibrated":
        earlier = " and ".join(str(CALIBRATION_HORIZON * j) for j in range(1, CALIBRATION_ORIGINS + 1))
        return f"the model's, rescaled by the series' own errors of the forecasts made {earlier} months earlier"
    return "the model's"

@dataclass(frozen=True)
class QuarterOptions:
    """Every method choice of a quarterly run, with METHODS.md's defaults."""

    baseline_method: str = DEFAULT_BASELINE
    exclude: tuple[str, ...] = ()
    in_line: float = Z_IN_LINE
    substantial: float = Z_SUBSTANTIAL
    forecast_method: str = forecast_options.DEFAULT_METHOD
    forecast_engine: str = forecast_options.DEFAULT_ENGINE
    horizon: int = forecast_options.DEFAULT_HORIZON  # months of the forward look from the latest month
    include_diversionary: bool = False
    min_n: int = MIN_N
    max_width: float = MAX_WIDTH
    outcome_lag: int = 1
    survey: str = "da_whole_experience"
    satisfaction_window: int = SATISFACTION_WINDOW
    target: float = 0.80
    msg_average: str = peers.DEFAULT_AVERAGE
    k: float = peers.K_SD
    msg_version: str | None = None
    exclude_city_of_london: bool = False
    rank_lag: int = 3
    run_length: int = spc.RUN_LENGTH
    improvement: str = spc.DEFAULT_IMPROVEMENT
    source: str = ""  # the data source named in figure footnotes; "" = each measure's source in the catalogue
    suppress_below: int = DEFAULT_THRESHOLD  # statements never publish an LPA count from 1 to this - 1; 0 = no control
    area_noun: str = AREA_NOUN  # how statements and charts name a local area; "" = by its name alone (districts)
    figures: tuple[str, ...] = ("notable",)  # figures with their sections: "notable", "all", or ids (quarter_figures)
    other_figures: str = "appendix"  # the other figures: "appendix" (at the end of the report) or "none"
    notable_direction: str = "concern"  # departures that make a statement notable: "concern" or "both" (Notability)
    measures: tuple[str, ...] = ()  # catalogue ids the report is restricted to ([scope] measures); () = every one

    @classmethod
    def from_config(cls, cfg, *, source: str = "") -> QuarterOptions:
        """Options from a :class:`ncpm.pipeline.config.Config`; ``source`` names the data in figure footnotes."""
        return cls(source=source,
            baseline_method=cfg.baseline.method, exclude=cfg.baseline.exclude, in_line=cfg.baseline.in_line,
            substantial=cfg.baseline.substantial, forecast_method=cfg.forecast.method,
            forecast_engine=cfg.forecast.engine, horizon=cfg.forecast.horizon,
            include_diversionary=cfg.outcomes.include_diversionary, min_n=cfg.outcomes.min_n,
            max_width=cfg.outcomes.max_width, survey=cfg.satisfaction.survey,
            satisfaction_window=cfg.satisfaction.window, target=cfg.satisfaction.target,
            msg_average=cfg.peers.average, k=cfg.peers.k, msg_version=cfg.peers.msg_version or None,
            exclude_city_of_london=cfg.peers.exclude_city_of_london, run_length=cfg.spc.run_length,
            improvement=cfg.spc.improvement, suppress_below=_statement_threshold(cfg), **_report_options(cfg),
            measures=_scope_measures(cfg),
        )

    def in_scope(self, measure: str, parent: str | None = None) -> bool:
        """Whether the report may cover ``measure`` (a sub-measure, with its ``parent``, goes with its parent)."""
        return not self.measures or measure in self.measures or (parent is not None and parent in self.measures)

    def _figures_words(self) -> str:
        """Which figures go with the statements (:func:`quarter_figures`), in words for the methods section."""
        if "all" in self.figures:
            return "every chart with its measure's section"
        rule = ("the main chart of each measure whose statements are notable (substantially above or below the "
                f"3-year average, |z| >= {self.substantial:g}; outside the forecast's 95% interval; an SPC exception; "
                + ("rises or falls" if self.notable_direction == "both" else
                   f"departures of concern only, improvement = {self.improvement}") + ")")
        named = [n for n in self.figures if n != "notable"]
        chosen = (rule if "notable" in self.figures else "") + (
            ("; and " if "notable" in self.figures else "the charts named: ") + ", ".join(named) if named else "")
        return (f"with its measure's section, {chosen}; "
                + ("the others in an appendix" if self.other_figures == "appendix" else "the others left out"))

    def describe(self) -> dict[str, str]:
        """The methods section of the report: each choice in words."""
        return {
            "3-year average": f"{self.baseline_method.replace('_', ' ')} (docs/methods.md, the 3-year average)"
                              + (f", excluding {', '.join(self.exclude)}" if self.exclude else ""),
            "Comparison": f"Poisson z = (y - B) / sqrt(B): 'in line with' when |z| < {self.in_line}, "
                          f"'substantially' when |z| >= {self.substantial}",
            "Forecast": f"{self.forecast_method} ({self.forecast_engine} engine), horizon {self.horizon} months, "
                        f"{' and '.join(f'{level}%' for level in forecast_options.DEFAULT_LEVELS)} prediction intervals"
                        f" ({_interval_words()}); seasonal naive fallback under {forecast_options.MIN_MONTHS} months; "
                        f"a Poisson count model where at least half of the last {RARE_WINDOW} months count at most "
                        f"{forecast_options.RARE_COUNT}",
            "Outcome rate": "action-taken outcomes recorded in the month / offences recorded in the month "
                            f"(outcomes set {outcome_table().version}; outcome 22 "
                            f"{'included' if self.include_diversionary else 'excluded'}), Wilson 95% interval; "
                            f"caution under {self.min_n} offences or wider than {self.max_width:.0%}; reported "
                            f"{self.outcome_lag} month(s) behind the latest",
            "Satisfaction": f"rolling {self.satisfaction_window}-month pooled rate, Wilson 95% interval, "
                            f"target {self.target:.0%}",
            "Most Similar Group": f"{self.msg_average} average of rates per 1,000; descriptive flag outside "
                                  f"mean +/- {self.k:g} SD; statistical flag when the exact Poisson 95% interval "
                                  "excludes the MSG average",
            "National rank": "1 = lowest rate per 1,000 over 12 months among the 43 territorial forces"
                             + (" less City of London" if self.exclude_city_of_london else "")
                             + f"; change against the window ending {self.rank_lag} months earlier. Without monthly "
                             "counts of every force: from ONS police force area tables (Table P1) over their own "
                             "12-month period, with the mid-year population ONS pairs with it (Table P3's year), "
                             "the change against the previous ONS period held",
            "Home Office PRC quarter": "for measures the monthly data lack: the quarter's count against the mean "
                                       "of the same quarter in the previous three years (Poisson z, as the 3-year "
                                       "average)",
            "Exceptions": f"XmR (NHS Making Data Count) on residuals from the 3-year average, runs of "
                          f"{self.run_length}, improvement = {self.improvement}",
            "Statements by LPA": (f"no LPA count from 1 to {self.suppress_below - 1} is given (disclosure control): "
                                  "such a change and count is left out, such a share is not stated"
                                  if self.suppress_below > 1 else "counts as recorded (no disclosure control)"),
            "Figures": self._figures_words(),
            **({"Measures": "only " + ", ".join(self.measures) + " ([scope] measures)"} if self.measures else {}),
        }
