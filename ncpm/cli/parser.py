"""The ``ncpm`` command line: its commands, each one's --help (what it does, with an example line) and its
arguments. Nothing here loads pandas, so ``ncpm --help`` and ``ncpm <command> --help`` answer at once: the commands
(:mod:`ncpm.cli.commands`) are loaded by :func:`commands` only when a command runs, or when a value given needs the
library to check it (a month, a quarter, a force's name) or a help shows the library's values (``ncpm export``).
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import inspect
import re
import sys

from ncpm import __version__
from ncpm.cli.exits import EXIT_USAGE
from ncpm.methods import disclosure_defaults

#: each command's --help: the first sentence is its line in ``ncpm --help``
HELP = {
    "ingest": """Read raw files (any supported format, auto-detected) into the canonical parquet store.

        Prints rows in, loaded and rejected for each file, and every rejected row with its file, row and column.
        Exits 1 when any row was rejected (the loaded rows are still written), so a scheduler notices.

        Exits 1 too when a path holds no data (an empty folder, one holding only a README).

        example: ncpm ingest data/raw/2023-06-warwickshire-street.csv data/raw/prc-pfa.xlsx --out data/processed
        example: ncpm ingest police-archive.zip --lsoa --out data/processed/lsoa
        example: ncpm ingest force_extract.csv --encoding cp1252 --out data/processed
        """,
    "validate": """Check raw files without writing anything: exit 0 when clean, 1 when problems were found, 2 on usage errors.

        example: ncpm validate data/raw/force_extract.csv
        """,
    "run": """Ingest the configured inputs and compute every measure, forecast, peer comparison, figure, statement and
        the quarterly report, under the output folder (parquet tables, PNG figures, HTML report, manifest.json).

        Safe to schedule: one run at a time, atomic writes, and a rerun with nothing changed does no work.
        Progress: a stage counter when stderr is a terminal, one log line per stage otherwise.
        Exit codes: 0 done; 1 input problems (listed; the run still completes with the rows loaded); 2 usage,
        configuration or another run in progress; 3 internal error (with a log path).

        example: ncpm run --config ncpm.toml --as-of 2023-06 --force Warwickshire --out data/processed
        """,
    "report": """The quarterly NCPM report for one force and quarter (runs whatever is out of date first).

        example: ncpm report --force Warwickshire --quarter "Q1 2023/24"
        """,
    "commentary": """Write the OPCC commentary template for a quarter: a "## <n>. <priority>" heading per NCPM priority and a
        "### <measure>" heading per measure with statements, the quarter's statements quoted under them ("> ", not
        printed) for the analyst to write under. The statements are the finished run's when it has the quarter, else
        ncpm runs first. Name the file in the configuration ([report] commentary = "...") and run again: a draft shows
        "[OPCC commentary to be added]" where none is written, a final report (--final) nothing.

        An existing file is never overwritten. Without --out, the template goes to stdout.

        example: ncpm commentary --config ncpm.toml --quarter "Q1 2023/24" --out commentary-Q1-2023-24.md
        """,
    "demo": """The main job on the embedded synthetic demo dataset: ``ncpm run`` for Warwickshire, Q1 2023/24, then the
        notebooks executed and rendered to HTML beside the report.

        example: ncpm demo --out data/processed
        """,
    "export": """Export a result table of a finished run ("baseline", "changes", "summary", "statements", ...) to CSV or XLSX
        for publication, with disclosure control on counts below force level (LPA): counts under --threshold are
        suppressed and shown as [c] (or, with --method round, rounded to the nearest --threshold). Text cells that
        Excel would run as formulas are neutralised. Prints what was suppressed and why.

        example: ncpm export baseline --out baseline.xlsx --run-dir data/processed --threshold 5
        """,
    "demo-data": """Regenerate the synthetic demo dataset byte for byte (seeded) into data/raw/demo or --out.

        example: ncpm demo-data --out /tmp/demo
        """,
}

ENCODING_HELP = ("the text files' encoding, e.g. cp1252 for a CSV saved by Excel on Windows (default: UTF-8, or "
                 "UTF-16 told by its byte-order mark)")
FINAL_HELP = "a final report: no placeholder where the OPCC commentary is missing (as [report] final = true)"


def commands():
    """:mod:`ncpm.cli.commands`, loaded on first use: it imports the pipeline (pandas and the rest), which parsing
    and --help do without."""
    return importlib.import_module("ncpm.cli.commands")


class Later:
    """A function of :mod:`ncpm.cli.commands` called by its name: a command (``Later("cmd_run")(args)``) or an
    argument's check that needs the library (``Later("month")("2023-06")``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *args):
        return getattr(commands(), self.name)(*args)


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with one line, as argparse does; a command whose arguments need the library
    (``arguments``) has them added when it is parsed, so that building the parser for ``ncpm --help`` loads none."""

    arguments = None

    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"ncpm: error: {message}\n")

    def parse_known_args(self, args=None, namespace=None):
        if self.arguments is not None:
            add, self.arguments = self.arguments, None
            add(self)
        return super().parse_known_args(args, namespace)


def _encoding(text: str) -> str:
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {text!r} (e.g. utf-8, cp1252, latin-1)") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


_RST = ((re.compile(r":[a-z]+:`~?([^`]+)`"), r"\1"), (re.compile(r"``([^`]+)``"), r"\1"))


def _plain(text: str) -> str:
    """Help text as plain text: reStructuredText roles and literals without their marks."""
    for pattern, repl in _RST:
        text = pattern.sub(repl, text)
    return text


def _summary(doc: str) -> str:
    """A command's one-line summary for ``ncpm --help``: the help's whole first sentence, as plain text."""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    match = re.search(r"(?<!e\.g)(?<!i\.e)\.(\s|$)", paragraph)
    return _plain(paragraph[:match.start()] if match else paragraph)


def _export_arguments(p: argparse.ArgumentParser) -> None:
    """``ncpm export``'s disclosure arguments: their choices and defaults are :mod:`ncpm.methods.disclosure`'s
    (named in :mod:`ncpm.methods.disclosure_defaults`, which loads no pandas)."""
    p.add_argument("--threshold", type=_positive_int, help="suppress sub-force counts below this (default "
                   f"{disclosure_defaults.DEFAULT_THRESHOLD}); with --method round, the rounding base")
    p.add_argument("--method", choices=disclosure_defaults.METHODS,
                   help=f"disclosure method (default {disclosure_defaults.DEFAULT_METHOD})")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ncpm", description="National Crime and Policing Measures: ingest, compute, report.",
                     epilog="example: ncpm demo", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ncpm {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors on stderr")
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    month, quarter, force = Later("month"), Later("quarter"), Later("force_name")

    def add(name: str, **kwargs) -> argparse.ArgumentParser:
        doc = inspect.cleandoc(HELP[name])
        p = sub.add_parser(name, parents=[common], help=_summary(doc), description=_plain(doc),
                           formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)
        p.set_defaults(func=Later(f"cmd_{name.replace('-', '_')}"))
        return p

    p = add("ingest")
    p.add_argument("paths", nargs="+", help="files, folders or police.uk archives")
    p.add_argument("--out", required=True, help="folder for the parquet store")
    p.add_argument("--lsoa", action="store_true",
                   help="count police.uk records by LSOA code (area = the LSOA; 'no LSOA' for records without one) "
                        "instead of by force")
    p.add_argument("--encoding", type=_encoding, help=ENCODING_HELP)
    p = add("validate")
    p.add_argument("paths", nargs="+", help="files, folders or police.uk archives")
    p.add_argument("--encoding", type=_encoding, help=ENCODING_HELP)
    p = add("run")
    p.add_argument("--config", help="TOML configuration (default: every option at its default)")
    p.add_argument("--as-of", dest="as_of", type=month,
                   help="the latest month to report, YYYY-MM (default: the latest in the data; with --quarter, a "
                        "month of that quarter)")
    p.add_argument("--quarter", type=quarter, help='the quarter to report, e.g. "Q1 2023/24"')
    p.add_argument("--force", action="append", type=force, help="a force to report on (repeat for several)")
    p.add_argument("--out", help="output folder (default: output.dir of the configuration)")
    p.add_argument("--full", action="store_true", help="recompute everything, even what is up to date")
    p.add_argument("--final", action="store_true", help=FINAL_HELP)
    p = add("report")
    p.add_argument("--force", required=True, type=force, help="the force, e.g. Warwickshire")
    p.add_argument("--quarter", required=True, type=quarter, help='e.g. "Q1 2023/24"')
    p.add_argument("--config", help="TOML configuration")
    p.add_argument("--out", help="output folder")
    p.add_argument("--markdown", action="store_true", help="also write the report as Markdown")
    p.add_argument("--full", action="store_true", help="recompute everything")
    p.add_argument("--final", action="store_true", help=FINAL_HELP)
    p.set_defaults(as_of=None)
    p = add("commentary")
    p.add_argument("--quarter", required=True, type=quarter, help='e.g. "Q1 2023/24"')
    p.add_argument("--force", type=force, help="the force (default: the configuration's only force)")
    p.add_argument("--config", help="TOML configuration")
    p.add_argument("--run-dir", dest="run_dir", help="the output folder of the run (default: output.dir)")
    p.add_argument("--out", help="the Markdown file to write (default: stdout); never overwritten")
    p = add("demo")
    p.add_argument("--out", help="output folder (default data/processed)")
    p.add_argument("--full", action="store_true", help="recompute everything")
    p.add_argument("--no-notebooks", action="store_true", help="do not execute and render the notebooks")
    p = add("export")
    p.add_argument("table", help='a result table of the run, e.g. "baseline", "changes", "summary", "statements"')
    p.add_argument("--out", required=True, help="the file to write: .csv or .xlsx")
    p.add_argument("--run-dir", dest="run_dir", help="the output folder of the run (default: output.dir)")
    p.add_argument("--config", help="TOML configuration (for output.dir)")
    p.add_argument("--force", help="whose table, when the run has several forces")
    p.arguments = _export_arguments
    p = add("demo-data")
    p.add_argument("--out", help="folder (default data/raw/demo)")
    return parser
