"""Figures for the quarterly report, drawn from result frames.

Every function takes result frames (the agreed outputs of ``ncpm.methods``, ``ncpm.methods.forecast`` and ``ncpm.methods.peers``),
draws on the given Axes (or on a new :class:`matplotlib.figure.Figure`, so no pyplot state and no backend choice
is involved) and returns the Axes. Nothing is shown or written: the pipeline decides where figures go.

House style: one colour-blind safe palette (Okabe & Ito 2008, "Color Universal Design"), defined once in
:data:`PALETTE`, with fixed roles in :data:`ROLES`; en-GB labels ("Jun 2023", "Q1 2023/24"); sizes readable at
report width; a footnote under each chart naming the methods and the data source (METHODS.md: "prints the method
used in every figure's footnote"). Each artist a test or a report may look for carries a ``gid`` ("actual",
"baseline", "forecast", "forecast_band", "latest", "quarter", "msg_average", "target", "interval", "footnote").

>>> import pandas as pd
>>> v = pd.DataFrame({"force": "Warwickshire", "area": "Force", "measure": "knife_crime",
...                   "month": pd.period_range("2023-01", periods=6, freq="M"), "count": [30, 35, 33, 40, 50, 38],
...                   "baseline": 34.0, "baseline_method": "same_month"})
>>> ax = volume_chart(v, force="Warwickshire", measure="knife_crime", source="demo data")
>>> ax.get_title(loc="left")
'Knife crime volumes, Warwickshire'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ncpm.core import catalogue, schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.periods import fy_quarter, month_label, to_month
from ncpm.core.schema import (
    BASELINE,
    BASELINE_METHOD,
    BASELINE_NOTE,
    DESCRIPTIVE_OUTLIER,
    HI,
    HI_95,
    LO,
    LO_95,
    MEAN,
    METHOD,
    MSG_AVERAGE,
    ORIGIN,
    RATE,
    RATE_HI,
    RATE_LO,
    STATISTICAL_OUTLIER,
    TARGET,
    WINDOW,
)
from ncpm.methods.baseline import BASELINE_METHODS, BASELINE_YEARS
from ncpm.methods.peers import WINDOW_MONTHS
from ncpm.methods.series import MONTHS_PER_YEAR, latest_origin, month_column, one_row, select_rows
from ncpm.words.style import AREA_NOUN, percent

if TYPE_CHECKING:  # matplotlib is imported where a chart is drawn, so importing ncpm loads no plotting library
    from matplotlib.axes import Axes

PALETTE = {  # Okabe & Ito (2008), colour-blind safe
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
ROLES = {
    "actual": PALETTE["blue"],
    "baseline": PALETTE["black"],
    "forecast": PALETTE["orange"],
    "highlight": PALETTE["vermillion"],
    "peer": PALETTE["sky_blue"],
    "target": PALETTE["reddish_purple"],
    "quarter": "#EEEEEE",
}
# Lines for several series (yellow left out: too pale on white).
SERIES_COLOURS = [PALETTE[c] for c in ("blue", "orange", "bluish_green", "vermillion", "sky_blue",
                                       "reddish_purple", "black")]
# Up to 21 areas each get their own line: the colours above, solid, then dashed, then dotted (a force's districts
# number up to about 15); more than that and the smallest are drawn as one "Other areas" line.
AREA_STYLES = [(colour, style) for style in ("-", "--", ":") for colour in SERIES_COLOURS]
LEGEND_COLUMNS = 5  # legend entries a row: five area names fit the width of a figure
TITLE_PAD = 20  # points between the plot and its title for each row of the legend between them
CHART_MONTHS = BASELINE_YEARS * MONTHS_PER_YEAR  # a volume chart shows the 3-year average's window
FIGSIZE = (8.0, 4.5)  # inches: a full-width figure on an A4 page at 100%
FONT = {"title": 12, "label": 10, "tick": 9, "legend": 8, "footnote": 7.5}


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=FIGSIZE, layout="constrained")
    return fig.add_subplot()


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=FONT["tick"])


def _legend(ax: Axes, ncols: int) -> None:
    """The legend in a row between the title and the plot, so that it never covers data."""
    legend = ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=ncols, fontsize=FONT["legend"],
                       frameon=False, borderaxespad=0.2)
    rows = math.ceil(len(legend.get_texts()) / ncols)
    ax.set_title(ax.get_title(loc="left"), loc="left", fontsize=FONT["title"], pad=TITLE_PAD * rows)


def _footnote(ax: Axes, text: str) -> None:
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -36), textcoords="offset points",
                ha="left", va="top", fontsize=FONT["footnote"], color="#444444", wrap=True,
                annotation_clip=False, gid="footnote")


def _x(months: pd.Series | pd.PeriodIndex) -> np.ndarray:
    """Months as integer positions (Period ordinals), so the axis never depends on a date converter."""
    return np.asarray([to_month(m).ordinal for m in months], dtype=float)


def _month_axis(ax: Axes, months: pd.PeriodIndex) -> None:
    """Ticks at quarter ends ("Jun 2023"), every quarter up to two years shown, else every half year."""
    from matplotlib.ticker import FixedLocator

    step = 3 if len(months) <= 24 else 6
    ticks = [m for m in months if m.month % step == 0]
    ax.xaxis.set_major_locator(FixedLocator(_x(ticks)))
    ax.set_xticklabels([m.strftime("%b %Y") for m in ticks])
    ax.set_xlim(_x(months[:1])[0] - 0.5, _x(months[-1:])[0] + 0.5)


def _series(frame: pd.DataFrame, what: str, **filters: object) -> pd.DataFrame:
    rows = select_rows(frame, what, **filters).copy()
    if rows.empty:
        shown = ", ".join(f"{k}={v}" for k, v in filters.items() if v is not None)
        raise InputError(f"no rows for {shown}", file=what)
    rows[schema.MONTH] = month_column(rows)
    # the series keys this kind of frame has: a survey's rates have no area or measure, the others no survey
    keys = [c for c in (schema.FORCE, schema.AREA, schema.MEASURE, schema.SURVEY) if c in rows.columns]
    if keys and len(rows.drop_duplicates(keys)) > 1:
        found = "; ".join(", ".join(map(str, k)) for k in rows[keys].drop_duplicates().itertuples(index=False))
        raise ConfigError(f"{what}: more than one series ({found}); pass force, area, measure or survey")
    if rows[schema.MONTH].duplicated().any():
        raise InputError("more than one row per month; filter the frame to one series first", file=what)
    return rows.sort_values(schema.MONTH).reset_index(drop=True)


def _window(rows: pd.DataFrame, months: int, month: object | None) -> pd.DataFrame:
    end = to_month(month) if month is not None else rows[schema.MONTH].max()
    keep = (rows[schema.MONTH] <= end) & (rows[schema.MONTH] > end - months)
    return rows[keep.to_numpy()].reset_index(drop=True)


def _source(measure: str, source: str | None) -> str:
    if source:
        return source
    try:
        return catalogue.measure(measure).source
    except ConfigError:
        return "not stated"


def _place(force: str, area: str) -> str:
    return force if area == schema.WHOLE_FORCE else f"{force}, {area} {AREA_NOUN}"


def _count_axis(ax: Axes, title: str) -> None:
    """A monthly-count chart's y axis (from 0, whole offences only) and its title."""
    from matplotlib.ticker import MaxNLocator

    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.25 of an offence on the axis
    ax.set_ylabel("Offences per month", fontsize=FONT["label"])
    ax.set_title(title, fontsize=FONT["title"], loc="left")


