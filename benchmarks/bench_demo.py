"""The analyst's loop on the demo data (issue 17), timed in one run: what ``make demo`` does after the install.

    .venv/bin/python benchmarks/bench_demo.py               # about a minute on a shared 2-core machine
    .venv/bin/python benchmarks/bench_demo.py --reference   # also the statsmodels engine's run (minutes)

Each step is a fresh process, as an analyst runs it, into a temporary output folder:

- ``ncpm demo`` end to end (the run, then the four notebooks rendered to HTML, two at a time): what ``make demo``
  runs once the virtual environment exists;
- ``ncpm demo --no-notebooks`` into an empty folder (the first run: ingest, measures, forecasts with the fast
  engine, peers, report), then again (the no-op rerun: must say "up to date"), and the rerun's parts in one
  process: importing ``ncpm.pipeline.run``, loading the configuration (its checks import pandas and scipy.stats), and
  ``run()`` deciding from the manifest;
- each notebook alone (a fresh kernel reading the run, rendered to HTML);
- with ``--reference``: the same run with the statsmodels reference engine, and whether its statements are the fast
  engine's word for word.

Timings are wall-clock seconds; the load average before and after is printed, since on a shared machine the wall
time mostly measures the other users.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NCPM = [sys.executable, "-m", "ncpm"]
NOTEBOOKS = ("knife_crime", "theft_from_person", "vehicle_crime", "ncpm_quarter")


def timed(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, **kwargs)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return seconds, done


def statements(out: Path) -> list[str]:
    return [s["text"] for s in json.loads((out / "warwickshire" / "statements.json").read_text(encoding="utf-8"))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", action="store_true", help="also time the statsmodels engine's run")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="ncpm-bench-demo-") as tmp:
        tmp = Path(tmp)
        seconds, done = timed([*NCPM, "demo", "--out", str(tmp / "demo")])
        html = sorted(p.name for p in (tmp / "demo" / "notebooks").glob("*.html"))
        rows.append(("ncpm demo (make demo after the install): run + 4 notebooks", seconds,
                     f"{len(html)} notebooks rendered"))

        out = tmp / "run"
        seconds, done = timed([*NCPM, "demo", "--out", str(out), "--no-notebooks", "-q"])
        rows.append(("ncpm demo --no-notebooks, first run (fast engine)", seconds, ""))
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        forecasts = manifest["timings_seconds"].get("forecasts:Warwickshire", float("nan"))
        rows.append(("  of which the forecast stage (manifest)", forecasts, ""))
        seconds, done = timed([*NCPM, "demo", "--out", str(out), "--no-notebooks", "-q"])
        said = next((line for line in done.stdout.splitlines() if "up to date" in line), "")
        if not said:
            sys.exit(f"the rerun did not say 'up to date':\n{done.stdout}")
        rows.append(("no-op rerun (a fresh process: imports included)", seconds, said.split(" (")[0]))
        code = ("import sys, time; t0 = time.perf_counter(); from ncpm.pipeline.project import demo_config; from ncpm.pipeline.run import run; "
                "t1 = time.perf_counter(); cfg = demo_config(); t2 = time.perf_counter(); "
                "s = run(cfg, out=sys.argv[1]); t3 = time.perf_counter(); assert s.nothing_changed; "
                "print(t1 - t0, t2 - t1, t3 - t2)")
        _, done = timed([sys.executable, "-c", code, str(out)])
        imports, config, decision = (float(x) for x in done.stdout.split())
        rows.append(("  of which importing ncpm.pipeline.run", imports, ""))
        rows.append(("  of which loading and checking the configuration", config, "imports pandas, scipy.stats"))
        rows.append(("  of which the no-op decision (run(): manifest, sizes and times)", decision, ""))

        for name in NOTEBOOKS:
            code = ("import sys; from pathlib import Path; from ncpm.pipeline.notebooks import render_notebooks; "
                    f"render_notebooks(Path(sys.argv[1]), run=sys.argv[2], names=[{name!r}], workers=1)")
            seconds, _ = timed([sys.executable, "-c", code, str(tmp / "nb"), str(out)])
            rows.append((f"notebook {name} (fresh kernel, reads the run, to HTML)", seconds, ""))

        if args.reference:
            code = ("import sys; from ncpm.pipeline.project import demo_config; from ncpm.pipeline.run import run; "
                    "run(demo_config('statsmodels'), out=sys.argv[1])")
            reference = tmp / "reference"
            seconds, _ = timed([sys.executable, "-c", code, str(reference)])
            ref = json.loads((reference / "manifest.json").read_text(encoding="utf-8"))["timings_seconds"]
            rows.append(("first run, statsmodels reference engine", seconds, ""))
            rows.append(("  of which the forecast stage (manifest)", ref.get("forecasts:Warwickshire", float("nan")),
                         ""))
            fast, slow = statements(out), statements(reference)
            same = sum(a == b for a, b in zip(fast, slow, strict=False))
            rows.append(("statements identical, fast vs statsmodels", float(same),
                         f"{same} of {max(len(fast), len(slow))}"))
        shutil.rmtree(tmp / "nb", ignore_errors=True)
    load_after = os.getloadavg()
    width = max(len(r[0]) for r in rows)
    print(f"ncpm demo benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after")
    for label, seconds, note in rows:
        value = f"{seconds:7.0f}" if label.startswith("statements") else f"{seconds:7.2f} s"
        print(f"{label:<{width}}  {value}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
