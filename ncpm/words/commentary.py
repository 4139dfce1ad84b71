"""The OPCC's commentary on the quarter: a Markdown file the analyst writes, parsed into the report's "OPCC
Commentary" blocks (one per NCPM priority, as in a PCC's NCPM appendix), and the template ``ncpm commentary`` writes.

The format (a small, strict subset of Markdown):

- ``## 2. Reduce serious violence`` starts the commentary on a priority: its number, or its title as
  ``ncpm.core.catalogue.priorities`` gives it (any case).
- ``### knife_crime`` starts the commentary on one measure: its catalogue id or label ("Knife crime"). It is printed
  under its priority's "OPCC Commentary", headed by the measure's label.
- Text under a heading: paragraphs (separated by a blank line), ``- `` bulleted items and ``1. `` numbered items;
  ``**bold**`` is the only inline mark. Everything else is text, printed as typed: raw HTML is escaped, never passed
  through.
- Lines starting with ``>`` are notes to the writer (the template quotes the report's statements that way) and are
  not printed; a ``# `` title line is not printed either.
- A heading that names no priority or measure, a ``####`` heading, or text before the first heading is a warning
  naming the file and line: its text is not in the report, and nothing is dropped silently.

Pure: it takes the file's text and returns values; the pipeline (``ncpm.pipeline``) reads the file.

>>> c = parse_commentary("## 2. Reduce serious violence\\nThe PCC will hold the Chief Constable to account.\\n"
...                      "### knife_crime\\n- School holidays\\n- Night-time economy\\n", "c.md")
>>> c.priorities[2][0].text, c.measures["knife_crime"][0].items
('The PCC will hold the Chief Constable to account.', ('School holidays', 'Night-time economy'))
>>> parse_commentary("## 9. Something else\\nText", "c.md").warnings[0]
"c.md, line 1: heading '## 9. Something else' names no NCPM priority (1 to 6, or a priority's title): its text is not in the report"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ncpm.core.catalogue import label, measures, priorities
from ncpm.words.measure_lists import LETTER_MARK

PLACEHOLDER = "[OPCC commentary to be added]"  # where a draft report has no commentary yet
HEADING = "OPCC Commentary"
BOLD = re.compile(r"\*\*(.+?)\*\*")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Block:
    """A paragraph (``kind`` "p", its ``text``) or a list ("ul" bulleted, "ol" numbered, its ``items``)."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Commentary:
    """The commentary by priority and by measure (catalogue id), in the file's order, and the warnings."""

    priorities: dict[int, tuple[Block, ...]] = field(default_factory=dict)
    measures: dict[str, tuple[Block, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    source: str = ""

    def for_priority(self, number: int) -> tuple[tuple[Block, ...], tuple[tuple[str, tuple[Block, ...]], ...]]:
        """A priority's own blocks and its measures' (label, blocks), in the file's order."""
        own = self.priorities.get(number, ())
        by_measure = tuple((label(m, capital=True), blocks) for m, blocks in self.measures.items()
                           if _priority_of(m) == number)
        return own, by_measure


def _priority_of(measure_id: str) -> int | None:
    return next((m.priority for m in measures() if m.id == measure_id), None)


def _find_priority(text: str) -> int | None:
    found = re.match(r"^(\d+)\s*[.)]?\s*(.*)$", text)
    if found:
        number = int(found.group(1))
        return number if number in priorities() else None
    wanted = text.strip(" .").lower()
    return next((n for n, title in priorities().items() if title.lower() == wanted), None)


def _find_measure(text: str) -> str | None:
    wanted = LETTER_MARK.sub("", text.strip(" .")).lower()  # "b) Knife crime", lettered as the report lists it
    for m in measures():
        if wanted in (m.id, m.label.lower()):
            return m.id
    return None


def _blocks(lines: list[str]) -> tuple[Block, ...]:
    """Paragraphs and lists from the lines under one heading (quoted lines already left out)."""
    out: list[Block] = []
    para: list[str] = []
    kind, items = "", []

    def flush() -> None:
        nonlocal para, kind, items
        if para:
            out.append(Block("p", " ".join(para)))
        if items:
            out.append(Block(kind, items=tuple(items)))
        para, kind, items = [], "", []

    for line in lines:
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if not line.strip():
            flush()
        elif bullet or numbered:
            new_kind = "ul" if bullet else "ol"
            if para or (items and kind != new_kind):
                flush()
            kind = new_kind
            items.append((bullet or numbered).group(1).strip())
        elif items and line[:1].isspace():  # an indented line continues the item above
            items[-1] += " " + line.strip()
        else:
            if items:
                flush()
            para.append(line.strip())
    flush()
    return tuple(out)


def parse_commentary(text: str, source: str = "commentary") -> Commentary:
    """The commentary file's text as :class:`Commentary`; ``source`` names the file in warnings."""
    by_priority: dict[int, list[str]] = {}
    by_measure: dict[str, list[str]] = {}
    warnings: list[str] = []
    target: list[str] | None = None
    current: int | None = None
    stray = headed = False  # text seen before any heading; a ## or ### heading seen
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(">"):
            continue
        heading = _HEADING.match(line)
        if heading:
            level, title = len(heading.group(1)), heading.group(2)
            where = f"{source}, line {number}: heading {line.strip()!r}"
            target = None
            if level == 1:
                continue
            headed = True
            if level == 2:
                current = _find_priority(title)
                if current is None:
                    warnings.append(f"{where} names no NCPM priority (1 to {max(priorities())}, or a priority's "
                                    "title): its text is not in the report")
                else:
                    target = by_priority.setdefault(current, [])
            elif level == 3:
                found = _find_measure(title)
                if found is None:
                    warnings.append(f"{where} names no measure (a catalogue id such as knife_crime, or its label): "
                                    "its text is not in the report")
                else:
                    if current is not None and _priority_of(found) != current:
                        warnings.append(f"{where}: {found} is a measure of priority {_priority_of(found)}, not "
                                        f"{current}: its text is printed under priority {_priority_of(found)}")
                    target = by_measure.setdefault(found, [])
            else:
                warnings.append(f"{where}: only ## (a priority) and ### (a measure) headings are read: its text is "
                                "not in the report")
            continue
        if target is not None:
            target.append(line)
        elif line.strip() and not headed and not stray:
            stray = True
            warnings.append(f"{source}, line {number}: text before the first ## or ### heading is not in the report")
    return Commentary(priorities={k: b for k, v in by_priority.items() if (b := _blocks(v))},
                      measures={k: b for k, v in by_measure.items() if (b := _blocks(v))},
                      warnings=tuple(warnings), source=source)


def template(force: str, quarter: str, as_of: str, statements: Iterable[tuple[str, str]]) -> str:
    """A commentary file to start from: a heading per priority and per measure with statements, the statements
    quoted (``> ``, not printed) under their measure; ``statements`` as (measure id, text) pairs.

    >>> print(template("Warwickshire", "Q1 2023/24", "June 2023", [("knife_crime", "In May 2023, ...")])
    ...       .split("## 2.")[1].split("## 3.")[0])
     Reduce serious violence
    <BLANKLINE>
    ### knife_crime
    <BLANKLINE>
    > In May 2023, ...
    <BLANKLINE>
    <BLANKLINE>
    """
    grouped: dict[str, list[str]] = {}
    for measure_id, text in statements:
        grouped.setdefault(measure_id, []).append(text)
    lines = [f"# OPCC commentary: {force}, {quarter}", "",
             f"> The OPCC's commentary for the quarterly NCPM report (data to {as_of}). Write it under each heading:",
             "> paragraphs separated by a blank line, lists with \"- \" or \"1. \", **bold** for emphasis.",
             "> Under \"## <n>. <priority>\": the priority as a whole; under \"### <measure>\": that measure.",
             "> Lines starting with \">\", like these and the report's statements quoted below, are not printed.",
             f"> A heading left without text shows \"{PLACEHOLDER}\" in a draft report and nothing in a final one.",
             ""]
    for number, title in priorities().items():
        lines += [f"## {number}. {title}", ""]
        for measure_id in (m.id for m in measures() if m.priority == number):
            if measure_id in grouped:
                lines += [f"### {measure_id}", ""]
                for text in grouped[measure_id]:
                    lines += [f"> {text}", ""]
                lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
