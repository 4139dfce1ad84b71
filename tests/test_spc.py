"""ncpm.methods.spc against NHS "Making Data Count" (METHODS.md, Exceptions): hand-computed limits, one table per rule,
golden cases ported from NHSRplotthedots' tests and snapshots, screening, trial limits, the seasonal variant and
properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ncpm.methods.spc as spc
from ncpm.core.errors import ConfigError, InputError
from ncpm.methods.baseline import three_year_average


def series(counts, start="2019-01", force="F", area="Force", measure="m", drop=()):
    months = pd.period_range(start, periods=len(counts), freq="M")
    frame = pd.DataFrame({"force": force, "area": area, "measure": measure, "month": months.astype(str),
                          "count": list(counts)})
    return frame[~frame["month"].isin(drop)].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ limits

def test_constants_are_the_published_ones():
    assert spc.XMR_SCALE == 2.66 and round(3 / spc.D2, 2) == spc.XMR_SCALE
    assert spc.SCREEN_SCALE == 3.267
    assert spc.RULES == ("outside_limits", "trend", "two_of_three", "shift")


def test_golden_limits_small_series():
    lim = spc.xmr_limits(np.array([10.0, 12, 11, 13, 12]))
    # mean 58 / 5; moving ranges 2, 1, 2, 1 -> mean 1.5; 2.66 x 1.5 = 3.99
    assert lim.centre == pytest.approx(11.6)
    assert lim.mean_mr == pytest.approx(1.5)
    assert (lim.lower, lim.upper) == (pytest.approx(7.61), pytest.approx(15.59))
    assert lim.screened == 0 and lim.n == 5 and lim.trial


def test_screening_changes_the_limits():
    y = np.array([10.0, 11, 10, 11, 30, 11, 10, 11, 10, 11, 10, 11])
    # moving ranges: 1, 1, 1, 19, 19, 1, 1, 1, 1, 1, 1 -> mean 47 / 11; 3.267 x 4.27 = 13.96 screens both 19s
    raw = spc.xmr_limits(y, screen=False)
    screened = spc.xmr_limits(y)
    assert raw.mean_mr == pytest.approx(47 / 11)
    assert raw.upper == pytest.approx(146 / 12 + 2.66 * 47 / 11)
    assert screened.mean_mr == pytest.approx(1.0) and screened.screened == 2
    assert screened.upper == pytest.approx(146 / 12 + 2.66)
    assert screened.lower == pytest.approx(146 / 12 - 2.66)
    assert not screened.trial


def test_a_lone_large_moving_range_is_screened():
    # moving ranges 0 x 9 and 1: mean 0.1, screening limit 0.3267 < 1, so the 1 goes (and mean(MR) becomes 0)
    lim = spc.xmr_limits(np.array([5.0] * 10 + [6.0]))
    assert lim.screened == 1 and lim.mean_mr == 0


def test_no_moving_range_across_a_missing_month():
    lim = spc.xmr_limits(np.array([10.0, 12, np.nan, 20, 21]))
    assert lim.mean_mr == pytest.approx((2 + 1) / 2)
    assert lim.centre == pytest.approx(63 / 4) and lim.n == 4


def test_wrapper_reports_limits_and_trial_label():
    out = spc.spc(series([10, 12, 11, 13, 12]))
    assert out["centre"].tolist() == pytest.approx([11.6] * 5)
    assert out["upper"].tolist() == pytest.approx([15.59] * 5)
    assert np.isnan(out["moving_range"].iloc[0]) and out["moving_range"].tolist()[1:] == [2, 1, 2, 1]
    assert out["trial_limits"].all()
    assert not spc.spc(series([10, 12, 11, 13, 12, 11, 12, 10, 11, 13, 12, 11]))["trial_limits"].any()
    assert spc.spc(series([10, 12, 11, 13, 12, 11, 12, 10, 11, 13, 12]))["trial_limits"].all()  # 11 points


# ------------------------------------------------------------------------------------------------ rules, one table each
# Fixed limits: centre 10, mean(MR) 1 -> limits 7.34 and 12.66; 2 sigma = 10 +/- 1.7733.
LIM = spc.XmrLimits(centre=10.0, mean_mr=1.0, lower=10 - 2.66, upper=10 + 2.66, n=30, screened=0)


def flagged(values, rule, run_length=7, limits=LIM):
    found = spc.xmr_rules(np.array(values, dtype=float), limits, run_length)[rule]
    return [int(v) for v in found]


@pytest.mark.parametrize("values, expected", [
    ([10, 12.67, 10], [0, 1, 0]),
    ([10, 7.33, 10], [0, -1, 0]),
    ([10, 12.66, 7.34], [0, 0, 0]),       # on a limit is not outside
    ([np.nan, 13, 10], [0, 1, 0]),
])
def test_rule_outside_limits(values, expected):
    assert flagged(values, "outside_limits") == expected


@pytest.mark.parametrize("values, run_length, expected", [
    ([1, 2, 3, 4, 5, 6, 7], 7, [1] * 7),
    ([7, 6, 5, 4, 3, 2, 1], 7, [-1] * 7),
    ([9, 1, 2, 3, 4, 5, 6, 9], 7, [0, 1, 1, 1, 1, 1, 1, 1]),     # 1, 2, ..., 6, 9: seven rising points
    ([9, 1, 2, 3, 4, 5, 6, 5], 7, [0] * 8),                      # 6 rising points only
    ([9, 1, 2, 3, 4, 5, 6, 5], 6, [0, 1, 1, 1, 1, 1, 1, 0]),     # 6 is enough with run_length 6
    ([1, 2, 3, 4, 4, 5, 6, 7, 8], 7, [0] * 9),                   # an equal value breaks the run
    ([1, 2, 3, np.nan, 4, 5, 6, 7], 7, [0] * 8),                 # so does a missing month
])
def test_rule_trend(values, run_length, expected):
    assert flagged(values, "trend", run_length) == expected


@pytest.mark.parametrize("values, expected", [
    ([11, 12, 11, 12, 11], [0, 1, 0, 1, 0]),       # two of three beyond 2 sigma, all above the mean
    ([9, 8, 8, 9], [0, -1, -1, 0]),                 # below
    ([12, 11, 11, 12], [0, 0, 0, 0]),               # one beyond 2 sigma in each window of three
    ([12, 8, 12], [0, 0, 0]),                       # the middle point is below the mean: no signal (issue 14)
    ([12, 9, 12], [0, 0, 0]),                       # nor when it is merely below the mean
    ([12, 10, 12], [0, 0, 0]),                      # a point on the mean breaks the window too
    ([10, 12, 12, 10], [0, 0, 0, 0]),               # so two beyond 2 sigma between points on the mean do not fire
    ([12, np.nan, 12], [0, 0, 0]),                  # a missing month breaks the window
    ([12, 8, 10], [0, 0, 0]),                       # one above, one below: no signal
    ([11.7, 11.8, 11], [0, 0, 0]),                  # 11.7 is inside 2 sigma (11.77)
    ([12.7, 12, 11], [1, 1, 0]),                    # MDC 2023: a point beyond the limit counts as beyond 2 sigma
    ([12.7, 12.8, 9], [0, 0, 0]),                   # ... but the three must still be on one side
])
def test_rule_two_of_three(values, expected):
    assert flagged(values, "two_of_three") == expected


def test_issue_14_two_of_three_needs_the_third_point_on_the_same_side():
    # issue 14's quiet months, then high, low, high. With limits from all 23 points the reported 14, 7, 14 stay
    # inside 2 sigma (14.25: the tail's own moving ranges widen the limits), so the high points here are 15s.
    quiet = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 10]
    counts = quiet + [15, 7, 15]
    lim = spc.xmr_limits(np.array(counts, dtype=float))
    near = lim.centre + spc.NEAR_LIMIT * (lim.upper - lim.centre)
    assert near < 15 < lim.upper and 7 < lim.centre  # both 15s beyond 2 sigma, the 7 below the mean
    out = spc.spc(series(counts))
    assert not out["two_of_three"].any()
    assert (out["variation"] == "common cause").all()
    tail = spc.spc(series(quiet + [15, 11, 15])).iloc[-3:]  # the middle point above the mean: a signal
    assert tail["two_of_three"].tolist() == [True, False, True]
    assert tail["variation"].tolist() == ["concern", "common cause", "concern"]


@pytest.mark.parametrize("values, run_length, expected", [
    ([11] * 7, 7, [1] * 7),
    ([9] * 7, 7, [-1] * 7),
    ([11] * 6, 7, [0] * 6),
    ([11] * 6, 6, [1] * 6),
    ([11, 11, 11, 10, 11, 11, 11, 11], 7, [0] * 8),      # a point on the mean breaks the run
    ([11, 11, 11, 9, 11, 11, 11, 11], 7, [0] * 8),       # so does one on the other side
    ([10, 11, 12, 11, 11, 12, 11, 11, 10], 7, [0, 1, 1, 1, 1, 1, 1, 1, 0]),
])
def test_rule_shift(values, run_length, expected):
    assert flagged(values, "shift", run_length) == expected


def test_signal_is_the_first_rule_in_order_and_direction_gives_the_variation():
    # 24 quiet months then a sustained fall: the falling points fire trend before shift
    quiet = [50, 52, 49, 51, 50, 52, 48, 51, 50, 49, 51, 50, 52, 50, 49, 51, 50, 52, 48, 51, 50, 49, 51, 50]
    out = spc.spc(series(quiet + [49, 48, 47, 46, 45, 44, 43]))
    tail = out.iloc[-7:]
    assert tail["trend"].all()
    assert tail["signal"].iloc[0] == "trend"
    assert (tail["variation"] == "improvement").all()  # crime falling
    worse = spc.spc(series(quiet + [49, 48, 47, 46, 45, 44, 43]), improvement="increase")
    assert (worse.iloc[-7:]["variation"] == "concern").all()
    neutral = spc.spc(series(quiet + [49, 48, 47, 46, 45, 44, 43]), improvement=None)
    assert (neutral.iloc[-7:]["variation"] == "special cause").all()
    common = out.iloc[:10]
    assert (common["variation"] == "common cause").all() and common["signal"].isna().all()


def test_outside_limits_high_is_a_concern_for_crime():
    counts = [20, 22, 19, 21, 20, 22, 21, 19, 20, 22, 21, 40]
    last = spc.spc(series(counts)).iloc[-1]
    assert (last["outside_limits"], last["signal"], last["variation"]) == (True, "outside_limits", "concern")


def test_rules_can_be_switched_off():
    counts = [20, 22, 19, 21, 20, 22, 21, 19, 20, 22, 21, 40]
    last = spc.spc(series(counts), rules=("trend", "shift")).iloc[-1]
    assert not last["outside_limits"] and last["variation"] == "common cause"


def test_seasonal_variant_runs_on_residuals_from_the_baseline():
    year = [100, 98, 101, 99, 100, 102, 160, 101, 99, 100, 98, 101]  # a July peak every year
    counts = year * 4
    plain = spc.spc(series(counts))
    july = plain[plain["month"] == pd.Period("2022-07", "M")].iloc[0]
    assert july["outside_limits"] and july["variation"] == "concern"
    seasonal = spc.spc(three_year_average(series(counts)), seasonal=True)
    july = seasonal[seasonal["month"] == pd.Period("2022-07", "M")].iloc[0]
    assert july["residual"] == 0 and july["baseline"] == 160
    assert july["variation"] == "common cause"
    first = seasonal[seasonal["month"] < pd.Period("2022-01", "M")]
    assert first["variation"].isna().all() and not first[list(spc.RULES)].any().any()
    assert seasonal["trial_limits"].eq(False).all()  # 12 residuals


def test_a_seasonal_exception_is_still_found():
    year = [100, 98, 101, 99, 100, 102, 160, 101, 99, 100, 98, 101]
    counts = year * 3 + [101, 97, 102, 99, 101, 101, 230, 100, 99, 101, 97, 102]
    seasonal = spc.spc(three_year_average(series(counts)), seasonal=True)
    july = seasonal[seasonal["month"] == pd.Period("2022-07", "M")].iloc[0]
    assert july["outside_limits"] and july["variation"] == "concern"


def test_seasonal_residuals_from_a_forecast_column_in_any_row_order():
    frame = series([10, 12, 11, 13, 12, 30])
    frame["mean"] = [9.0, 12, 12, 12, 12, 12]
    out = spc.spc(frame.iloc[::-1], seasonal=True, expected="mean")
    assert out["residual"].tolist() == [1, 0, -1, 1, 0, 18]
    assert out["mean"].tolist() == [9, 12, 12, 12, 12, 12]


def test_seasonal_needs_the_expected_column():
    with pytest.raises(InputError, match="column baseline: seasonal=True needs a column 'baseline'"):
        spc.spc(series([1, 2, 3]), seasonal=True)
    frame = series([1, 2, 3])
    frame["baseline"] = ["1", "x", "2"]
    with pytest.raises(InputError, match="row 1, column baseline: 'x' is not a number"):
        spc.spc(frame, seasonal=True)


def test_bad_options_and_input():
    with pytest.raises(ConfigError, match="run_length must be 6 or 7"):
        spc.spc(series([1, 2, 3]), run_length=5)
    with pytest.raises(ConfigError, match="improvement"):
        spc.spc(series([1, 2, 3]), improvement="down")
    with pytest.raises(ConfigError, match="unknown rule"):
        spc.spc(series([1, 2, 3]), rules=("outside",))
    with pytest.raises(InputError, match="missing column.*month"):
        spc.spc(series([1, 2, 3]).drop(columns="month"))
    with pytest.raises(InputError, match="row 1, column count"):
        spc.spc(series([1, -2, 3]))


def test_a_turning_point_shared_by_two_trends_takes_the_later_direction():
    # 1..7 rises and 7..1 falls: the 7 belongs to both runs and is labelled falling, as in NHSRplotthedots
    values = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    assert flagged(values, "trend") == [1] * 6 + [-1] * 7


# ------------------------------------------------------------------------------------------------ NHSRplotthedots
# Golden cases ported from NHSRplotthedots (github.com/nhs-r-community/NHSRplotthedots, commit 050b07d, 2025-09):
# its inputs and expected values, restated for ncpm's kernel. Its rule helpers take indicator vectors rather than
# values, so each indicator is written as a value against LIM (centre 10, 2 sigma 11.77, limits 7.34 and 12.66):
# beyond 2 sigma above -> 12, above -> 11, on the mean -> 10, below -> 9, beyond 2 sigma below -> 8.
# Its helpers flag the last point of a run and ptd_part_of_* spreads the flag over the run; ncpm's kernel returns
# the spread flags, so the expectations are ptd_part_of_*(helper(...)), which is what its special-cause labels use.

def as_values(close, side):
    """NHSRplotthedots' (close_to_limits, relative_to_mean) indicators as values against LIM."""
    return [10 + s * (2 if c else 1) if s else 10 for c, s in zip(close, side, strict=True)]


