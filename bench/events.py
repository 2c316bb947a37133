"""Event data benchmark: ingest and aggregate a GDELT 2.0 export, beside pandas and a DuckDB floor.

Generates a GDELT 2.0 15-minute-format file (61 tab-separated columns, no header)
of ``--rows`` rows with realistic field distributions into a temporary folder,
then prints one JSON object:

  rows          rows in the file
  repeat        runs of each step (``--repeat``, default 3), taken in turn, each with the file read
                through just before (so that it is in the page cache); each time below is
                of the median run of its step, and ``runs_s`` lists every run
  file_mb       its size
  duckdb_s      pariah.events.ingest on the DuckDB engine: read, check every line,
                keep the target's dyads, store them, aggregate per state, month and
                direction, store the aggregates (into a fresh SQLite file)
  rows_per_s    rows / duckdb_s
  peak_rss_mb   the peak resident memory of the processes that ran the ingest (the most of any run)
  pandas_s      the straightforward baseline: pandas.read_csv of the same file, then
                filter and groupby to the same aggregates (run in a child process)
  ratio         pandas_s / duckdb_s
  floor_s       DuckDB's count(*) over the same file: what reading it costs at all
  floor_ratio   duckdb_s / floor_s
  checks_s      the floor's scan with pariah's checks of every line (count of malformed lines):
                checks_s - floor_s is what checking costs
  steps_s       parts of duckdb_s: queries run by DuckDB (the scan and the aggregates),
                writing the events to the database, recomputing the monthly aggregates
  matched       events of the target's dyads; the baseline must find as many
  cpu_s         CPU seconds of each (all threads): on a machine shared with other work,
                wall times move with the load, CPU times much less
  load_average  the 1-minute load average at the end (2 cores: above 2, the runs competed)

Targets: ratio >= 5, floor_ratio <= 2.5, peak_rss_mb < 2048.

  threads       DuckDB's threads (``--threads``; default: every core)

Usage: python bench/events.py [--rows N] [--target AFG] [--keep DIR] [--threads N] [--repeat N]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

CHUNK = 500_000

# Share of events by CAMEO root code, roughly as in GDELT 2.0 (statements, consultations
# and appeals dominate; mass violence is rare).
ROOT_SHARE = {"01": .19, "02": .06, "03": .08, "04": .21, "05": .06, "06": .02, "07": .03, "08": .03,
              "09": .02, "10": .02, "11": .06, "12": .02, "13": .02, "14": .02, "15": .01, "16": .02,
              "17": .07, "18": .03, "19": .06, "20": .002}
# Heavy hitters among actor countries; the rest share what is left evenly.
COUNTRY_SHARE = {"USA": .18, "GBR": .04, "CHN": .04, "RUS": .04, "ISR": .03, "IND": .03, "FRA": .02,
                 "DEU": .02, "IRN": .02, "PAK": .02, "TUR": .02, "UKR": .02, "AUS": .015, "CAN": .015,
                 "JPN": .015, "AFG": .008, "QAT": .004, "UZB": .002, "TKM": .001}
TYPES = ["", "", "", "GOV", "GOV", "MIL", "BUS", "CVL", "MED", "JUD", "OPP", "COP", "EDU"]
DOMAINS = ["reuters.com", "apnews.com", "bbc.co.uk", "aljazeera.com", "dawn.com", "tolonews.com",
           "xinhuanet.com", "tass.com", "thehindu.com", "nytimes.com", "theguardian.com", "khaama.com"]


def _s(values) -> pa.Array:
    return pa.array(values, type=pa.string())


def _pick(rng, choices: list[str], n: int, p=None) -> pa.Array:
    return pa.array(np.asarray(choices, dtype=object)[rng.choice(len(choices), size=n, p=p)], type=pa.string())


def _num(values, digits: int | None = None) -> pa.Array:
    if digits is None:
        return pc.cast(pa.array(values), pa.string())
    return pc.cast(pa.array(np.round(values, digits)), pa.string())


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def generate(path: str | Path, rows: int, seed: int = 1) -> None:
    """Write ``rows`` GDELT 2.0 event rows to ``path`` (tab-separated, no header)."""
    from pariah import reference
    from pariah.events import codes

    rng = np.random.default_rng(seed)
    table = codes.cameo()
    table = table[table["code"].str.fullmatch(r"\d{3,4}")]
    # A root's share spread evenly over its codes.
    code_p = (table["root"].map(ROOT_SHARE).fillna(0.0) / table.groupby("root")["code"].transform("size")).to_numpy()
    code_p = code_p / code_p.sum()
    event_codes = table["code"].to_numpy(dtype=object)
    goldstein = dict(zip(table["code"], table["goldstein"]))
    states = [s for s in reference.states().index if len(s) == 3]
    rest = [s for s in states if s not in COUNTRY_SHARE]
    countries = list(COUNTRY_SHARE) + rest
    share = list(COUNTRY_SHARE.values())
    country_p = np.array(share + [(1 - sum(share)) / len(rest)] * len(rest))
    names = {s: reference.name(s).upper() for s in countries}
    columns = codes.gdelt_columns(2)
    start = dt.date(2024, 1, 1).toordinal()
    with open(path, "wb") as out:
        for first in range(0, rows, CHUNK):
            n = min(CHUNK, rows - first)
            ids = np.arange(first, first + n, dtype=np.int64) + 1_100_000_000
            days = np.sort(rng.integers(0, 366, size=n)) + start
            dates = np.array([dt.date.fromordinal(int(d)) for d in np.unique(days)])
            lookup = {int(d): dates[i] for i, d in enumerate(np.unique(days))}
            day_obj = [lookup[int(d)] for d in days]
            sqldate = np.array([d.year * 10000 + d.month * 100 + d.day for d in day_obj])
            monthyear = sqldate // 100
            year = sqldate // 10000
            fraction = np.round(year + ((sqldate // 100 % 100) * 30 + sqldate % 100) / 365, 4)
            col: dict[str, pa.Array] = {}
            col["GLOBALEVENTID"] = _num(ids)
            col["SQLDATE"] = _num(sqldate)
            col["MonthYear"] = _num(monthyear)
            col["Year"] = _num(year)
            col["FractionDate"] = _num(fraction)
            for side, present in (("Actor1", .9), ("Actor2", .7)):
                has = rng.random(n) < present
                country = np.asarray(countries, dtype=object)[rng.choice(len(countries), size=n, p=country_p)]
                country = np.where(has, country, "")
                kind = np.asarray(TYPES, dtype=object)[rng.integers(0, len(TYPES), size=n)]
                kind = np.where(has, kind, "")
                group = np.where(rng.random(n) < .01, "TAL", "")
                col[f"{side}Code"] = _s(np.char.add(country.astype(str), kind.astype(str)))
                col[f"{side}Name"] = _s([names.get(c, "") for c in country])
                col[f"{side}CountryCode"] = _s(country)
                col[f"{side}KnownGroupCode"] = _s(group)
                for field in ("EthnicCode", "Religion1Code", "Religion2Code"):
                    col[f"{side}{field}"] = _s(np.where(rng.random(n) < .03, "MOS", ""))
                col[f"{side}Type1Code"] = _s(kind)
                col[f"{side}Type2Code"] = _s(np.full(n, ""))
                col[f"{side}Type3Code"] = _s(np.full(n, ""))
            code = event_codes[rng.choice(len(event_codes), size=n, p=code_p)]
            root = np.array([c[:2] for c in code], dtype=object)
            col["IsRootEvent"] = _s(np.where(rng.random(n) < .6, "1", "0"))
            col["EventCode"] = _s(code)
            col["EventBaseCode"] = _s([c[:3] for c in code])
            col["EventRootCode"] = _s(root)
            col["QuadClass"] = _s([str(codes.CAMEO_ROOT_QUAD[r]) for r in root])
            col["GoldsteinScale"] = _s([str(goldstein[c]) for c in code])
            mentions = rng.geometric(.2, size=n)
            col["NumMentions"] = _num(mentions)
            col["NumSources"] = _num(np.minimum(mentions, rng.geometric(.5, size=n)))
            col["NumArticles"] = _num(mentions)
            col["AvgTone"] = _num(rng.normal(-2, 4, size=n), 12)
            for side in ("Actor1Geo", "Actor2Geo", "ActionGeo"):
                col[f"{side}_Type"] = _s(rng.choice(["0", "1", "3", "4"], size=n))
                col[f"{side}_FullName"] = _s(rng.choice(["Kabul, Kabul, Afghanistan", "Washington, District of Columbia, United States",
                                                         "Moscow, Moskva, Russia", "Beijing, Beijing, China", ""], size=n))
                col[f"{side}_CountryCode"] = _s(rng.choice(["AF", "US", "RS", "CH", "UK", ""], size=n))
                col[f"{side}_ADM1Code"] = _s(rng.choice(["AF13", "USDC", "RS48", "CH22", ""], size=n))
                col[f"{side}_ADM2Code"] = _s(rng.choice(["", "531871", "1234"], size=n))
                col[f"{side}_Lat"] = _num(rng.uniform(-60, 70, size=n), 4)
                col[f"{side}_Long"] = _num(rng.uniform(-180, 180, size=n), 4)
                col[f"{side}_FeatureID"] = _s(rng.choice(["-3378435", "531871", "-2960561", "US", ""], size=n))
            col["DATEADDED"] = _join(col["SQLDATE"], _s(rng.choice(["000000", "001500", "103000", "234500"], size=n)))
            domain = _pick(rng, DOMAINS, n)
            slug = _num(rng.integers(10_000_000, 99_999_999, size=n))
            col["SOURCEURL"] = _join(_s(np.full(n, "https://www.")), domain, _s(np.full(n, "/world/asia/2024/")),
                                     _pick(rng, ["talks-in-kabul", "envoy-visits", "trade-deal-signed",
                                                 "sanctions-debate", "security-council-briefing"], n),
                                     _s(np.full(n, "-")), slug, _s(np.full(n, ".html")))
            batch = pa.table({name: col[name] for name in columns})
            pacsv.write_csv(batch, out, pacsv.WriteOptions(include_header=False, delimiter="\t",
                                                           quoting_style="none"))


PEAK = r"""
def peak_mb():
    # VmHWM: this process's own peak (ru_maxrss would count the parent's before exec).
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024
"""

PANDAS_BASELINE = PEAK + r"""
import sys, time, json
import pandas as pd
from pariah import reference
from pariah.events import codes
path, target = sys.argv[1], sys.argv[2]
t, c = time.perf_counter(), time.process_time()
# The file as an analyst would first read it: every column, the CAMEO codes as text (GDELT's
# codebook asks for that), no quoting (GDELT has stray quotes).
frame = pd.read_csv(path, sep="\t", header=None, names=list(codes.gdelt_columns(2)), quoting=3,
                    dtype={"EventCode": str, "EventBaseCode": str, "EventRootCode": str})
