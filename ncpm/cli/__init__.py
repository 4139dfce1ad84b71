"""The ``ncpm`` command: the arguments parsed (:mod:`ncpm.cli.parser`, without loading pandas, so --help answers at
once), then the command run (:mod:`ncpm.cli.commands`, where the work is handed to ``ncpm.pipeline``), with logging
and the exit codes (:mod:`ncpm.cli.exits`).

Exit codes: 0 done; 1 input problems (the list is printed); 2 usage; 3 internal error (with a log path).
Library errors become one clear message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from ncpm.cli.exits import EXIT_BROKEN_PIPE, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from ncpm.cli.parser import build_parser
from ncpm.core.errors import ConfigError, InputError, NcpmError
from ncpm.io.runstate import RunLocked

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


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