@pytest.mark.parametrize("mirror", [1, -1])
@pytest.mark.parametrize("close, side, expected", [
    # tests/testthat/test-ptd_calculate_point_type.R, "ptd_two_in_three works as expected" (d, e, f, g, h)
    ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
    ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
    ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
    ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
    # same file, "ptd_two_in_three works as expected when points are on opposite sides of the mean"
    ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
    ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
    ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
    ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
    # same file, "ptd_part_of_two_in_three works as expected" (hv, iv: two beyond 2 sigma must be within three)
    ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
])
def test_nhsrplotthedots_two_in_three(close, side, expected, mirror):
    values = [10 + mirror * (v - 10) for v in as_values(close, side)]
    assert flagged(values, "two_of_three") == [mirror * e for e in expected]


@pytest.mark.parametrize("values, expected", [
    # tests/testthat/test-ptd_calculate_point_type.R, "ptd_seven_point_trend works as expected", spread over the
    # run as by ptd_part_of_seven_trend
    ([], []),
    (list(range(1, 7)), [0] * 6),                          # 1:6
    ([1, 2, 3, 3, 4, 5, 6], [0] * 7),                      # c(1:3, 3:6): an equal value breaks the run
    (list(range(1, 8)), [1] * 7),                          # 1:7
    ([2, *range(1, 8), 3], [0] + [1] * 7 + [0]),           # c(2, 1:7, 3)
    (list(range(7, 0, -1)), [-1] * 7),                     # 7:1
    ([2, *range(7, 0, -1), 3], [0] + [-1] * 7 + [0]),      # c(2, 7:1, 3)
])
def test_nhsrplotthedots_seven_point_trend(values, expected):
    assert flagged(values, "trend") == expected