states = set(reference.states().index)
def hits(side):
    return ((frame[side + "CountryCode"] == target) | (frame[side + "KnownGroupCode"] == target)
            | (frame[side + "Code"] == target)).fillna(False)
a1, a2 = hits("Actor1"), hits("Actor2")
parts = []
for direction, state_side, mask in (("to_target", "Actor1", a2 & ~a1), ("from_target", "Actor2", a1 & ~a2)):
    part = frame[mask & frame[state_side + "CountryCode"].isin(states) & (frame[state_side + "CountryCode"] != target)]
    parts.append(part.assign(state=part[state_side + "CountryCode"], direction=direction))
dyads = pd.concat(parts)
dyads["month"] = dyads["SQLDATE"] // 100
dyads["goldstein"] = dyads["GoldsteinScale"]
dyads["quad"] = dyads["QuadClass"]
keys = ["state", "month", "direction"]
totals = dyads.groupby(keys).agg(events=("GLOBALEVENTID", "size"), goldstein_sum=("goldstein", "sum"),
                                 goldstein_mean=("goldstein", "mean"), sources=("SOURCEURL", "nunique"))
quads = dyads.groupby(keys + ["quad"]).size().unstack(fill_value=0)
roots = dyads.groupby(keys + ["EventRootCode"]).size()
print(json.dumps({"pandas_s": time.perf_counter() - t, "pandas_cpu_s": time.process_time() - c,
                  "matched": int(len(dyads)), "groups": int(len(totals)),
                  "pandas_peak_rss_mb": peak_mb()}))
