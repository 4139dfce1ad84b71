"""The ``ncpm`` command: argument parsing, logging and exit codes. The work is done by ``ncpm.pipeline``: ``ingest``
(reading), ``run`` (the scheduled run), ``export``, ``commentary``, ``notebooks`` and ``project`` (the demo).

Exit codes: 0 done; 1 input problems (the list is printed); 2 usage; 3 internal error (with a log path).
Library errors become one clear message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import inspect
import logging
import os
import re
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from ncpm import __version__
from ncpm.core.errors import ConfigError, InputError, NcpmError
from ncpm.core.forces import canonical_force
from ncpm.core.periods import parse_quarter, to_month
from ncpm.demo.generate import write_demo
from ncpm.io._common import SHEET_LABEL
from ncpm.io.atomic import atomic_write_bytes
from ncpm.io.runstate import RunLocked
from ncpm.methods import disclosure
from ncpm.pipeline import notebooks, project
from ncpm.pipeline.commentary import commentary_template
from ncpm.pipeline.config import load_config
from ncpm.pipeline.export import export_result
from ncpm.pipeline.ingest import ingest, read_inputs
from ncpm.pipeline.run import run

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
MAX_LISTED = 20  # rejected rows listed per file; the rest are counted

log = logging.getLogger("ncpm")
EXIT_BROKEN_PIPE = 128 + 13  # killed by SIGPIPE, as the shell reports it


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one line, as argparse does
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"ncpm: error: {message}\n")


def _print_results(results, out) -> int:
    """Print per-file row accounting and the rejected rows; return the number of input problems.

    Rows a format holds by design and ncpm does not load (an ONS table's region and national totals) are listed as
    "skipped" and are not problems.
    """
    problems = 0
    for r in results:
        print(f"{r.file} [{r.format}, {r.kind}]: {r.rows_in} rows in, {r.rows_loaded} loaded, "
              f"{len(r.problems)} rejected" + (f", {r.rows_skipped} skipped (by design)" if r.rows_skipped else "")
              + (f", {r.summed} summed into rows with the same key" if r.summed else ""), file=out)
        for note in r.notes:
            print(f"  note: {note}", file=out)
        for rej in r.rejected[:MAX_LISTED]:
            print(f"  {'skipped' if rej.expected else 'rejected'}: {rej}", file=out)
        if r.rows_rejected > MAX_LISTED:
            print(f"  ... and {r.rows_rejected - MAX_LISTED} more", file=out)
        problems += len(r.problems)
    return problems


def cmd_ingest(args: argparse.Namespace) -> int:
    """Read raw files (any supported format, auto-detected) into the canonical parquet store.

    Prints rows in, loaded and rejected for each file, and every rejected row with its file, row and column.
    Exits 1 when any row was rejected (the loaded rows are still written), so a scheduler notices.

    Exits 1 too when a path holds no data (an empty folder, one holding only a README).

    example: ncpm ingest data/raw/2023-06-warwickshire-street.csv data/raw/prc-pfa.xlsx --out data/processed
    example: ncpm ingest police-archive.zip --lsoa --out data/processed/lsoa
    example: ncpm ingest force_extract.csv --encoding cp1252 --out data/processed
    """
    report = ingest(args.paths, args.out, progress=not args.quiet, lsoa=args.lsoa, encoding=args.encoding)
    rejected = _print_results(report.results, sys.stdout)
    for kind, path in report.written.items():
        print(f"wrote {kind}: {path}")
    empty = [p for p in args.paths if not _read_from(p, report.results)]
    for p in empty:
        print(f"ncpm: input error: {p}: {NO_DATA}", file=sys.stderr)
    return EXIT_INPUT if rejected or empty else EXIT_OK


NO_DATA = "no data: no police.uk, Home Office, ONS or force extract file in it (READMEs and hidden files are not read)"


def _read_from(path: str, results) -> bool:
    """Whether any result came from ``path`` (the file itself, a sheet of it, or a file under the folder)."""
    p = Path(path).resolve()

    def source(label: str) -> Path:  # a workbook sheet's result is labelled "<file> [<sheet>]"
        return Path(SHEET_LABEL.sub("", label)).resolve()

    return any(source(r.file) == p or p in source(r.file).parents for r in results)



def cmd_validate(args: argparse.Namespace) -> int:
    """Check raw files without writing anything: exit 0 when clean, 1 when problems were found, 2 on usage errors.

    example: ncpm validate data/raw/force_extract.csv
    """
    problems = 0
    for path in args.paths:
        try:
            results = read_inputs([path], progress=not args.quiet, encoding=args.encoding)
            problems += _print_results(results, sys.stdout)
            if not results:
                print(f"problem: {path}: {NO_DATA}", file=sys.stdout)
                problems += 1
        except InputError as exc:
            print(f"problem: {exc}", file=sys.stdout)
            problems += 1
    print("clean" if not problems else f"{problems} problem(s) found")
    return EXIT_INPUT if problems else EXIT_OK


def _print_run(summary) -> None:
    if summary.nothing_changed:
        print(summary.up_to_date_message())
    else:
        if summary.recomputed:
            print("recomputed: " + ", ".join(summary.recomputed))
        if summary.reused:
            print("reused (inputs unchanged): " + ", ".join(summary.reused))
    for force, paths in summary.manifest.get("reports", {}).items():
        for p in paths:
            print(f"report for {force}: {p}")
    for w in summary.warnings:
        log.warning(w)
    if summary.problems:
        print("input problems:")
        for p in summary.problems:
            print(f"  {p}")


def _progress_stream(args: argparse.Namespace):
    """stderr when it is a terminal (a stage counter rewritten in place); None otherwise (plain log lines)."""
    return sys.stderr if sys.stderr.isatty() and not args.quiet else None


def _uses(args: argparse.Namespace, cfg, out: str | Path | None = None) -> None:
    """Note what the command reads (the configured inputs) and where it writes (its output folder), so that an
    operating system error on a path says whose problem it is (:func:`_os_error`)."""
    args.reads.extend(cfg.path(p) for p in cfg.inputs.paths)
    args.writes.append(Path(out or getattr(args, "out", None) or cfg.path(cfg.output.dir)))


def _run_with(args: argparse.Namespace, cfg) -> int:
    _uses(args, cfg)
    if getattr(args, "final", False):  # --final: no commentary placeholder in the report
        cfg = dataclasses.replace(cfg, report=dataclasses.replace(cfg.report, final=True))
    summary = run(cfg, full=args.full, as_of=args.as_of, quarter=getattr(args, "quarter", None),
                  forces=args.force or None, out=args.out, progress=_progress_stream(args))
    _print_run(summary)
    return summary.exit_code


def cmd_run(args: argparse.Namespace) -> int:
    """Ingest the configured inputs and compute every measure, forecast, peer comparison, figure, statement and
    the quarterly report, under the output folder (parquet tables, PNG figures, HTML report, manifest.json).

    Safe to schedule: one run at a time, atomic writes, and a rerun with nothing changed does no work.
    Progress: a stage counter when stderr is a terminal, one log line per stage otherwise.
    Exit codes: 0 done; 1 input problems (listed; the run still completes with the rows loaded); 2 usage,
    configuration or another run in progress; 3 internal error (with a log path).

    example: ncpm run --config ncpm.toml --as-of 2023-06 --force Warwickshire --out data/processed
    """
    return _run_with(args, load_config(args.config))


def cmd_report(args: argparse.Namespace) -> int:
    """The quarterly NCPM report for one force and quarter (runs whatever is out of date first).

    example: ncpm report --force Warwickshire --quarter "Q1 2023/24"
    """
    cfg = load_config(args.config)
    if args.markdown:
        cfg = dataclasses.replace(cfg, output=dataclasses.replace(cfg.output, markdown=True))
    args.force = [args.force]
    return _run_with(args, cfg)


def cmd_commentary(args: argparse.Namespace) -> int:
    """Write the OPCC commentary template for a quarter: a "## <n>. <priority>" heading per NCPM priority and a
    "### <measure>" heading per measure with statements, the quarter's statements quoted under them ("> ", not
    printed) for the analyst to write under. The statements are the finished run's when it has the quarter, else
    ncpm runs first. Name the file in the configuration ([report] commentary = "...") and run again: a draft shows
    "[OPCC commentary to be added]" where none is written, a final report (--final) nothing.

    An existing file is never overwritten. Without --out, the template goes to stdout.

    example: ncpm commentary --config ncpm.toml --quarter "Q1 2023/24" --out commentary-Q1-2023-24.md
    """
    out = Path(args.out) if args.out else None
    if out is not None and out.exists():
        print(f"ncpm: error: {out} exists: the analyst's commentary is never overwritten (give another --out)",
              file=sys.stderr)
        return EXIT_USAGE
    cfg = load_config(args.config)
    _uses(args, cfg, out=args.run_dir)
    text = commentary_template(cfg, quarter=args.quarter, force=args.force, run_dir=args.run_dir)
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write_bytes(out, text.encode("utf-8"))
        print(f"wrote {out}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """The main job on the embedded synthetic demo dataset: ``ncpm run`` for Warwickshire, Q1 2023/24, then the
    notebooks executed and rendered to HTML beside the report.

    example: ncpm demo --out data/processed
    """
    cfg = project.demo_config()
    _uses(args, cfg)
    summary = run(cfg, full=args.full, out=args.out, progress=_progress_stream(args))
    _print_run(summary)
    if cfg.output.notebooks and not args.no_notebooks:
        for path in notebooks.render_notebooks(summary.out_dir / "notebooks", run=summary.out_dir):  # they read this run
            print(f"notebook: {path}")
    return summary.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    """Export a result table of a finished run ("baseline", "changes", "summary", "statements", ...) to CSV or XLSX
    for publication, with disclosure control on counts below force level (LPA): counts under --threshold are
    suppressed and shown as [c] (or, with --method round, rounded to the nearest --threshold). Text cells that
    Excel would run as formulas are neutralised. Prints what was suppressed and why.

    example: ncpm export baseline --out baseline.xlsx --run-dir data/processed --threshold 5
    """
    cfg = load_config(args.config) if args.config else None
    run_dir = args.run_dir or (cfg.path(cfg.output.dir) if cfg else load_config(None).path("data/processed"))
    args.reads.append(Path(run_dir))
    result = export_result(args.table, args.out, run_dir=run_dir, force=args.force, threshold=args.threshold,
                           method=args.method, config=cfg)
    e = result.export
    print(f"wrote {e.path} ({e.format}, {e.rows:,} rows, {e.columns} columns) from {result.source}")
    for note in result.notes:
        print(f"note: {note}")
    if e.protected is not None:
        print("disclosure control:")
        for sentence in result.disclosure:
            print(f"  {sentence}")
        for row in e.protected.log.head(MAX_LISTED).itertuples(index=False):
            print("  " + ", ".join(str(v) for v in row))
        if len(e.protected.log) > MAX_LISTED:
            print(f"  ... and {len(e.protected.log) - MAX_LISTED} more suppressed cells")
    return EXIT_OK


def cmd_demo_data(args: argparse.Namespace) -> int:
    """Regenerate the synthetic demo dataset byte for byte (seeded) into data/raw/demo or --out.

    example: ncpm demo-data --out /tmp/demo
    """
    out = Path(args.out) if args.out else project.demo_dir()
    args.writes.append(out)
    for path in write_demo(out):
        print(f"wrote {path}")
    return EXIT_OK


ENCODING_HELP = ("the text files' encoding, e.g. cp1252 for a CSV saved by Excel on Windows (default: UTF-8, or "
                 "UTF-16 told by its byte-order mark)")


def _encoding(text: str) -> str:
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {text!r} (e.g. utf-8, cp1252, latin-1)") from None


def _month(text: str) -> str:
    """``--as-of``: a month, YYYY-MM (a usage error, exit 2, otherwise)."""
    try:
        return str(to_month(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month: {text!r} (expected YYYY-MM, e.g. 2023-06)") from None


def _quarter(text: str) -> str:
    """``--quarter``: a financial quarter, e.g. "Q1 2023/24" (a usage error, exit 2, otherwise)."""
    try:
        return str(parse_quarter(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _force_name(text: str) -> str:
    """``--force``: a force's name in any common spelling (a usage error, exit 2, naming close matches otherwise)."""
    try:
        return canonical_force(text)
    except NcpmError as exc:
        raise argparse.ArgumentTypeError(getattr(exc, "message", None) or str(exc)) from None