@pytest.mark.parametrize("side, expected", [
    # tests/testthat/test-ptd_calculate_point_type.R, "ptd_seven_point_one_side_mean works as expected", spread
    # over the run as by ptd_part_of_seven_trend
    ([], []),
    ([1] * 6, [0] * 6),
    ([1] * 6 + [-1], [0] * 7),
    ([1] * 8 + [-1], [1] * 8 + [0]),
    ([-1] * 8 + [1], [-1] * 8 + [0]),
])
def test_nhsrplotthedots_seven_points_one_side_of_the_mean(side, expected):
    assert flagged(as_values([0] * len(side), side), "shift") == expected


def no_rule_fires(values):
    """True where no rule flags the point, with limits from the values themselves (common cause in the wrapper)."""
    y = np.array(values, dtype=float)
    found = spc.xmr_rules(y, spc.xmr_limits(y))
    return [not any(found[r][i] for r in spc.RULES) for i in range(len(y))]


def test_nhsrplotthedots_two_close_points_on_opposite_sides_are_common_cause():
    # tests/testthat/test-ptd_spc_standard.R, "it only reports special cause for 2of3 points close to limits when
    # they are on the same side of the mean": 1, -1 alternating 16 times, the 15th set to 5.5 and the 16th to
    # -5.5; the last two points are common cause. (Values below 0 are not counts: the kernel charts them.)
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    lim = spc.xmr_limits(np.array(values))
    near = spc.NEAR_LIMIT * (lim.upper - lim.centre)
    assert lim.centre == 0 and near < 5.5 < lim.upper  # both beyond 2 sigma, inside the limits, opposite sides
    assert no_rule_fires(values)[-2:] == [True, True]


