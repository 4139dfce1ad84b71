"""Generate a seeded national data.police.uk archive zip of realistic shape (issue 8, "Ingest at national scale").

Layout as the real monthly download: folders ``YYYY-MM/`` holding ``YYYY-MM-<force slug>-street.csv`` for the 43
territorial forces and British Transport Police (slugs from ``ncpm/data/forces.csv``), all 12 real columns:
Crime ID (64 hex digits; blank for anti-social behaviour), Month, Reported by, Falls within, Longitude, Latitude,
Location ("On or near ..."), LSOA code (E01xxxxxx / W01xxxxxx), LSOA name ("<area> 012C"), Crime type (the 14
police.uk categories in roughly national proportions), Last outcome category, Context. About 2% of records have
no location (blank coordinates and LSOA). Force sizes follow roughly their recorded-crime shares.

    .venv/bin/python benchmarks/gen_police_archive.py                    # 12 months x 44 forces, ~6M rows
    .venv/bin/python benchmarks/gen_police_archive.py --rows 60000 --months 3 --out benchmarks/out/small.zip

The archive is written under ``benchmarks/out/`` (git-ignored). Same seed, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
COLUMNS = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
           "LSOA name", "Crime type", "Last outcome category", "Context"]
# police.uk categories with approximate national shares of street records (England and Wales, 2023/24)
CRIME_TYPES = {
    "Anti-social behaviour": 0.20, "Violence and sexual offences": 0.31, "Public order": 0.075,
    "Criminal damage and arson": 0.07, "Other theft": 0.06, "Shoplifting": 0.065, "Vehicle crime": 0.055,
    "Burglary": 0.045, "Drugs": 0.025, "Other crime": 0.017, "Theft from the person": 0.014, "Robbery": 0.011,
    "Bicycle theft": 0.010, "Possession of weapons": 0.008,
}
OUTCOMES = ["Investigation complete; no suspect identified", "Unable to prosecute suspect", "Under investigation",
            "Status update unavailable", "Court result unavailable", "Offender given a caution",
            "Local resolution", "Awaiting court outcome", "Further investigation is not in the public interest"]
PLACES = ["High Street", "Church Lane", "Station Road", "Parking Area", "Supermarket", "Petrol Station",
          "Nightclub", "Shopping Area", "Sports/Recreation Area", "Hospital", "Further/Higher Educational Building",
          "Park/Open Space", "Pedestrian Subway", "Conference/Exhibition Centre", "Theatre/Concert Hall",
          "Police Station", "Bus/Coach Station", "Mill Lane", "Victoria Road", "Green Lane", "Manor Road",
          "Queens Road", "New Road", "Kings Road", "School Lane", "The Avenue", "North Street", "London Road"]
# approximate share of national recorded crime; forces not listed get the default
SHARE = {"metropolitan": 0.15, "greater-manchester": 0.065, "west-midlands": 0.06, "west-yorkshire": 0.06,
         "thames-valley": 0.028, "hampshire": 0.028, "kent": 0.03, "essex": 0.025, "lancashire": 0.025,
         "merseyside": 0.024, "south-yorkshire": 0.024, "northumbria": 0.024, "avon-and-somerset": 0.022,
         "sussex": 0.02, "devon-and-cornwall": 0.017, "south-wales": 0.017, "city-of-london": 0.001, "btp": 0.011}
DEFAULT_SHARE = 0.012


def forces() -> list[dict[str, str]]:
    """The registry rows (name, slug, ons_code, aliases) of ``ncpm/data/forces.csv``."""
    with open(ROOT / "ncpm" / "data" / "forces.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _label(force: dict[str, str]) -> str:
    """The police.uk "Falls within" spelling: the alias ending in Police/Constabulary/Service, else the name."""
    for alias in force["aliases"].split("|"):
        if alias.endswith(("Police", "Constabulary", "Service")) and " & " not in alias:
            return alias
    return force["name"]


def _month_names(first: str, n: int) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def street_file(rng: np.random.Generator, force: dict[str, str], lsoa_range: tuple[int, int], month: str,
                n: int) -> bytes:
    """One ``YYYY-MM-<force>-street.csv`` of ``n`` records as UTF-8 bytes."""
    types = np.array(list(CRIME_TYPES))
    p = np.array(list(CRIME_TYPES.values()))
    ctype = types[rng.choice(len(types), n, p=p / p.sum())]
    asb = ctype == "Anti-social behaviour"
    ids = np.frombuffer(rng.bytes(32 * n).hex().encode(), dtype="S64").astype(str).astype(object)
    ids[asb] = ""
    located = rng.random(n) >= 0.02
    lo, hi = lsoa_range
    lsoa_n = rng.integers(lo, hi, n)
    prefix = "W01" if force["ons_code"].startswith("W") else "E01"
    lsoa = np.char.add(prefix, np.char.zfill(lsoa_n.astype(str), 6)).astype(object)
    area = force["name"].split()[0]
    lsoa_name = np.char.add(f"{area} ", np.char.zfill((lsoa_n % 60 + 1).astype(str), 3)).astype(object)
    lsoa_name = np.char.add(lsoa_name.astype(str), np.array(list("ABCDE"))[lsoa_n % 5]).astype(object)
    centre = rng.uniform(-4.5, 0.5), rng.uniform(50.5, 54.5)
    lon = np.char.mod("%.6f", centre[0] + rng.normal(0, 0.15, n)).astype(object)
    lat = np.char.mod("%.6f", centre[1] + rng.normal(0, 0.1, n)).astype(object)
    location = np.char.add("On or near ", np.array(PLACES)[rng.integers(0, len(PLACES), n)]).astype(object)
    for col in (lon, lat, lsoa, lsoa_name):
        col[~located] = ""
    location[~located] = "No location"
    outcome = np.array(OUTCOMES, dtype=object)[rng.integers(0, len(OUTCOMES), n)]
    outcome[asb] = ""
    label = _label(force)
    table = pa.table({
        "Crime ID": pa.array(ids, pa.string()), "Month": pa.array(np.full(n, month, dtype=object), pa.string()),
        "Reported by": pa.array(np.full(n, label, dtype=object), pa.string()),
        "Falls within": pa.array(np.full(n, label, dtype=object), pa.string()),
        "Longitude": pa.array(lon, pa.string()), "Latitude": pa.array(lat, pa.string()),
        "Location": pa.array(location, pa.string()), "LSOA code": pa.array(lsoa, pa.string()),
        "LSOA name": pa.array(lsoa_name, pa.string()), "Crime type": pa.array(ctype.astype(object), pa.string()),
        "Last outcome category": pa.array(outcome, pa.string()),
        "Context": pa.array(np.full(n, "", dtype=object), pa.string())})
    sink = io.BytesIO()
    sink.write((",".join(COLUMNS) + "\n").encode())
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return sink.getvalue()


def generate(out: Path, *, rows: int = 6_000_000, months: int = 12, first: str = "2024-01",
             n_forces: int | None = None, seed: int = 20240101, compresslevel: int = 6) -> Path:
    """Write the archive to ``out`` and return it: about ``rows`` street records over ``months`` x forces."""
    rng = np.random.default_rng(seed)
    registry = forces()[:n_forces] if n_forces else forces()
    share = np.array([SHARE.get(f["slug"], DEFAULT_SHARE) for f in registry])
    share = share / share.sum()
    # each force a contiguous block of LSOA numbers sized by its share (England ~33,755 LSOAs, Wales ~1,917)
    bounds = np.concatenate([[1], 1 + np.cumsum(np.maximum(20, (share * 33_000).astype(int)))])
    names = _month_names(first, months)
    season = 1 + 0.08 * np.sin(np.arange(months) / 12 * 2 * np.pi)
    season = season / season.sum()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        for mi, month in enumerate(names):
            for fi, force in enumerate(registry):
                n = max(1, int(rng.poisson(rows * season[mi] * share[fi])))
                data = street_file(rng, force, (int(bounds[fi]), int(bounds[fi + 1])), month, n)
                z.writestr(f"{month}/{month}-{force['slug']}-street.csv", data)
    tmp.replace(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=6_000_000, help="street records in all (default 6,000,000)")
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--forces", type=int, default=None, help="only the first N forces of the registry")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    out = a.out or OUT / f"police-{a.months}m-{a.rows}.zip"
    generate(out, rows=a.rows, months=a.months, n_forces=a.forces, seed=a.seed)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