_RST = ((re.compile(r":[a-z]+:`~?([^`]+)`"), r"\1"), (re.compile(r"``([^`]+)``"), r"\1"))


def _plain(text: str) -> str:
    """Docstring text for --help: reStructuredText roles and literals as plain text."""
    for pattern, repl in _RST:
        text = pattern.sub(repl, text)
    return text


def _summary(doc: str) -> str:
    """A command's one-line summary for ``ncpm --help``: the docstring's whole first sentence, as plain text."""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    match = re.search(r"(?<!e\.g)(?<!i\.e)\.(\s|$)", paragraph)
    return _plain(paragraph[:match.start()] if match else paragraph)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ncpm", description="National Crime and Policing Measures: ingest, compute, report.",
                     epilog="example: ncpm demo", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ncpm {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors on stderr")
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, func, **kwargs) -> argparse.ArgumentParser:
        doc = inspect.cleandoc(func.__doc__ or "")
        p = sub.add_parser(name, parents=[common], help=_summary(doc), description=_plain(doc),
                           formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)
        p.set_defaults(func=func)
        return p

    p = add("ingest", cmd_ingest)
    p.add_argument("paths", nargs="+", help="files, folders or police.uk archives")
    p.add_argument("--out", required=True, help="folder for the parquet store")
    p.add_argument("--lsoa", action="store_true",
                   help="count police.uk records by LSOA code (area = the LSOA; 'no LSOA' for records without one) "
                        "instead of by force")
    p.add_argument("--encoding", type=_encoding, help=ENCODING_HELP)
    p = add("validate", cmd_validate)
    p.add_argument("paths", nargs="+", help="files, folders or police.uk archives")
    p.add_argument("--encoding", type=_encoding, help=ENCODING_HELP)
    p = add("run", cmd_run)
    p.add_argument("--config", help="TOML configuration (default: every option at its default)")
    p.add_argument("--as-of", dest="as_of", type=_month,
                   help="the latest month to report, YYYY-MM (default: the latest in the data; with --quarter, a "
                        "month of that quarter)")
    p.add_argument("--quarter", type=_quarter, help='the quarter to report, e.g. "Q1 2023/24"')
    p.add_argument("--force", action="append", type=_force_name, help="a force to report on (repeat for several)")
    p.add_argument("--out", help="output folder (default: output.dir of the configuration)")
    p.add_argument("--full", action="store_true", help="recompute everything, even what is up to date")
    p.add_argument("--final", action="store_true", help="a final report: no placeholder where the OPCC commentary "
                   "is missing (as [report] final = true)")
    p = add("report", cmd_report)
    p.add_argument("--force", required=True, type=_force_name, help="the force, e.g. Warwickshire")
    p.add_argument("--quarter", required=True, type=_quarter, help='e.g. "Q1 2023/24"')
    p.add_argument("--config", help="TOML configuration")
    p.add_argument("--out", help="output folder")
    p.add_argument("--markdown", action="store_true", help="also write the report as Markdown")
    p.add_argument("--full", action="store_true", help="recompute everything")
    p.add_argument("--final", action="store_true", help="a final report: no placeholder where the OPCC commentary "
                   "is missing (as [report] final = true)")
    p.set_defaults(as_of=None)
    p = add("commentary", cmd_commentary)
    p.add_argument("--quarter", required=True, type=_quarter, help='e.g. "Q1 2023/24"')
    p.add_argument("--force", type=_force_name, help="the force (default: the configuration's only force)")
    p.add_argument("--config", help="TOML configuration")
    p.add_argument("--run-dir", dest="run_dir", help="the output folder of the run (default: output.dir)")
    p.add_argument("--out", help="the Markdown file to write (default: stdout); never overwritten")
    p = add("demo", cmd_demo)
    p.add_argument("--out", help="output folder (default data/processed)")
    p.add_argument("--full", action="store_true", help="recompute everything")
    p.add_argument("--no-notebooks", action="store_true", help="do not execute and render the notebooks")
    p = add("export", cmd_export)
    p.add_argument("table", help='a result table of the run, e.g. "baseline", "changes", "summary", "statements"')
    p.add_argument("--out", required=True, help="the file to write: .csv or .xlsx")
    p.add_argument("--run-dir", dest="run_dir", help="the output folder of the run (default: output.dir)")
    p.add_argument("--config", help="TOML configuration (for output.dir)")
    p.add_argument("--force", help="whose table, when the run has several forces")
    p.add_argument("--threshold", type=_positive_int, help="suppress sub-force counts below this (default "
                   f"{disclosure.DEFAULT_THRESHOLD}); with --method round, the rounding base")
    p.add_argument("--method", choices=disclosure.METHODS,
                   help=f"disclosure method (default {disclosure.DEFAULT_METHOD})")
    p = add("demo-data", cmd_demo_data)
    p.add_argument("--out", help="folder (default data/raw/demo)")
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(message)s", stream=sys.stderr, force=True)