def volume_chart(volumes_with_baseline: pd.DataFrame, forecast: pd.DataFrame | None = None, *, force: str,
                 area: str = schema.WHOLE_FORCE, measure: str, months: int = CHART_MONTHS, month: object | None = None,
                 highlight: object | None = None, title: str | None = None, source: str | None = None,
                 ax: Axes | None = None) -> Axes:
    """Monthly counts for the last ``months`` months to ``month`` (default: the latest), the 3-year average, the
    forecast with its 95% prediction interval, the ``highlight`` month marked (default: the latest, e.g. the month
    a statement headlines) and the latest month's quarter shaded.

    ``volumes_with_baseline``: ``baseline.three_year_average`` output (``count``, ``baseline``,
    ``baseline_method``); ``forecast``: ``forecast.forecast`` output (``mean``, ``lo_95``, ``hi_95``, ``method``,
    ``origin``; the latest origin is drawn). The footnote names the baseline method, the forecast method and
    origin, and the source (default: the catalogue's source for the measure).
    """
    ax = _axes(ax)
    rows = _window(_series(volumes_with_baseline, "volumes", force=force, area=area, measure=measure), months, month)
    if rows.empty:
        raise InputError(f"no months to draw for {force}, {area}, {measure}", file="volumes")
    shown = pd.period_range(rows[schema.MONTH].iloc[0], rows[schema.MONTH].iloc[-1], freq="M")
    latest = rows.iloc[-1]
    quarter = fy_quarter(latest[schema.MONTH])
    ax.axvspan(_x([quarter.first_month])[0] - 0.5, _x([quarter.last_month])[0] + 0.5, color=ROLES["quarter"],
               label=str(quarter), gid="quarter", zorder=0)
    x = _x(rows[schema.MONTH])
    ax.plot(x, rows[schema.COUNT].astype(float), color=ROLES["actual"], marker="o", markersize=3, linewidth=1.6,
            label="Recorded offences", gid="actual")
    notes = []
    if not rows[BASELINE].notna().any():
        notes.append("3-year average: none in these months (it needs 36 earlier months).")
    else:
        ax.plot(x, rows[BASELINE].astype(float), color=ROLES["baseline"], linestyle="--", linewidth=1.2,
                label="3-year average", gid="baseline")
        # three_year_average gives both (schema.BASELINE_RESULT); a baseline frame built by hand may lack them (the
        # method is one of schema.OPTIONAL_RESULT_COLUMNS), and the footnote then says "not stated"
        methods = rows[BASELINE_METHOD].dropna().astype(str).unique() \
            if BASELINE_METHOD in rows.columns else []
        described = "; ".join(BASELINE_METHODS.get(m, m) for m in methods) or "not stated"
        base_notes = rows[BASELINE_NOTE].dropna().astype(str).unique() \
            if BASELINE_NOTE in rows.columns else []
        extra = "".join(f"; {n}" for n in base_notes if n)  # a note may hold brackets: never bracketed again
        notes.append(f"3-year average: {described}{extra}.")
    if forecast is not None:
        f = latest_origin(select_rows(forecast, "forecast", force=force, area=area, measure=measure))
        if f.empty:
            raise InputError(f"no forecast for {force}, {area}, {measure}", file="forecast")
        f = f.assign(**{schema.MONTH: month_column(f)}).sort_values(schema.MONTH)
        fx = _x(f[schema.MONTH])
        ax.fill_between(fx, f[LO_95].astype(float), f[HI_95].astype(float),
                        color=ROLES["forecast"], alpha=0.25, linewidth=0, label="95% prediction interval",
                        gid="forecast_band")
        ax.plot(fx, f[MEAN].astype(float), color=ROLES["forecast"], linestyle="-.", linewidth=1.4,
                label="Forecast", gid="forecast")
        # the method is one of schema.OPTIONAL_RESULT_COLUMNS (a forecast frame built by hand may lack it)
        method = str(f[METHOD].iloc[0]) if METHOD in f.columns else "not stated"
        made = f" made at {month_label(to_month(f[ORIGIN].iloc[0]))}"
        notes.append(f"Forecast: {method}{made}, with 95% prediction interval.")
        shown = pd.period_range(min(shown[0], f[schema.MONTH].min()), max(shown[-1], f[schema.MONTH].max()),
                                freq="M")
    marked = latest if highlight is None else one_row(rows, "volumes", month=highlight)
    ax.plot(_x([marked[schema.MONTH]]), [float(marked[schema.COUNT])], linestyle="none", marker="o", markersize=8,
            markerfacecolor="none", markeredgecolor=ROLES["highlight"], markeredgewidth=2,
            label=f"{month_label(marked[schema.MONTH])}: {int(marked[schema.COUNT]):,}", gid="latest")
    notes.append(f"Source: {_source(measure, source)}.")
    _month_axis(ax, shown)
    _count_axis(ax, title or f"{catalogue.label(measure, capital=True)} volumes, {_place(force, area)}")
    _legend(ax, ncols=3)
    _style(ax)
    _footnote(ax, " ".join(notes))
    return ax