# set.seed(123); rnorm(20) in R (Mersenne-Twister, inversion), as R prints them (8 decimal places): the data of
# NHSRplotthedots' tests/testthat/test-ptd_spc_standard.R and test-ptd_spc.R. R's generator is not run here; the
# values were regenerated outside the test suite, and they agree with everything the snapshots print: the first
# five values, the signs against the mean and the means and limits below, to the printed precision.
RNORM_123 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
             -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
             0.49785048, -1.96661716, 0.70135590, -0.47279141]
WITH_OUTLIER = RNORM_123[:14] + [10.0] + RNORM_123[15:]  # the snapshot's data$y[15] <- 10


@pytest.mark.parametrize("values, screen, mean, lpl, upl", [
    # tests/testthat/_snaps/ptd_spc_standard.md, "it returns expected values": r1, r2 (screen_outliers = TRUE),
    # r3 (screen_outliers = FALSE); mean_col, lpl and upl as printed
    (RNORM_123, True, 0.1416238, -3.01138, 3.294627),
    (WITH_OUTLIER, True, 0.6694159, -2.383666, 3.722497),
    (WITH_OUTLIER, False, 0.6694159, -4.596625, 5.935457),
])
def test_nhsrplotthedots_snapshot_limits(values, screen, mean, lpl, upl):
    lim = spc.xmr_limits(np.array(values), screen=screen)
    assert lim.centre == pytest.approx(mean, abs=5e-8)
    assert lim.lower == pytest.approx(lpl, abs=5e-6)
    assert lim.upper == pytest.approx(upl, abs=5e-7)