def _under(name: str | None, places: list[Path]) -> bool:
    """Whether the file ``name`` is one of ``places`` or inside one of them."""
    if not name:
        return False
    path = Path(name).resolve()
    return any(path == p or p in path.parents for p in (place.resolve() for place in places))


def _os_error(exc: OSError, args: argparse.Namespace) -> tuple[int, str]:
    """The exit code and message for a folder where a file was wanted, or a path this user may not read or write:
    on the output (a folder or file the command writes) a configuration problem, exit 2; on an input file an input
    problem, exit 1. Both name the path."""
    name = exc.filename or str(exc)
    output = _under(exc.filename, args.writes) and not _under(exc.filename, args.reads)
    if isinstance(exc, IsADirectoryError):  # a folder where a file name was wanted (ncpm export --out FOLDER)
        if _under(exc.filename, args.reads) and not output:
            return EXIT_INPUT, f"ncpm: input error: {name} is a folder where a file was expected"
        return EXIT_USAGE, f"ncpm: error: {name} is a folder: give a file name"
    if output:
        return EXIT_USAGE, (f"ncpm: configuration error: {name}: permission denied writing the output (check who "
                            "owns the output folder and its mode, or give another --out)")
    return EXIT_INPUT, f"ncpm: input error: {name}: permission denied (check who owns it and its mode)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args)
    missing = [p for p in getattr(args, "paths", []) if not Path(p).exists()]
    if missing:
        print(f"ncpm: error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    args.reads = [Path(p) for p in getattr(args, "paths", [])]  # what the command reads and writes: _os_error
    args.writes = [Path(args.out)] if getattr(args, "out", None) else []
    try:
        return args.func(args)
    except (ConfigError, RunLocked) as exc:  # a bad key, or another run holds the lock: nothing ran
        kind = "configuration error: " if isinstance(exc, ConfigError) else ""
        print(f"ncpm: {kind}{exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(f"ncpm: input error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except NcpmError as exc:
        print(f"ncpm: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("ncpm: interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:  # the reader of our output went away (ncpm validate ... | head): end as a Unix tool does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except (IsADirectoryError, PermissionError) as exc:
        code, message = _os_error(exc, args)
        print(message, file=sys.stderr)
        return code
    except Exception as exc:  # an internal error: the traceback goes to a log file, not the terminal
        with tempfile.NamedTemporaryFile("w", prefix="ncpm-error-", suffix=".log", delete=False) as fh:
            traceback.print_exc(file=fh)
        print(f"ncpm: internal error: {exc.__class__.__name__}: {exc} (details in {fh.name})", file=sys.stderr)
        return EXIT_INTERNAL
