"""The OPCC commentary (issue 16 item 2): the Markdown file an analyst writes, parsed into the report's "OPCC
Commentary" blocks; headings that name nothing are warnings naming the file and line; ``ncpm commentary`` writes the
template with the quarter's statements quoted, from the run when it has the quarter, else after running."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ncpm.core.catalogue import priorities
from ncpm.words.commentary import PLACEHOLDER, Block, parse_commentary, template

ROOT = Path(__file__).resolve().parents[1]

TEXT = """# OPCC commentary: Warwickshire, Q1 2023/24

> notes to the writer are not printed

## 2. Reduce serious violence

The recent increase is a cause for **concern**.
It continues on this line.

The PCC will hold the Chief Constable to account:

- at the Governance and Performance Board
- with partners,
  continued on an indented line
1. first
2. second

### Knife crime

> In May 2023, there were 50 knife crime offences recorded.
Seasonal increase expected <b>in Q2</b>.

## Reduce neighbourhood crime

### vehicle_crime

Warwickshire remains an outlier in its MSG.
"""


def test_priorities_by_number_or_title_and_measures_by_id_or_label():
    c = parse_commentary(TEXT, "commentary.md")
    assert c.warnings == ()
    assert c.priorities[2] == (
        Block("p", "The recent increase is a cause for **concern**. It continues on this line."),
        Block("p", "The PCC will hold the Chief Constable to account:"),
        Block("ul", items=("at the Governance and Performance Board", "with partners, continued on an indented line")),
        Block("ol", items=("first", "second")))
    assert c.measures["knife_crime"] == (Block("p", "Seasonal increase expected <b>in Q2</b>."),)  # quoted line out
    assert 4 not in c.priorities  # a heading with no text: no commentary (the placeholder in a draft)
    assert c.measures["vehicle_crime"][0].text == "Warwickshire remains an outlier in its MSG."
    own, by_measure = c.for_priority(4)
    assert own == () and by_measure == (("Vehicle crime", c.measures["vehicle_crime"]),)


@pytest.mark.parametrize("text, line, says", [
    ("## 2. Reduce serious violence\nok\n## 7. Reduce litter\nlost text\n", 3, "names no NCPM priority"),
    ("## Reduce everything\nlost\n", 1, "names no NCPM priority"),
    ("## 2\nok\n### knife crimes\nlost\n", 3, "names no measure"),
    ("## 2\nok\n#### Detail\nlost\n", 3, "only ## (a priority) and ### (a measure) headings are read"),
    ("Before any heading\n## 2\nok\n", 1, "text before the first ## or ### heading"),
    ("## 2\n### vehicle_crime\ntext\n", 2, "is a measure of priority 4, not 2"),
])
def test_what_is_not_read_is_a_warning_naming_file_and_line(text, line, says):
    c = parse_commentary(text, "commentary-Q1-2023-24.md")
    assert len(c.warnings) == 1, c.warnings
    assert c.warnings[0].startswith(f"commentary-Q1-2023-24.md, line {line}: ") and says in c.warnings[0]
    assert "lost" not in json.dumps([[b.text for b in v] for v in (*c.priorities.values(), *c.measures.values())])


def test_template_has_every_priority_and_the_statements_quoted_and_parses_to_nothing():
    text = template("Warwickshire", "Q1 2023/24", "June 2023",
                    [("knife_crime", "In May 2023, there were 50 knife crime offences."),
                     ("vehicle_crime", "In June 2023, vehicle crime was in line with the 3-year average.")])
    for number, title in priorities().items():
        assert f"\n## {number}. {title}\n" in text
    assert "### knife_crime\n\n> In May 2023, there were 50 knife crime offences.\n" in text
    assert PLACEHOLDER in text
    parsed = parse_commentary(text, "t.md")
    assert parsed.warnings == () and parsed.priorities == {} and parsed.measures == {}
    written = text.replace("### knife_crime\n", "### knife_crime\nOur words.\n")
    assert parse_commentary(written, "t.md").measures["knife_crime"] == (Block("p", "Our words."),)


def _ncpm(*args, cwd):
    return subprocess.run([sys.executable, "-m", "ncpm", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def test_ncpm_commentary_writes_the_template_from_the_run_and_never_overwrites(tmp_path):
    shutil.copytree(ROOT / "data" / "raw" / "demo", tmp_path / "raw")
    (tmp_path / "ncpm.toml").write_text('[inputs]\npaths = ["raw"]\n[forecast]\nengine = "fast"\n[output]\n'
                                        'dir = "out"\nnotebooks = false\n', encoding="utf-8")
    done = _ncpm("commentary", "--config", "ncpm.toml", "--quarter", "Q1 2023/24", "--out", "c.md", "-q",
                 cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "c.md").read_text(encoding="utf-8")
    statements = json.loads((tmp_path / "out" / "warwickshire" / "statements.json").read_text(encoding="utf-8"))
    assert statements and all(f"> {s['text']}\n" in text for s in statements)  # every statement, quoted
    assert text.startswith("# OPCC commentary: Warwickshire, Q1 2023/24")
    manifest = (tmp_path / "out" / "manifest.json").read_bytes()
    again = _ncpm("commentary", "--config", "ncpm.toml", "--quarter", "Q1 2023/24", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == text  # from the run's statements: stdout, nothing rerun
    assert (tmp_path / "out" / "manifest.json").read_bytes() == manifest
    refused = _ncpm("commentary", "--config", "ncpm.toml", "--quarter", "Q1 2023/24", "--out", "c.md",
                    cwd=tmp_path)
    assert refused.returncode == 2 and "never overwritten" in refused.stderr
    bad = _ncpm("commentary", "--config", "ncpm.toml", "--quarter", "Q5 2023/24", cwd=tmp_path)
    assert bad.returncode == 2