def test_nhsrplotthedots_snapshot_signs_and_summary():
    # _snaps/ptd_spc_standard.md (r1): relative_to_mean of the first 15 points (glimpse truncates the rest)
    lim = spc.xmr_limits(np.array(RNORM_123))
    signs = np.sign(np.array(RNORM_123) - lim.centre)[:15].tolist()
    assert signs == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    # _snaps/ptd_spc.md, "it outputs expected content", s1: n 20, all 20 points common cause
    assert all(no_rule_fires(RNORM_123))


@pytest.mark.parametrize("values, mean, mean_tol, lpl, upl", [
    # _snaps/ptd_spc.md, "it outputs expected content", s3: facet 0 = the first ten points, facet 1 = the last ten;
    # mean_col, lpl and upl as printed (three significant figures)
    (RNORM_123[:10], 0.0746, 5e-5, -2.60, 2.75),
    (RNORM_123[10:], 0.209, 5e-4, -3.28, 3.70),
])
def test_nhsrplotthedots_snapshot_facets(values, mean, mean_tol, lpl, upl):
    lim = spc.xmr_limits(np.array(values))
    assert lim.centre == pytest.approx(mean, abs=mean_tol)
    assert (lim.lower, lim.upper) == (pytest.approx(lpl, abs=5e-3), pytest.approx(upl, abs=5e-3))