def lpa_chart(volumes: pd.DataFrame, force: str, measure: str, *, months: int = 24, month: object | None = None,
              title: str | None = None, source: str | None = None, note: str = "", noun: str = AREA_NOUN,
              ax: Axes | None = None) -> Axes:
    """One line per local policing area (rows with ``area`` other than "Force"), last ``months`` months; ``noun``
    names the areas in the legend and title ("LPA"; "" for areas named alone, such as local authority districts).

    ``volumes``: canonical volumes or any result frame with ``count``; a missing count (suppressed by disclosure
    control) is a gap in its line. Areas in alphabetical order, colours in the palette's order. ``note``: a
    sentence added to the footnote (what disclosure control changed).
    """
    ax = _axes(ax)
    rows = select_rows(volumes, "volumes", force=force, measure=measure).copy()
    rows = rows[(rows[schema.AREA].astype(str) != schema.WHOLE_FORCE).to_numpy()]
    if rows.empty:
        raise InputError(f"no local policing area rows for {force}, {measure}", file="volumes")
    rows[schema.MONTH] = month_column(rows)
    rows = _window(rows.sort_values([schema.AREA, schema.MONTH]), months, month)
    areas = sorted(rows[schema.AREA].astype(str).unique())
    combined = ""
    if len(areas) > len(AREA_STYLES):  # the smallest areas drawn as one line, so that every line stays distinct
        totals = rows.groupby(schema.AREA, observed=True)[schema.COUNT].sum().sort_values(ascending=False)
        rest = [str(a) for a in totals.index[len(AREA_STYLES) - 1:]]
        other = f"Other areas ({len(rest)})"
        rows = rows.assign(**{schema.AREA: rows[schema.AREA].astype(str).where(
            ~rows[schema.AREA].astype(str).isin(rest), other)})
        rows = rows.groupby([schema.AREA, schema.MONTH], observed=True, as_index=False)[schema.COUNT].sum(min_count=1)
        areas = sorted(a for a in rows[schema.AREA].unique() if a != other) + [other]
        combined = f"{other}: {', '.join(sorted(rest))}."
    for (colour, style), area in zip(AREA_STYLES, areas, strict=False):
        one = rows[(rows[schema.AREA].astype(str) == area).to_numpy()]
        ax.plot(_x(one[schema.MONTH]), one[schema.COUNT].astype(float), color=colour, linestyle=style, marker="o",
                markersize=2.5, linewidth=1.4,
                label=area if len(areas) > len(SERIES_COLOURS) or not noun else f"{area} {noun}",
                gid=f"area:{area}")
    _month_axis(ax, pd.period_range(rows[schema.MONTH].min(), rows[schema.MONTH].max(), freq="M"))
    _count_axis(ax, title or f"{catalogue.label(measure, capital=True)} by "
                              f"{'local policing area' if noun == AREA_NOUN else 'area'}, {force}")
    _legend(ax, ncols=min(len(areas), LEGEND_COLUMNS))
    note = " ".join(filter(None, [note, combined]))
    _style(ax)
    _footnote(ax, " ".join(filter(None, [f"{AREA_NOUN}: Local Policing Area." if noun == AREA_NOUN else "",
                                         note, f"Source: {_source(measure, source)}."])))
    return ax


