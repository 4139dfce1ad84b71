"""Benchmark: XLSX export of a large result table, ncpm's streaming writer against openpyxl's write-only mode.

    python benchmarks/bench_export.py [--rows 232000] [--rounds 3]

A seeded synthetic table of the shape of ``ncpm export baseline`` (force, area, measure, month, count, baseline, z,
comparison) is exported with :func:`ncpm.io.export.export_table` (its column-at-a-time SpreadsheetML writer) and,
as the baseline, written row by row with openpyxl's write-only workbook, the writer ncpm used before; the CSV export
of the same table is timed too. Both XLSX files are read back with pandas and checked equal. Printed: seconds per
writer (best and median of ``--rounds``, in rotated order, so that a loaded machine slows both alike), the ratio
openpyxl / ncpm, and the load average. Goal (issue 17): 232k rows under 10 s on 2 cores at light load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ncpm.io.export import _cells, export_table


def table(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.period_range("2019-01", periods=60, freq="M")
    text = lambda values: pd.array(rng.choice(values, rows), dtype="string")  # noqa: E731
    return pd.DataFrame({
        "force": text(["Warwickshire", "West Mercia", "Kent", "Avon and Somerset"]),
        "area": text(["Force", "North", "East", "South"]),
        "measure": text(["knife_crime", "vehicle_crime", "burglary", "robbery"]),
        "month": pd.PeriodIndex(months[rng.integers(0, len(months), rows)]),
        "count": rng.integers(0, 500, rows),
        "baseline": rng.random(rows) * 100,
        "z": rng.standard_normal(rows),
        "comparison": text(["in line with", "above", "below", "substantially above"]),
    })


def openpyxl_write(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    header, columns = _cells(frame, None, ())
    book = Workbook(write_only=True)
    ws = book.create_sheet("data")
    ws.append(header)
    for row in zip(*columns, strict=True):
        ws.append(list(row))
    book.save(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=232_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    frame = table(args.rows)
    out = Path(tempfile.mkdtemp())
    writers = {
        "ncpm xlsx": lambda: export_table(frame, out / "ncpm.xlsx"),
        "openpyxl write-only xlsx": lambda: openpyxl_write(frame, out / "openpyxl.xlsx"),
        "ncpm csv": lambda: export_table(frame, out / "ncpm.csv"),
    }
    times: dict[str, list[float]] = {k: [] for k in writers}
    load = [os.getloadavg()[0]]
    names = list(writers)
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            started = time.perf_counter()
            writers[name]()
            times[name].append(time.perf_counter() - started)
    load.append(os.getloadavg()[0])
    ours = pd.read_excel(out / "ncpm.xlsx")
    theirs = pd.read_excel(out / "openpyxl.xlsx")
    pd.testing.assert_frame_equal(ours, theirs)
    print(f"{args.rows:,} rows x {frame.shape[1]} columns; load average {load[0]:.1f} -> {load[1]:.1f}")
    for name, t in times.items():
        print(f"  {name:26s} best {min(t):6.2f} s   median {statistics.median(t):6.2f} s")
    best = {k: min(v) for k, v in times.items()}
    print(f"  openpyxl / ncpm (xlsx): {best['openpyxl write-only xlsx'] / best['ncpm xlsx']:.1f}x; "
          f"goal: ncpm xlsx under 10 s -> {'met' if best['ncpm xlsx'] < 10 else 'not met'}")


if __name__ == "__main__":
    main()