# ------------------------------------------------------------------------------------------------ properties

@given(st.integers(0, 10**6), st.integers(2, 40), st.sampled_from([6, 7]), st.booleans())
@settings(max_examples=60, deadline=None)
def test_constant_series_has_zero_width_limits_and_no_flags(value, n, run_length, seasonal):
    frame = series([value] * n, start="2017-01")
    out = spc.spc(three_year_average(frame) if seasonal else frame, run_length=run_length, seasonal=seasonal)
    charted = out[out["variation"].notna()]  # seasonal: only months with a 3-year average are charted
    if len(charted) >= 2:  # limits need a moving range
        assert (charted["upper"] == charted["lower"]).all() and charted["upper"].notna().all()
    assert not out[list(spc.RULES)].any().any()
    assert (charted["variation"] == "common cause").all()


@st.composite
def frames(draw):
    parts = []
    for force in draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True)):
        counts = draw(st.lists(st.integers(0, 40), min_size=1, max_size=40))
        frame = series(counts, force=force)
        keep = draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame)))
        keep[0] = True
        parts.append(frame[keep])
    return pd.concat(parts, ignore_index=True)


@given(frames(), st.randoms(use_true_random=False), st.lists(st.integers(0, 40), min_size=1, max_size=30))
@settings(max_examples=25, deadline=None)
def test_row_order_and_other_forces_change_nothing(frame, rnd, other):
    expected = spc.spc(frame)
    order = list(range(len(frame)))
    rnd.shuffle(order)
    pd.testing.assert_frame_equal(spc.spc(frame.iloc[order]), expected)
    together = spc.spc(pd.concat([series(other, force="Z"), frame]))
    pd.testing.assert_frame_equal(together[together["force"] != "Z"].reset_index(drop=True), expected)