def msg_chart(msg_result: pd.DataFrame, rates: pd.DataFrame, force: str, measure: str, month: object, *,
              msg: pd.DataFrame | None = None, window: int = WINDOW_MONTHS, title: str | None = None,
              source: str | None = None, ax: Axes | None = None) -> Axes:
    """The force and its Most Similar Group (MSG): rates per 1,000 population with exact Poisson 95% intervals as
    horizontal bars (lowest rate at the top), the MSG average as a vertical line, the force highlighted.

    ``msg_result``: ``peers.msg_compare`` output (the force's ``msg_average`` and outlier flags); ``rates``:
    ``peers.rates_per_1000`` output (``rate``, ``rate_lo``, ``rate_hi``); ``msg``: the membership frame (force,
    peer, version; the latest version is used) to pick the group from ``rates``, else every force in ``rates``
    is drawn. ``window`` names the rate window in the axis label.
    """
    ax = _axes(ax)
    month = to_month(month)
    row = one_row(msg_result, "MSG comparison", force=force, measure=measure, month=month)
    group = select_rows(rates, "rates", measure=measure, month=month, area=schema.WHOLE_FORCE)
    if msg is not None:
        members = msg[(msg[schema.FORCE].astype(str) == force).to_numpy()]
        if not members.empty:
            members = members[(members[schema.VERSION].astype(str) == members[schema.VERSION].astype(str).max())
                              .to_numpy()]
        names = {force, *members[schema.PEER].astype(str)}
        group = group[group[schema.FORCE].astype(str).isin(names).to_numpy()]
    if force not in set(group[schema.FORCE].astype(str)):
        raise InputError(f"no rate for {force}, {measure}, {month}", file="rates")
    group = group.sort_values(RATE, ascending=False).reset_index(drop=True)
    rate = group[RATE].astype(float).to_numpy()
    err = np.vstack([rate - group[RATE_LO].astype(float).to_numpy(),
                     group[RATE_HI].astype(float).to_numpy() - rate])
    is_force = (group[schema.FORCE].astype(str) == force).to_numpy()
    colours = [ROLES["highlight"] if f else ROLES["peer"] for f in is_force]
    y = np.arange(len(group), dtype=float)
    bars = ax.barh(y, rate, xerr=err, color=colours, height=0.6, error_kw={"ecolor": "#333333", "capsize": 3,
                                                                          "linewidth": 1})
    for bar, name in zip(bars, group[schema.FORCE].astype(str), strict=True):
        bar.set_gid(f"force:{name}")
    average = float(row[MSG_AVERAGE])
    ax.axvline(average, color=ROLES["baseline"], linestyle="--", linewidth=1.2,
               label=f"MSG average {average:,.1f}", gid="msg_average")
    ax.set_yticks(y, labels=list(group[schema.FORCE].astype(str)))
    for tick, f in zip(ax.get_yticklabels(), is_force, strict=True):
        if f:
            tick.set_fontweight("bold")
    ax.set_xlim(left=0)
    ax.set_xlabel(f"Offences per 1,000 population, {window} months to {month_label(month)}",
                  fontsize=FONT["label"])
    ax.set_title(title or f"{catalogue.label(measure, capital=True)}: {force} and its Most Similar Group",
                 fontsize=FONT["title"], loc="left")
    _legend(ax, ncols=1)
    _style(ax)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    flags = [name for col, name in ((DESCRIPTIVE_OUTLIER, "descriptive"),
                                    (STATISTICAL_OUTLIER, "statistical"))
             if not pd.isna(row[col]) and bool(row[col])]
    flagged = f"{force} is flagged as an outlier ({' and '.join(flags)})." if flags else \
        f"{force} is not flagged as an outlier."
    _footnote(ax, f"Bars: rate per 1,000 population with exact Poisson 95% interval. {flagged} "
                  f"Source: {_source(measure, source)}.")
    return ax


