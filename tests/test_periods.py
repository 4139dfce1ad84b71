import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ncpm.core.periods import (
    FyQuarter,
    financial_year,
    fy_quarter,
    month_label,
    months_ending,
    parse_financial_year,
    parse_quarter,
    to_month,
)

M = lambda s: pd.Period(s, "M")  # noqa: E731


@pytest.mark.parametrize("month, label", [
    ("2023-04", "Q1 2023/24"), ("2023-06", "Q1 2023/24"), ("2023-07", "Q2 2023/24"), ("2023-12", "Q3 2023/24"),
    ("2024-01", "Q4 2023/24"), ("2024-03", "Q4 2023/24"), ("2019-04", "Q1 2019/20"), ("1999-12", "Q3 1999/00"),
])
def test_quarter_of_month(month, label):
    assert str(fy_quarter(M(month))) == label


@pytest.mark.parametrize("text", ["Q1 2023/24", "2023/24 Q1", "2023-24-Q1", "q1 2023/24", " 2023/2024 Q1 ", "2023-24 Q1"])
def test_parse_quarter_accepts_the_documented_spellings(text):
    assert parse_quarter(text) == FyQuarter(2023, 1)


@pytest.mark.parametrize("text", ["Q5 2023/24", "2023/25 Q1", "Q1 2023", "first quarter", ""])
def test_parse_quarter_rejects_nonsense(text):
    with pytest.raises(ValueError):
        parse_quarter(text)


def test_quarter_months_and_origin():
    q = parse_quarter("Q1 2023/24")
    assert [str(m) for m in q.months()] == ["2023-04", "2023-05", "2023-06"]
    assert str(q.origin) == "2023-03"
    assert str(q.shift(1)) == "Q2 2023/24" and str(q.shift(-1)) == "Q4 2022/23"
    assert str(parse_quarter("Q4 2023/24").last_month) == "2024-03"


def test_financial_year_and_labels():
    assert financial_year(M("2024-03")) == 2023 and financial_year(M("2024-04")) == 2024
    assert parse_financial_year("2023/24") == 2023 and parse_financial_year("FY 1999/00") == 1999
    assert month_label(M("2023-06")) == "June 2023"
    assert [str(m) for m in months_ending(M("2023-06"), 3)] == ["2023-04", "2023-05", "2023-06"]


@pytest.mark.parametrize("value, expected", [
    ("2023-06", "2023-06"), ("2023-6", "2023-06"), ("2023-06-01", "2023-06"), ("June 2023", "2023-06"),
    ("Jun 2023", "2023-06"), ("2023 Jun", "2023-06"), (pd.Timestamp("2023-06-15"), "2023-06"),
])
def test_to_month(value, expected):
    assert str(to_month(value)) == expected


@pytest.mark.parametrize("value", ["2023-13", "June", "23-06", "Juneteenth 2023", "2023/06/01"])
def test_to_month_rejects(value):
    with pytest.raises(ValueError):
        to_month(value)


@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=1, max_value=12))
def test_every_month_is_in_the_quarter_it_is_given(year, month):
    m = pd.Period(year=year, month=month, freq="M")
    q = fy_quarter(m)
    assert m in set(q.months())
    assert parse_quarter(str(q)) == q