"""

FLOOR = r"""
import sys, time, json
import duckdb
path = sys.argv[1]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
if sys.argv[3] != "all":
    con.execute(f"SET threads TO {int(sys.argv[3])}")
t, c = time.perf_counter(), time.process_time()
n = con.execute("SELECT count(*) FROM read_csv(?, delim='\t', header=false, quote='', escape='', all_varchar=true, auto_detect=false, columns=" + sys.argv[2] + ")", [path]).fetchone()[0]
print(json.dumps({"floor_s": time.perf_counter() - t, "floor_cpu_s": time.process_time() - c, "floor_rows": n}))
"""


def warm(path: Path) -> None:
    """Read ``path`` through once, so that a timed step finds it in the page cache."""
    with open(path, "rb", buffering=0) as f:
        while f.read(64 << 20):
            pass


def median(results: list[dict], key: str) -> dict:
    """The run whose ``key`` is the median of ``results`` (the lower middle one of an even number)."""
    return sorted(results, key=lambda r: r[key])[(len(results) - 1) // 2]


def _child(code: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode or not lines:
        raise SystemExit(f"benchmark step failed (exit status {result.returncode}):\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1])


INGEST = PEAK + r"""
import sys, time, json
from pariah.ledger import Ledger
from pariah import events
from pariah.events import engines, store
path, target, db = sys.argv[1], sys.argv[2], sys.argv[3]
threads = None if sys.argv[4] == "all" else int(sys.argv[4])
ledger = Ledger(f"sqlite:///{db}", bundled=False)
# Where the time goes: queries run by DuckDB, events written to the database, aggregates recomputed.
steps = {"duckdb_queries": 0.0, "write_events": 0.0, "aggregates": 0.0}
def timed(step, function):
    def run(*args, **kwargs):
        t = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            steps[step] += time.perf_counter() - t
    return run
