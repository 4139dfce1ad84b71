"""The quarterly report renderer (issue "Scheduled batch recomputation and the quarterly NCPM report"): the
structure of the seed's Appendix B, self-contained HTML (figures as data URIs, text escaped), the disclosure-control
section, and the short data tables by LPA protected by ``ncpm.disclosure`` before they are shown."""

import base64
from types import SimpleNamespace

import pandas as pd

from ncpm import report, schema
from ncpm.batch import measure_tables
from ncpm.disclosure import DisclosurePolicy

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAfbLI3wAAAABJRU5ErkJggg==")


def sample(**kwargs) -> report.QuarterlyReport:
    item = report.ReportItem(priority=2, title="Knife crime", statements=("In May 2023, there were 50 <offences>.",),
                             figures=(report.Figure("Knife crime Volumes", PNG),),
                             table=pd.DataFrame({"Area": ["Force", "North"], "May 2023": [1250, "[c]"]}))
    values = dict(force="Warwickshire", quarter="Q1 2023/24", as_of="June 2023", items=(item,),
                  methods={"MSG version": "illustrative-2023"},
                  sources=("Police recorded crime, 2019-04 to 2023-06",),
                  disclosure=("3 cells with a count below 5 at LPA level were suppressed.",), synthetic=True)
    return report.QuarterlyReport(**(values | kwargs))


def test_html_has_the_appendix_structure_and_is_self_contained():
    html = report.render_html(sample())
    order = ["1. Statement of Contribution", "2. Warwickshire Overview", "3. Performance Q1 2023/24",
             "3.1. Reduce murder and other homicide", "3.2. Reduce serious violence", "Knife crime",
             "3.6. Improve satisfaction", "4. Methods and sources", "Data sources", "Disclosure control"]
    positions = [html.index(h) for h in order]
    assert positions == sorted(positions)
    assert 'src="data:image/png;base64,' in html and "Figure 1 - Knife crime Volumes" in html
    assert "http://" not in html and "https://" not in html and "<link" not in html
    assert "&lt;offences&gt;" in html  # statements are escaped
    assert '<td class="num">1,250</td>' in html and '<td class="num">[c]</td>' in html
    assert "synthetic" in html and "illustrative-2023" in html
    assert html.rstrip().endswith("</html>")
    assert html.count("No measure for this priority is in the data.") == 5


def test_disclosure_section_only_when_there_is_something_to_say():
    assert "Disclosure control" not in report.render_html(sample(disclosure=()))


def test_markdown_links_figures_and_keeps_the_tables():
    md = report.render_markdown(sample(), {"Knife crime Volumes": "figures/knife_crime_volumes.png"})
    assert "![Knife crime Volumes](figures/knife_crime_volumes.png)" in md
    assert "| Area | May 2023 |" in md and r"| North | \[c\] |" in md  # escaped: prints as [c]
    assert md.startswith("# National Crime and Policing Measures Q1 2023/24")


def _baseline() -> pd.DataFrame:
    months = pd.period_range("2023-01", "2023-06", freq="M")
    rows = []
    for m in months:
        north, south = (2, 40) if m == months[-1] else (20, 30)
        for area, count in (("Force", north + south), ("North", north), ("South", south)):
            rows.append({schema.FORCE: "Warwickshire", schema.AREA: area, schema.MEASURE: "knife_crime",
                         schema.MONTH: m, schema.COUNT: count, "baseline": 10.0})
    return pd.DataFrame(rows)


def test_measure_tables_suppress_small_lpa_counts_and_their_complement():
    res = SimpleNamespace(tables={"baseline": _baseline()}, month=pd.Period("2023-06", freq="M"))
    tables, sentences = measure_tables(res, DisclosurePolicy(area_level="LPA"))
    table = tables["knife_crime"]
    assert list(table.columns) == ["Area", "Jan 2023", "Feb 2023", "Mar 2023", "Apr 2023", "May 2023", "Jun 2023"]
    assert list(table["Area"]) == ["Force", "North", "South"]
    june = dict(zip(table["Area"], table["Jun 2023"], strict=True))
    assert june == {"Force": 42, "North": "[c]", "South": "[c]"}  # South too: 42 - 40 would give North
    assert table.loc[table["Area"] == "North", "May 2023"].item() == 20
    assert sentences[0] == "1 cell with a count below 5 at LPA level was suppressed."
    assert any("worked out from the force total" in s for s in sentences)


def test_measure_tables_keep_only_the_last_six_months():
    b = _baseline()
    earlier = b.assign(**{schema.MONTH: b[schema.MONTH] - 6})
    res = SimpleNamespace(tables={"baseline": pd.concat([earlier, b])}, month=pd.Period("2023-06", freq="M"))
    tables, _ = measure_tables(res, DisclosurePolicy())
    assert tables["knife_crime"].shape[1] == 1 + 6


def test_not_in_this_report_section_and_priority_notes():
    r = sample(not_included=("knife crime (needs a force extract)",
                              "3-year average (needs 36 months before June 2023, the month reported: 11 supplied)"),
                priority_notes={2: ("knife crime (needs a force extract)",)})
    html = report.render_html(r)
    section = html.split('id="not-in-report"', 1)[1].split('id="performance"', 1)[0]
    assert "<li>knife crime (needs a force extract)</li>" in section and "11 supplied" in section
    priority_2 = html.split('id="priority-2"', 1)[1].split('id="priority-3"', 1)[0]
    assert "Not in this report: knife crime (needs a force extract)." in priority_2
    md = report.render_markdown(r)
    assert "### Not in this report" in md and "- knife crime (needs a force extract)" in md
    assert "_Not in this report: knife crime (needs a force extract)._" in md
