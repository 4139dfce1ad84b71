"""Most Similar Groups (MSG; METHODS.md, "Most Similar Groups (MSG) and national rank"): the membership table checked
(:func:`validate_msg`) and each force's rate against its group (:func:`msg_compare`).

The MSG average (``simple`` = mean of the group's rates, the HMIC comparator; ``weighted`` = sum of crimes / sum of
population, the HMICFRS value-for-money profile), the sample SD of the group's rates, the force's position in its group
(1 = lowest) and two flags, named apart on purpose: the *descriptive* flag (rate outside MSG average +/- k SD; a
description of spread, not a test) and the *statistical* flag (the exact Poisson 95% interval of the force's rate
excludes the MSG average).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ncpm.core import schema
from ncpm.core.errors import ConfigError, InputError
from ncpm.core.forces import CITY_OF_LONDON, canonical_force, find_force
from ncpm.core.schema import (
    DESCRIPTIVE_OUTLIER,
    FLAG_NOTE,
    MSG_AVERAGE,
    MSG_AVERAGE_METHOD,
    MSG_DIRECTION,
    MSG_MAX_SIZE,
    MSG_POSITION,
    MSG_SD,
    MSG_SIZE,
    RATE,
    RATE_HI,
    RATE_LO,
    STATISTICAL_OUTLIER,
)
from ncpm.methods.rates import PER_POPULATION, force_rates

AVERAGES = ("simple", "weighted")
DEFAULT_AVERAGE = "simple"  # the MSG average: the simple mean, as HMIC's comparator (METHODS.md, MSG section)
K_SD = 1.0  # descriptive outlier band: the MSG mean +/- 1 SD (METHODS.md, MSG section)
NO_GROUP_REASON = {  # why a force has no group: the end of its flag_note, and what a statement says
    CITY_OF_LONDON: "its resident population is too small and unusual for a most similar group",
}
INCOMPLETE_GROUP = "no MSG comparison"  # a group lacking a peer's rate: the end of its flag_note
# msg_direction, the force's rate against its MSG average: categorical labels of the method's output, named once here
ABOVE, BELOW, EQUAL = "above", "below", "equal to"
DIRECTIONS = (ABOVE, BELOW, EQUAL)


def validate_msg(msg: pd.DataFrame, forces: list[str] | None = None, *, version: str | None = None,
                 source: str = "msg", checked: bool = False) -> pd.DataFrame:
    """Check an MSG membership table (force, peer, version) and return it with canonical force names.

    Membership is data (METHODS.md): a force and up to seven peers, groups need not be symmetric. Refused, with an
    error naming the row (0-based position in the frame) or the force: an unknown force or peer name (any spelling
    that :func:`ncpm.core.forces.find_force` knows is accepted), a name outside ``forces`` when given, a force listed as
    its own peer, the same peer twice, more than seven peers, and a table mixing versions when no ``version=`` is
    chosen (:class:`ConfigError` listing the versions). Returns force, peer, version sorted, one version only.

    >>> m = pd.DataFrame({"force": ["warwickshire", "Warwickshire"], "peer": ["Wiltshire", "West Mercia Police"],
    ...                   "version": "illustrative"})
    >>> validate_msg(m)["peer"].tolist()
    ['West Mercia', 'Wiltshire']
    """
    if not checked:  # checked: the caller ran schema.validate already
        schema.validate(msg, schema.MSG, source=source)  # columns present, no missing values, no duplicate rows
    raw = msg[[schema.FORCE, schema.PEER, schema.VERSION]].reset_index(drop=True)
    allowed = None if forces is None else {canonical_force(f) for f in forces}
    names: dict[str, list[str]] = {schema.FORCE: [], schema.PEER: []}
    for column in (schema.FORCE, schema.PEER):
        for row, value in enumerate(raw[column].tolist()):
            found = find_force(value)
            if found is None:
                raise InputError(f"unknown force {str(value)!r}", file=source, row=row, column=column)
            if allowed is not None and found not in allowed:
                raise InputError(f"{found} is not in the comparison set of forces", file=source, row=row,
                                 column=column)
            names[column].append(found)
    out = pd.DataFrame({schema.FORCE: names[schema.FORCE], schema.PEER: names[schema.PEER],
                        schema.VERSION: raw[schema.VERSION].astype(str).str.strip()})
    versions = sorted(out[schema.VERSION].unique())
    if version is not None:
        if str(version) not in versions:
            raise ConfigError(f"MSG version {version!r} not in the table; versions: {', '.join(versions)}")
        out = out[out[schema.VERSION] == str(version)]
    elif len(versions) > 1:
        raise ConfigError(f"the MSG table mixes versions {', '.join(versions)}: choose one with version=")
    self_peer = out[schema.FORCE] == out[schema.PEER]
    if self_peer.any():
        row = int(out.index[self_peer][0])
        raise InputError(f"{out.loc[row, schema.FORCE]} is listed as its own peer", file=source, row=row,
                         column=schema.PEER)
    dup = out.duplicated([schema.FORCE, schema.PEER])
    if dup.any():
        row = int(out.index[dup][0])
        raise InputError(f"{out.loc[row, schema.PEER]} is listed twice as a peer of {out.loc[row, schema.FORCE]}",
                         file=source, row=row, column=schema.PEER)
    sizes = out.groupby(schema.FORCE).size()
    too_big = sizes[sizes > MSG_MAX_SIZE - 1]
    if len(too_big):
        force = too_big.index[0]
        raise InputError(f"{force} has {too_big.iloc[0]} peers; a Most Similar Group has at most "
                         f"{MSG_MAX_SIZE - 1}", file=source, column=schema.PEER)
    return out.sort_values([schema.FORCE, schema.PEER], ignore_index=True)



def msg_compare(rates: pd.DataFrame, msg: pd.DataFrame, average: str = DEFAULT_AVERAGE, k: float = K_SD, *,
                version: str | None = None, per: float = PER_POPULATION,
                checked: bool = False) -> pd.DataFrame:
    """Each force's rate against its Most Similar Group, per measure and month (METHODS.md, MSG section).

    The group is the force and its peers (from ``msg``, checked by :func:`validate_msg`; groups may be asymmetric).
    - ``msg_average``: ``simple`` = mean of the group's rates (HMIC comparator), ``weighted`` = sum of the group's
      counts / sum of its populations x 1,000 (HMICFRS value-for-money); ``per`` must match the rates.
    - ``msg_sd``: sample SD (ddof = 1) of the group's rates, the force included.
    - ``msg_position``: rank of the force's rate in its group, 1 = lowest, ties share the better position;
      ``msg_size`` = number of forces in the group.
    - ``descriptive_outlier``: rate < average - k SD or rate > average + k SD (k = 1 by default). Describes where the
      force sits in the spread of its group; it is not a significance test.
    - ``statistical_outlier``: the exact Poisson 95% interval of the force's rate (``rate_lo``, ``rate_hi``)
      excludes the MSG average.
    - ``msg_direction``: :data:`ABOVE`, :data:`BELOW` or :data:`EQUAL` ("equal to") the MSG average.
    A force with no group (City of London), or whose group lacks a rate for a peer, gets NA flags and the reason in
    ``flag_note``. Only whole-force rows (area "Force") are compared.

    Output columns: force, measure, month, rate, rate_lo, rate_hi, msg_average, msg_average_method, msg_sd,
    msg_position, msg_size, msg_direction, descriptive_outlier, statistical_outlier, flag_note, version.

    >>> r = pd.DataFrame({"force": ["Warwickshire", "Wiltshire", "West Mercia"], "measure": "burglary",
    ...                   "month": "2023-06", "count": [10, 20, 30], "population": [1000, 1000, 1000]})
    >>> r["rate"] = r["count"] / r["population"] * 1000
    >>> r["rate_lo"], r["rate_hi"] = r["rate"] - 1, r["rate"] + 1
    >>> m = pd.DataFrame({"force": "Warwickshire", "peer": ["Wiltshire", "West Mercia"], "version": "v1"})
    >>> out = msg_compare(r, m).iloc[0]
    >>> float(out["msg_average"]), float(out["msg_sd"]), int(out["msg_position"]), bool(out["descriptive_outlier"])
    (20.0, 10.0, 1, False)
    """
    if average not in AVERAGES:
        raise ConfigError(f"average must be one of {', '.join(AVERAGES)}, not {average!r}")
    if not np.isfinite(k) or k < 0:
        raise ConfigError(f"k must be a non-negative number of standard deviations, not {k!r}")
    groups = msg if checked else validate_msg(msg, version=version)  # checked: validate_msg's table already
    group_version = groups[schema.VERSION].iloc[0] if len(groups) else None
    r = force_rates(rates, [schema.FORCE, schema.MEASURE, schema.MONTH, schema.COUNT, schema.POPULATION, RATE,
                             RATE_LO, RATE_HI], "rates")

    members = pd.concat([
        groups[[schema.FORCE]].drop_duplicates().assign(member=lambda f: f[schema.FORCE]),
        groups[[schema.FORCE, schema.PEER]].rename(columns={schema.PEER: "member"}),
    ], ignore_index=True)
    size = members.groupby(schema.FORCE).size().rename(MSG_SIZE)
    keyed = r[[schema.FORCE, schema.MEASURE, schema.MONTH, RATE]].rename(columns={RATE: "_own"})
    values = r[[schema.FORCE, schema.MEASURE, schema.MONTH, schema.COUNT, schema.POPULATION, RATE]].rename(
        columns={schema.FORCE: "member", RATE: "_rate"})
    long = keyed.merge(members, on=schema.FORCE).merge(values, on=["member", schema.MEASURE, schema.MONTH],
                                                       how="left")
    long["_count"] = pd.to_numeric(long[schema.COUNT], errors="coerce").astype(float)
    long["_pop"] = pd.to_numeric(long[schema.POPULATION], errors="coerce").astype(float)
    long["_below"] = (long["_rate"] < long["_own"]).astype(int)
    long["_present"] = long["_rate"].notna().astype(int)
    key = [schema.FORCE, schema.MEASURE, schema.MONTH]
    agg = long.groupby(key, sort=False).agg(
        _mean=("_rate", "mean"), _sd=("_rate", "std"), _sum_count=("_count", "sum"),  # std: ddof = 1
        _sum_pop=("_pop", "sum"), _below=("_below", "sum"), _present=("_present", "sum"),
    ).reset_index()
    gaps = long[long["_rate"].isna()].groupby(key, sort=False)["member"].agg(lambda s: ", ".join(sorted(s)))
    agg = agg.merge(gaps.rename("_absent"), left_on=key, right_index=True, how="left")

    out = r.merge(agg, on=key, how="left").merge(size, left_on=schema.FORCE, right_index=True, how="left")
    has_group = out[MSG_SIZE].notna().to_numpy()
    complete = has_group & (out["_present"].to_numpy() == out[MSG_SIZE].fillna(0).to_numpy())
    if average == "simple":
        centre = out["_mean"].to_numpy(dtype=float)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            centre = out["_sum_count"].to_numpy(dtype=float) / out["_sum_pop"].to_numpy(dtype=float) * per
    centre = np.where(complete, centre, np.nan)
    sd = np.where(complete, out["_sd"].to_numpy(dtype=float), np.nan)
    rate = out[RATE].to_numpy(dtype=float)
    lo = pd.to_numeric(out[RATE_LO], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(out[RATE_HI], errors="coerce").to_numpy(dtype=float)
    valid = complete & ~np.isnan(centre) & ~np.isnan(sd)
    descriptive = (rate < centre - k * sd) | (rate > centre + k * sd)
    statistical = (hi < centre) | (lo > centre)

    notes = []
    forces = out[schema.FORCE].tolist()
    absent = out["_absent"].tolist()
    for i, force in enumerate(forces):
        if not has_group[i]:
            reason = NO_GROUP_REASON.get(force)
            notes.append(f"{force} has no Most Similar Group" + (f": {reason}" if reason else
                         f" in MSG version {group_version}" if group_version else ""))
        elif not complete[i]:
            notes.append(f"no rate for {absent[i]} in the group: {INCOMPLETE_GROUP}")
        else:
            notes.append(f"{average} average of {int(out[MSG_SIZE].iloc[i])} forces (MSG version {group_version}); "
                         f"descriptive band average +/- {k:g} SD; statistical: exact Poisson 95% interval")
    direction = np.select([rate > centre, rate < centre, rate == centre], [ABOVE, BELOW, EQUAL], "")

    result = out[[schema.FORCE, schema.MEASURE, schema.MONTH, RATE, RATE_LO, RATE_HI]].copy()
    result[MSG_AVERAGE] = centre
    result[MSG_AVERAGE_METHOD] = average
    result[MSG_SD] = sd
    result[MSG_POSITION] = pd.array(np.where(valid, out["_below"].fillna(0).to_numpy() + 1, None), dtype="Int64")
    result[MSG_SIZE] = pd.array(out[MSG_SIZE], dtype="Int64")
    result[MSG_DIRECTION] = schema.text(np.where(valid & (direction != ""), direction, None))
    result[DESCRIPTIVE_OUTLIER] = pd.array(np.where(valid & ~np.isnan(rate), descriptive, None), dtype="boolean")
    result[STATISTICAL_OUTLIER] = pd.array(np.where(valid & ~np.isnan(lo) & ~np.isnan(hi), statistical, None),
                                           dtype="boolean")
    result[FLAG_NOTE] = schema.text(notes)
    result[schema.VERSION] = group_version
    return result.sort_values(key, kind="stable", ignore_index=True)