engines.DuckDBEngine.fetch = timed("duckdb_queries", engines.DuckDBEngine.fetch)
store._bulk_insert = timed("write_events", store._bulk_insert)
store._refresh = timed("aggregates", store._refresh)
t, c = time.perf_counter(), time.process_time()
result = events.ingest(ledger, [path], fmt="gdelt2", target=target, engine="duckdb", threads=threads)
seconds = time.perf_counter() - t
print(json.dumps({"duckdb_s": seconds, "duckdb_cpu_s": time.process_time() - c, "peak_rss_mb": peak_mb(),
                  "matched": result.matched, "read": result.rows, "malformed": result.malformed,
                  "steps": steps}))
"""

CHECKS = r"""
import sys, time, json
from pathlib import Path
import ibis
from pariah.events import formats, normalize
from pariah.events.engines import DuckDBEngine
path, tmp = sys.argv[1], sys.argv[2]
with DuckDBEngine(threads=None if sys.argv[3] == "all" else int(sys.argv[3])) as engine:
    [layout] = formats.open_files(path, "gdelt2", Path(tmp))
    norm = normalize.normalize(layout, engine.raw(layout))
    t = time.perf_counter()
    n = engine.fetch(norm.aggregate(rows=norm.count(), malformed=norm.problem.count()))
    print(json.dumps({"checks_s": time.perf_counter() - t, "rows": int(n["rows"][0])}))
