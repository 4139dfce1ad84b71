"""Benchmark: reading a national data.police.uk archive into monthly counts (issue 8, "Ingest at national scale").

    .venv/bin/python benchmarks/bench_ingest.py                 # 12 months x 44 forces, ~6M records
    .venv/bin/python benchmarks/bench_ingest.py --rows 300000   # a quick look

One run: generates the archive if missing (``gen_police_archive.py``, under ``benchmarks/out/``), extracts a copy
next to it, reads every file once (so no engine pays for the disk), then times each engine doing the same read and
group-by (records by Falls within, Month and Crime type; then with LSOA code too), ``--rounds`` times in a rotated
order, and checks that all engines give identical counts. The timed call is the engine's own read and group-by
(for ncpm, ``read_police_uk`` up to its canonical frame: forces and measures named, sorted); turning each result
into one comparable form happens outside the timing. Ratios are given of the best and of the median times (the
machine is shared: the best is the code, the median shows the noise):

- ncpm, zip: ``read_police_uk(archive)`` straight from the zip (the product);
- ncpm, folder: ``read_police_uk(folder)`` over the extracted files;
- pandas: per file ``pandas.read_csv(usecols=...)`` + ``groupby().size()``, partial counts summed;
- pyarrow: per file ``pyarrow.csv.read_csv(include_columns=...)`` + ``Table.group_by().aggregate(count)``;
- DuckDB: ``read_csv('<folder>/*/*.csv', all_varchar=true)`` + ``GROUP BY`` (DuckDB is not used by ncpm; the
  benchmark imports it lazily and skips it, saying so, when it is not installed: ``pip install duckdb``);
- polars: ``scan_csv('<folder>/*/*-street.csv', infer_schema=False)`` + ``group_by(...).len()`` (imported lazily
  too, and skipped when not installed);
- polars, every field read: the same over every column (``truncate_ragged_lines=False``), the read that refuses a
  record with more fields than the header as ncpm does; the projected read above accepts it with its later fields
  shifted (``ragged_record_check``, printed first).

Peak memory of the ncpm read (zip, with LSOA) is the peak RSS (VmHWM) of a child process, next to that of a
child that only imports ncpm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gen_police_archive as gen  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402

from ncpm.core.catalogue import measure_for_police_uk  # noqa: E402
from ncpm.core.forces import canonical_force  # noqa: E402
from ncpm.io.policeuk import NO_LSOA, read_police_uk  # noqa: E402

KEYS = ["Falls within", "Month", "Crime type"]


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*-street.csv"))


def ncpm_counts(path: Path, lsoa: bool):
    (volumes,) = read_police_uk(path, lsoa=lsoa)
    assert volumes.rows_in == volumes.rows_loaded
    return volumes.frame


def ncpm_counter(frame: pd.DataFrame, lsoa: bool) -> Counter:
    f = frame if lsoa else frame[frame["area"] == "Force"]  # by force: the whole-force rows (districts add up to them)
    keys = zip(f["force"], f["area"], f["measure"], f["month"].astype(str), strict=True)
    return Counter(dict(zip(keys, f["count"].astype(int), strict=True)))


def pandas_counts(folder: Path, lsoa: bool) -> pd.Series:
    keys = KEYS + (["LSOA code"] if lsoa else [])
    parts = [pd.read_csv(p, usecols=keys, dtype=str, keep_default_na=False).groupby(keys).size()
             for p in _files(folder)]
    return pd.concat(parts).groupby(level=list(range(len(keys)))).sum()


def pyarrow_counts(folder: Path, lsoa: bool) -> pd.Series:
    keys = KEYS + (["LSOA code"] if lsoa else [])
    opts = pacsv.ConvertOptions(include_columns=keys, column_types={k: pa.string() for k in keys})
    parts = [pacsv.read_csv(p, convert_options=opts).group_by(keys).aggregate([([], "count_all")])
             for p in _files(folder)]
    frame = pa.concat_tables(parts).group_by(keys).aggregate([("count_all", "sum")]).to_pandas()
    return frame.set_index(keys)["count_all_sum"]


def duckdb_counts(folder: Path, lsoa: bool) -> pd.Series | None:
    try:
        import duckdb
    except ImportError:
        return None
    keys = KEYS + (["LSOA code"] if lsoa else [])
    cols = ", ".join(f'"{k}"' for k in keys)
    sql = (f"SELECT {cols}, count(*) AS n FROM read_csv('{folder}/*/*-street.csv', header=true, all_varchar=true)"
           f" GROUP BY {cols}")
    with duckdb.connect() as con:
        frame = con.execute(sql).df()
    return frame.fillna("").set_index(keys)["n"]


def polars_counts(folder: Path, lsoa: bool) -> pd.Series | None:
    try:
        import polars as pl
    except ImportError:
        return None
    keys = KEYS + (["LSOA code"] if lsoa else [])
    frame = (pl.scan_csv(f"{folder}/*/*-street.csv", infer_schema=False).group_by(keys).len()
             .collect().to_pandas())
    return frame.fillna("").set_index(keys)["len"]


def polars_exact_counts(folder: Path, lsoa: bool) -> pd.Series | None:
    """polars made to check what ncpm checks: every field of every record read (the header's columns as the schema,
    ``truncate_ragged_lines=False``), so that a record with more fields than the header is refused. Asked for some
    columns only (``polars_counts``), polars skips the rest of each record unread and accepts such a record silently
    (:func:`ragged_record_check` shows it): it has no mode that counts the fields without building them."""
    try:
        import polars as pl
    except ImportError:
        return None
    keys = KEYS + (["LSOA code"] if lsoa else [])
    files = _files(folder)
    with open(files[0], encoding="utf-8") as fh:
        header = fh.readline().rstrip("\r\n").split(",")
    frame = (pl.scan_csv([str(p) for p in files], schema={c: pl.String for c in header},
                         truncate_ragged_lines=False).collect().group_by(keys).len().to_pandas())
    return frame.fillna("").set_index(keys)["len"]


def ragged_record_check() -> str:
    """What each polars read does with a record of 13 fields under a 12-column header (a comma too many: the shape
    an unquoted comma in a Location gives, which shifts every later field): the projected read of the timed
    ``polars_counts`` accepts it, the exact read refuses it, as ncpm does ("row N: 13 fields but the header has 12")."""
    import polars as pl

    header = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
              "Last outcome category,Context")
    good = "a1,2023-01,Kent Police,Kent Police,0.5,51.2,On or near High Street,E01024000,Ashford 001A,Burglary,,"
    bad = "a2,2023-01,Kent Police,Kent Police,0.5,51.2,On or near A, B Road,E01024000,Ashford 001A,Burglary,,"
    data = "\n".join([header, good, bad, ""]).encode()
    projected = pl.read_csv(data, infer_schema=False, columns=KEYS)
    try:
        pl.read_csv(data, schema={c: pl.String for c in header.split(",")}, truncate_ragged_lines=False)
        exact = "accepted"
    except pl.exceptions.ComputeError:
        exact = "refused"
    return (f"a record with 13 fields under a 12-field header: polars projected read {projected.height} records "
            f"(crime types read {projected['Crime type'].to_list()}), polars exact read {exact}")


def as_ncpm(series: pd.Series, lsoa: bool) -> Counter:
    """Raw (Falls within, Month, Crime type[, LSOA]) counts in ncpm's terms, to compare engines."""
    out: Counter = Counter()
    for key, n in series.items():
        force, month, crime = key[:3]
        area = (key[3] or NO_LSOA) if lsoa else "Force"
        measure = measure_for_police_uk(crime) or "police_uk:" + crime.lower().replace("-", "_").replace(" ", "_")
        out[(canonical_force(force), area, measure, month)] += int(n)
    return out


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def peak_rss_mib(code: str) -> float:
    """Peak RSS (MiB) of a child Python running ``code``: its VmHWM, which, unlike
    ``getrusage(RUSAGE_CHILDREN).ru_maxrss``, does not count the pages of this (large) parent it was forked from."""
    probe = code + "\nprint([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    out = subprocess.run([sys.executable, "-c", probe], check=True, cwd=ROOT, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=6_000_000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=3, help="runs of each engine (best and median reported)")
    a = ap.parse_args()
    archive = gen.OUT / f"police-{a.months}m-{a.rows}.zip"
    if not archive.exists():
        t = time.perf_counter()
        gen.generate(archive, rows=a.rows, months=a.months)
        print(f"generated {archive.name} in {time.perf_counter() - t:.0f} s")
    folder = archive.with_suffix("")
    if not folder.exists():
        with zipfile.ZipFile(archive) as z:
            z.extractall(folder.with_suffix(".partial"))
        folder.with_suffix(".partial").rename(folder)
    files = _files(folder)
    size = sum(p.stat().st_size for p in files)
    print(f"archive {archive.name}: {len(files)} street files, {size / 1e9:.2f} GB extracted, "
          f"{archive.stat().st_size / 1e6:.0f} MB zipped; load average {os.getloadavg()}")

    for p in [archive, *files]:  # warm the page cache: no engine pays for the first read from disk
        with open(p, "rb") as fh:
            while fh.read(1 << 24):
                pass
    try:
        print(ragged_record_check())
    except ImportError:
        pass
    times: dict[tuple[str, bool], list[float]] = {}
    results: dict[tuple[str, bool], Counter] = {}
    engines = [("ncpm, zip", lambda lsoa: ncpm_counts(archive, lsoa), ncpm_counter),
               ("ncpm, folder", lambda lsoa: ncpm_counts(folder, lsoa), ncpm_counter),
               ("pandas read_csv(usecols) + groupby", lambda lsoa: pandas_counts(folder, lsoa), as_ncpm),
               ("pyarrow.csv + group_by", lambda lsoa: pyarrow_counts(folder, lsoa), as_ncpm),
               ("DuckDB read_csv + GROUP BY", lambda lsoa: duckdb_counts(folder, lsoa), as_ncpm),
               ("polars scan_csv + group_by", lambda lsoa: polars_counts(folder, lsoa), as_ncpm),
               ("polars, every field read", lambda lsoa: polars_exact_counts(folder, lsoa), as_ncpm)]
    names = [name for name, _, _ in engines]
    for r in range(a.rounds):  # each round runs every engine once, in a rotated order
        for lsoa in (False, True):
            for name, fn, compare in engines[r % len(engines):] + engines[:r % len(engines)]:
                t = time.perf_counter()
                out = fn(lsoa)
                if out is None:
                    print(f"  {name}: skipped (not installed)") if r == 0 else None
                    continue
                times.setdefault((name, lsoa), []).append(time.perf_counter() - t)
                if r == 0:  # the comparison form, built outside the timing
                    results[(name, lsoa)] = compare(out, lsoa)
                del out
                print(f"  round {r + 1}: {name}{', LSOA' if lsoa else ''}: {times[(name, lsoa)][-1]:.2f} s",
                      flush=True)
    for lsoa in (False, True):
        ref = results[("ncpm, zip", lsoa)]
        for (name, l2), got in results.items():
            if l2 == lsoa and got != ref:
                raise SystemExit(f"counts differ: {name} (lsoa={lsoa})")
    print(f"all engines give identical counts ({sum(results[('ncpm, zip', False)].values()):,} records)")

    base = peak_rss_mib("import ncpm.io.policeuk")
    peak = peak_rss_mib(f"from ncpm.io.policeuk import read_police_uk; read_police_uk({str(archive)!r}, lsoa=True)")

    print(f"\n{a.rounds} rounds; best (median) seconds a run\n\n| engine | seconds | seconds, with LSOA |\n|---|---:|---:|")
    for name in names:
        cells = [f"{min(times[(name, lsoa)]):.2f} ({statistics.median(times[(name, lsoa)]):.2f})"
                 if (name, lsoa) in times else "n/a" for lsoa in (False, True)]
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    print()
    for stat, how in ((min, "best"), (statistics.median, "median")):
        print(f"ratios of the {how} times:")
        for lsoa in (False, True):
            t = {n: stat(times[(n, lsoa)]) for n in names if (n, lsoa) in times}
            fastest = min(v for k, v in t.items() if k.startswith(("pyarrow", "DuckDB")))
            pandas = t["pandas read_csv(usecols) + groupby"]
            tag = " (with LSOA)" if lsoa else ""
            print(f"  pandas / ncpm zip{tag}: {pandas / t['ncpm, zip']:.2f}x (goal >= 2); "
                  f"pandas / ncpm folder: {pandas / t['ncpm, folder']:.2f}x")
            print(f"  ncpm zip / fastest of pyarrow, DuckDB{tag}: {t['ncpm, zip'] / fastest:.2f} "
                  f"(goal <= 1.25); ncpm folder / fastest: {t['ncpm, folder'] / fastest:.2f}")
            print(f"  ncpm zip / ncpm folder{tag}: {t['ncpm, zip'] / t['ncpm, folder']:.2f} (goal <= 1.5)")
            if (polars := t.get("polars scan_csv + group_by")) is not None:  # issue 17
                print(f"  ncpm folder / polars{tag}: {t['ncpm, folder'] / polars:.2f} (goal <= 1); "
                      f"ncpm zip / polars: {t['ncpm, zip'] / polars:.2f} (goal <= 1.3)")
            if (exact := t.get("polars, every field read")) is not None:
                print(f"  ncpm folder / polars reading every field{tag}: {t['ncpm, folder'] / exact:.2f}; "
                      f"ncpm zip / polars reading every field: {t['ncpm, zip'] / exact:.2f}")
    print(f"peak memory, ncpm read of the zip with LSOA: {peak:.0f} MiB max RSS (goal < 1536); "
          f"a child importing ncpm only: {base:.0f} MiB")
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
