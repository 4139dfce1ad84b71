"""Fixtures shared across the test modules."""

import pytest

import ncpm


@pytest.fixture(scope="session")
def demo_frames():
    """The committed demo data (data/raw/demo), loaded once per session with ncpm.load_demo: canonical frames keyed
    by kind (volumes, outcomes, survey, population, msg). Shared by several modules, so filter or copy, never mutate.
    A missing demo folder or file is an error, not a skip."""
    return ncpm.load_demo()