def rate_chart(rate_frame: pd.DataFrame, target: float | None = None, *, force: str | None = None,
               survey: str | None = None, measure: str | None = None, area: str | None = None,
               months: int | None = None, month: object | None = None, window: int | None = None,
               label: str | None = None, title: str | None = None, source: str | None = None,
               ax: Axes | None = None) -> Axes:
    """A rate over time with its 95% interval band and, when given (or in the frame's ``target`` column), a
    target line: the rolling satisfaction rate (``satisfaction.rolling_rate``) or the 'action taken' outcome rate
    (``outcomes.outcome_rate``), both with Wilson intervals (``lo``, ``hi``). Rates are drawn as percentages.

    Filter to one series with ``force``/``survey``/``measure``/``area``; ``months`` limits the span to ``month``.
    ``window`` names the rolling window in the footnote (the ``window`` column when the frame has one).
    ``label`` names the rate in the title (a survey's measure label, "Domestic abuse victim satisfaction (whole
    experience)"); without it, a survey is named from its id without a "da_" prefix ("whole experience
    satisfaction"), as the statements name it, never by the id itself.
    """
    ax = _axes(ax)
    rows = _series(rate_frame, "rates", force=force, survey=survey, measure=measure, area=area)
    if months is not None:
        rows = _window(rows, months, month)
    x = _x(rows[schema.MONTH])
    ax.fill_between(x, 100 * rows[LO].astype(float), 100 * rows[HI].astype(float),
                    color=ROLES["actual"], alpha=0.2, linewidth=0, label="95% interval (Wilson)", gid="interval")
    ax.plot(x, 100 * rows[RATE].astype(float), color=ROLES["actual"], marker="o", markersize=3,
            linewidth=1.6, label="Rate", gid="rate")
    if target is None and TARGET in rows.columns and rows[TARGET].notna().any():  # a survey's rates have a target
        target = float(rows[TARGET].dropna().iloc[-1])
    if target is not None and not math.isnan(target):
        ax.axhline(100 * target, color=ROLES["target"], linestyle="--", linewidth=1.4,
                   label=f"Target {percent(target)}", gid="target")
    if WINDOW in rows.columns and rows[WINDOW].notna().any():  # outcome rates have one, a survey's rates do not
        window = int(rows[WINDOW].dropna().iloc[-1])
    is_survey = schema.SURVEY in rows.columns  # which of the two kinds of rate frame this is
    who = str(rows[schema.FORCE].iloc[0])
    if is_survey:
        span = f"Rolling {window}-month pooled rate" if window else "Pooled rate"
        method = f"{span}: satisfied / valid responses (don't know excluded)"
        named = label or "Victim satisfaction: " + str(rows[schema.SURVEY].iloc[0]).removeprefix("da_").replace(
            "_", " ")
        default = f"{named}, {who}"
        what = source or "force victim survey"
    else:
        span = f"rolling {window}-month" if window and window > 1 else "monthly"
        method = f"'Action taken' outcome rate, {span}: action-taken outcomes / offences recorded in the period"
        m = str(rows[schema.MEASURE].iloc[0])
        default = f"'Action taken' outcome rate, {label or catalogue.label(m)}, {who}"
        what = _source(m, source)
    _month_axis(ax, pd.period_range(rows[schema.MONTH].min(), rows[schema.MONTH].max(), freq="M"))
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_ylabel("Rate", fontsize=FONT["label"])
    ax.set_title(title or default, fontsize=FONT["title"], loc="left")
    _legend(ax, ncols=3)
    _style(ax)
    _footnote(ax, f"{method}, with Wilson 95% interval. Source: {what}.")
    return ax
