"""The quarterly report renderer (issue "Scheduled batch recomputation and the quarterly NCPM report"): the
structure of the seed's Appendix B, self-contained HTML (figures as data URIs, text escaped), the disclosure-control
section, and the short data tables by LPA protected by ``ncpm.methods.disclosure`` before they are shown."""

import base64
from types import SimpleNamespace

import pandas as pd

from ncpm.core import schema
from ncpm.core.catalogue import priorities
from ncpm.methods.disclosure import DisclosurePolicy
from ncpm.pipeline.assemble import measure_tables
from ncpm.words import report

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


COMMENTARY = ("## 2. Reduce serious violence\nThe rise is a cause for **concern** <script>x()</script>.\n\n"
              "- hold to account\n- partners\n### knife_crime\nSeasonal increase expected.\n")


def _priority(text: str, number: int, marker: str) -> str:
    return text.split(marker.format(number), 1)[1].split(marker.format(number + 1), 1)[0]


def test_each_priority_in_the_seed_order_measures_then_statements_figures_then_commentary():
    from ncpm.words.commentary import parse_commentary

    html = report.render_html(sample(commentary=parse_commentary(COMMENTARY, "c.md")))
    section = _priority(html, 2, 'id="priority-{}"')
    order = ["The Govt. measures are:", "a) Hospital admissions for persons under 25", "b) Offences involving "
             "discharge of a firearm.", "The force&#x27;s proxy measures are:", "a) Firearms offences.",
             "b) Knife crime.", "c) Violence with Injury.", "d) Robbery Personal.", "<h4>Knife crime</h4>",
             "In May 2023, there were 50 &lt;offences&gt;.", "Figure 1 - Knife crime Volumes",
             '<h4 class="commentary">OPCC Commentary</h4>', "<strong>concern</strong> &lt;script&gt;x()&lt;/script&gt;",
             "<ul><li>hold to account</li><li>partners</li></ul>", "<h5>Knife crime</h5><p>Seasonal increase"]
    positions = [section.index(t) for t in order]
    assert positions == sorted(positions)
    assert "<script>" not in html  # no raw HTML passes through the commentary
    assert html.count("[OPCC commentary to be added]") == len(priorities()) - 1  # the others: placeholders


def test_proxy_measures_from_the_configuration_and_the_force_s_own_words():
    html = report.render_html(sample(proxy_measures={3: ("drug_related_homicide", "OCG disruptions")}))
    section = _priority(html, 3, 'id="priority-{}"')
    assert "a) Drug-related homicide.</li><li>b) OCG disruptions.</li>" in section
    assert "The force&#x27;s proxy measures are:" not in _priority(html, 2, 'id="priority-{}"')  # none listed


def test_draft_shows_placeholders_and_a_final_report_leaves_missing_commentary_out():
    for render in (report.render_html, report.render_markdown):
        draft, final = render(sample()), render(sample(final=True))
        assert draft.count("OPCC commentary to be added") == len(priorities())
        assert "OPCC commentary to be added" not in final and "OPCC Commentary" not in final
    from ncpm.words.commentary import parse_commentary

    written = report.render_markdown(sample(final=True, commentary=parse_commentary(COMMENTARY, "c.md")))
    section = _priority(written, 2, "### 3.{}. ")
    assert "#### OPCC Commentary\n\nThe rise is a cause for **concern** \\<script\\>x()\\</script\\>.\n" in section
    assert "- hold to account\n- partners\n" in section and "**Knife crime**\n\nSeasonal increase expected." in section
    assert written.count("#### OPCC Commentary") == 1


def test_provenance_in_html_and_markdown():
    r = sample(generated_on="2026-12-01", ncpm_version="9.9.9", config_hash="f" * 64)
    for text in (report.render_html(r), report.render_markdown(r)):
        assert "Generated by ncpm 9.9.9 on 1 December 2026" in text and "Data to June 2023" in text
        assert f"Configuration sha256 {'f' * 64}" in text and "docs/methods.md" in text


HOSTILE = ["<script>alert(1)</script>", "North | South", "# Heading", "- listed", "**bold**", "[link](http://x)",
           "1. numbered", "back\\slash", "`code`", "&amp;", "line\nbreak", "_under_"]


def test_markdown_escapes_hostile_area_names_statements_and_titles():
    table = pd.DataFrame({"Area": HOSTILE, "Jun 2023": range(len(HOSTILE))})
    item = report.ReportItem(priority=2, title="Knife | <crime>", statements=tuple(f"In {a}, 3 crimes." for a in HOSTILE),
                             table=table, notes=("Not in <this> | report.",))
    md = report.render_markdown(sample(items=(item,), force="<b>Force</b>", not_included=("- x | y",)))
    assert "<script>" not in md and "<b>" not in md and "<crime>" not in md and "<this>" not in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and "Jun 2023" not in line and "---" not in line]
    area_rows = [r for r in rows if r.endswith(tuple(f" | {i} |" for i in range(len(HOSTILE))))]
    assert len(area_rows) == len(HOSTILE)
    for row in area_rows:  # every row has its two cells: no pipe of an area name splits a cell
        assert len(__import__("re").split(r"(?<!\\)\|", row)) == 4, row
    assert r"\<script\>alert(1)\</script\>" in md and r"North \| South" in md and r"\# Heading" in md
    assert r"\[link\](http://x)" in md and r"\*\*bold\*\*" in md and "line break" in md
    assert "\n- \\- x \\| y\n" in md  # a list item's text that starts like a list item stays text
    assert "#### Knife \\| \\<crime\\>" in md and "**\\<b\\>Force\\</b\\>**" in md
    for line in md.splitlines():
        assert not line.startswith(("In # ", "# Heading", "- listed", "1. numbered")), line


def test_html_escapes_hostile_area_names():
    table = pd.DataFrame({"Area": HOSTILE, "Jun 2023": range(len(HOSTILE))})
    item = report.ReportItem(priority=2, title="<i>Knife</i>", statements=("In <script>alert(1)</script>, 3.",),
                             table=table)
    html = report.render_html(sample(items=(item,), force="<b>Force</b>"))
    assert "<script>" not in html and "<b>Force" not in html and "<i>Knife" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_appendix_figures_follow_the_methods_numbered_after_the_body():
    r = sample(appendix=(report.Figure("Homicide Volumes", PNG),))
    html = report.render_html(r)
    assert html.index('id="appendix"') > html.index('id="methods"') and "Figure 2 - Homicide Volumes" in html
    md = report.render_markdown(r, {"Homicide Volumes": "figures/homicide_volumes.png"})
    assert md.index("## Appendix: further figures") > md.index("## 4. Methods and sources")
    assert "![Homicide Volumes](figures/homicide_volumes.png)" in md