"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--target", default="AFG")
    parser.add_argument("--keep", help="generate into this folder and keep the file (reused when present)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; the median run is reported")
    parser.add_argument("--threads", type=int, help="DuckDB's threads for pariah, the floor and the checks "
                                                     "(default: every core; pandas reads on one)")
    args = parser.parse_args(argv)
    from pariah.events import codes

    with tempfile.TemporaryDirectory(prefix="pariah-bench-events-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"gdelt2-{args.rows}.export.CSV"
        t = time.perf_counter()
        if not path.exists():
            generate(path, args.rows)
        generate_s = time.perf_counter() - t
        threads = str(args.threads) if args.threads else "all"
        columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in codes.gdelt_columns(2)) + "}"
        runs = {"ingest": [], "baseline": [], "floor": [], "checks": []}
        for _ in range(args.repeat):  # the steps in turn, so that a slow spell of the machine hits all of them
            # Each step starts with the file in the page cache: read through once just before (the pandas
            # baseline takes half of a 24 GB machine's memory, and would leave the next step part of it on disk).
            warm(path)
            runs["ingest"].append(_child(INGEST, str(path), args.target, str(Path(tmp) / f"bench-{_}.sqlite"),
                                         threads))
            warm(path)
            runs["baseline"].append(_child(PANDAS_BASELINE, str(path), args.target))
            warm(path)
            runs["floor"].append(_child(FLOOR, str(path), columns, threads))
            warm(path)
            runs["checks"].append(_child(CHECKS, str(path), tmp, threads))
        ingest = median(runs["ingest"], "duckdb_s")
        baseline = median(runs["baseline"], "pandas_s")
        floor = median(runs["floor"], "floor_s")
        checks = median(runs["checks"], "checks_s")
        if baseline["matched"] != ingest["matched"] or floor["floor_rows"] != args.rows:
            raise SystemExit(f"mismatch: pariah matched {ingest['matched']}, pandas {baseline['matched']}, "
                             f"floor counted {floor['floor_rows']} of {args.rows}")
        out = {
            "rows": args.rows,
            "threads": args.threads or os.cpu_count(),
            "repeat": args.repeat,
            "file_mb": round(path.stat().st_size / 2**20, 1),
            "generate_s": round(generate_s, 2),
            "duckdb_s": round(ingest["duckdb_s"], 3),
            "rows_per_s": round(args.rows / ingest["duckdb_s"]),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs["ingest"]), 1),
            "pandas_s": round(baseline["pandas_s"], 3),
            "pandas_peak_rss_mb": round(max(r["pandas_peak_rss_mb"] for r in runs["baseline"]), 1),
            "ratio": round(baseline["pandas_s"] / ingest["duckdb_s"], 2),
            "floor_s": round(floor["floor_s"], 3),
            "floor_ratio": round(ingest["duckdb_s"] / floor["floor_s"], 2),
            "checks_s": round(checks["checks_s"], 3),
            "steps_s": {step: round(seconds, 3) for step, seconds in ingest["steps"].items()},
            "cpu_s": {"duckdb": round(ingest["duckdb_cpu_s"], 2), "pandas": round(baseline["pandas_cpu_s"], 2),
                      "floor": round(floor["floor_cpu_s"], 2)},
            "runs_s": {"duckdb": [round(r["duckdb_s"], 3) for r in runs["ingest"]],
                       "pandas": [round(r["pandas_s"], 3) for r in runs["baseline"]],
                       "floor": [round(r["floor_s"], 3) for r in runs["floor"]],
                       "checks": [round(r["checks_s"], 3) for r in runs["checks"]]},
            "load_average": round(os.getloadavg()[0], 2),
            "matched": ingest["matched"],
            "malformed": ingest["malformed"],
            "python": sys.version.split()[0],
        }
        print(json.dumps(out))


if __name__ == "__main__":
    main()
