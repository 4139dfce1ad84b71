"""Where a run writes its files, by name: the canonical store, each force's folder and its report, the table of the
volumes the measures read. One place for the names the run writes and :mod:`ncpm.pipeline.results` reads back."""

from __future__ import annotations

STORE = "store"  # the canonical parquet store of the inputs, one file per kind
RUN_VOLUMES = ("volumes_used",)  # the force's volumes as the measures read them (areas mapped), for ncpm.load_run


def slug(text: str) -> str:
    """A name as a folder or file name: lower case, anything but letters and digits a hyphen.

    >>> slug("Avon and Somerset"), slug("Q1 2023/24")
    ('avon-and-somerset', 'q1-2023-24')
    """
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def report_name(quarter) -> str:
    """The quarterly report's file name, without its suffix: ``report-q1-2023-24``."""
    return f"report-{slug(str(quarter))}"
