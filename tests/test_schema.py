import pandas as pd
import pytest

from ncpm.core import schema
from ncpm.core.errors import InputError


def volumes(**overrides):
    data = {"force": ["Warwickshire", "Warwickshire"], "area": ["Force", "Force"],
            "measure": ["knife_crime", "knife_crime"], "month": ["2023-05", "2023-04"], "count": [5, 4]}
    data.update(overrides)
    return pd.DataFrame(data)


def test_validate_returns_canonical_dtypes_sorted():
    out = schema.validate(volumes(), schema.VOLUMES)
    assert str(out["month"].dtype) == "period[M]"
    assert out["count"].dtype == "int64"
    assert list(out["month"].astype(str)) == ["2023-04", "2023-05"]


@pytest.mark.parametrize("overrides, message", [
    ({"count": [5, -1]}, r"frame, row 1, column count: -1 is not a non-negative whole number"),
    ({"count": [5, 1.5]}, r"frame, row 1, column count: 1.5 is not a non-negative whole number"),
    ({"month": ["2023-05", "May-ish"]}, r"frame, row 1, column month: cannot read month 'May-ish'"),
    ({"month": ["2023-05", "2023-05"]}, r"frame, row 0, column force, area, measure, month: duplicate key"),
])
def test_validate_names_the_row_and_column(overrides, message):
    with pytest.raises(InputError, match=message):
        schema.validate(volumes(**overrides), schema.VOLUMES)


def test_missing_column_lists_what_was_found():
    with pytest.raises(InputError, match=r"missing column\(s\) count for volumes; found: force, area, measure, month"):
        schema.validate(volumes().drop(columns="count"), schema.VOLUMES)


def test_non_monthly_periods_are_refused():
    frame = volumes(month=pd.PeriodIndex(["2023-05-01", "2023-05-02"], freq="D"))
    with pytest.raises(InputError, match="periods must be monthly"):
        schema.validate(frame, schema.VOLUMES)


def test_satisfied_cannot_exceed_responses():
    survey = pd.DataFrame({"force": ["W"], "survey": ["da"], "month": ["2023-01"], "responses": [10], "satisfied": [11]})
    with pytest.raises(InputError, match="row 0, column satisfied: satisfied is greater than responses"):
        schema.validate(survey, schema.SURVEY_RESPONSES)


def test_empty_frames_have_canonical_dtypes():
    e = schema.empty(schema.VOLUMES)
    assert list(e.columns) == schema.VOLUMES.columns and str(e["month"].dtype) == "period[M]"


_VALID_ROWS = {  # one small valid frame of each canonical kind, as a reader's checks keep its rows (text cells)
    "volumes": {"force": ["Kent", "Kent"], "area": ["Force", "Force"], "measure": ["burglary", "burglary"],
                "month": ["2023-06", "2023-05"], "count": ["12", "9"]},
    "outcomes": {"force": ["Kent"], "area": ["Force"], "measure": ["burglary"], "month": ["2023-06"],
                 "outcome_type": ["1"], "count": ["3"]},
    "survey": {"force": ["Kent", "Kent"], "survey": ["victims", "victims"], "month": ["2023-06", "2023-05"],
               "responses": ["40", "38"], "satisfied": ["30", "29"], "dont_know": ["2", "1"]},
    "population": {"force": ["Kent", "Essex"], "year": ["2022", "2022"], "population": ["1900000", "1500000"]},
    "quarterly": {"force": ["Kent"], "measure": ["homicide"], "offence_code": ["1"], "quarter": ["Q1 2023/24"],
                  "count": ["-1"]},
}


@pytest.mark.parametrize("kind", sorted(_VALID_ROWS))
def test_canonical_types_checked_rows_as_validate_returns_them(kind):
    """schema.canonical (the readers' typing of the rows their checks kept) gives what schema.validate gives for
    valid rows: the same columns, values, dtypes and order, so a frame is validated once, at the edge."""
    spec = schema.SPECS[kind]
    rows = pd.DataFrame(_VALID_ROWS[kind], dtype=object)
    pd.testing.assert_frame_equal(schema.canonical(rows, spec), schema.validate(rows, spec))
    pd.testing.assert_frame_equal(schema.canonical(rows.iloc[:0], spec), schema.validate(rows.iloc[:0], spec))
