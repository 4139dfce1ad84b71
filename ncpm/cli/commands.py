"""What each ``ncpm`` command does, once :mod:`ncpm.cli.parser` has parsed its arguments (each command's --help is
there, beside its arguments): the work is done by ``ncpm.pipeline``: ``ingest`` (reading), ``run`` (the scheduled
run), ``export``, ``commentary``, ``notebooks`` and ``project`` (the demo). Here too are the checks of the argument
values that need the library (a month, a quarter, a force's name), which the parser calls by name.

Loaded by :func:`ncpm.cli.parser.commands` only when a command runs: it imports the pipeline (pandas and the rest).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from pathlib import Path

from ncpm.cli.exits import EXIT_INPUT, EXIT_OK, EXIT_USAGE
from ncpm.core.errors import InputError, NcpmError
from ncpm.core.forces import canonical_force
from ncpm.core.periods import parse_quarter, to_month
from ncpm.demo.generate import write_demo
from ncpm.io.atomic import atomic_write_bytes
from ncpm.io.workbooks import SHEET_LABEL
from ncpm.pipeline import notebooks, project
from ncpm.pipeline.commentary import commentary_template
from ncpm.pipeline.config import load_config
from ncpm.pipeline.export import export_result
from ncpm.pipeline.ingest import ingest, read_inputs
from ncpm.pipeline.run import run

MAX_LISTED = 20  # rejected rows listed per file; the rest are counted

log = logging.getLogger("ncpm")


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
    """``ncpm ingest``: the store written, each file's rows accounted for; 1 when a row was rejected or a path
    held no data."""
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
    """``ncpm validate``: the files checked, nothing written; 1 when a problem was found."""
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
    operating system error on a path says whose problem it is (:func:`ncpm.cli._os_error`)."""
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
    """``ncpm run``: the configured run, its reports and what it recomputed and reused printed."""
    return _run_with(args, load_config(args.config))


def cmd_report(args: argparse.Namespace) -> int:
    """``ncpm report``: the run for one force and quarter (``--markdown``: with the report as Markdown too)."""
    cfg = load_config(args.config)
    if args.markdown:
        cfg = dataclasses.replace(cfg, output=dataclasses.replace(cfg.output, markdown=True))
    args.force = [args.force]
    return _run_with(args, cfg)


def cmd_commentary(args: argparse.Namespace) -> int:
    """``ncpm commentary``: the commentary template written to ``--out`` (never over an existing file) or stdout."""
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
    """``ncpm demo``: the run on the demo dataset, then its notebooks rendered."""
    cfg = project.demo_config()
    _uses(args, cfg)
    summary = run(cfg, full=args.full, out=args.out, progress=_progress_stream(args))
    _print_run(summary)
    if cfg.output.notebooks and not args.no_notebooks:
        for path in notebooks.render_notebooks(summary.out_dir / "notebooks", run=summary.out_dir):  # they read this run
            print(f"notebook: {path}")
    return summary.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    """``ncpm export``: a table of a finished run written for publication, disclosure control said."""
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
    """``ncpm demo-data``: the demo dataset written."""
    out = Path(args.out) if args.out else project.demo_dir()
    args.writes.append(out)
    for path in write_demo(out):
        print(f"wrote {path}")
    return EXIT_OK


def month(text: str) -> str:
    """``--as-of``: a month, YYYY-MM (a usage error, exit 2, otherwise)."""
    try:
        return str(to_month(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month: {text!r} (expected YYYY-MM, e.g. 2023-06)") from None


def quarter(text: str) -> str:
    """``--quarter``: a financial quarter, e.g. "Q1 2023/24" (a usage error, exit 2, otherwise)."""
    try:
        return str(parse_quarter(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def force_name(text: str) -> str:
    """``--force``: a force's name in any common spelling (a usage error, exit 2, naming close matches otherwise)."""
    try:
        return canonical_force(text)
    except NcpmError as exc:
        raise argparse.ArgumentTypeError(getattr(exc, "message", None) or str(exc)) from None
