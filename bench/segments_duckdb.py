"""DuckDB side of bench/segments_vs_duckdb.sh.

  segments_duckdb.py DATA_DIR REPS RESULTS_MD COMMAND REVISION

DATA_DIR holds what build/bench/segment_bench wrote there: the golden records as raw
little-endian column files (their layout and null sentinels are described at the top of
bench/graph/segment_bench.cpp) and idgraph.json, its figures and each query's SQL. This loads
the columns with numpy into an in-memory DuckDB table `profiles` (country and city as VARCHAR
through the dictionaries, dates as DATE, absent values as NULL), runs each query's SQL REPS
times after 5 untimed runs at DuckDB's default threads, checks that DuckDB counts exactly what
idgraph counted (exit status 1 when not), prints both sides' p50/p99 and writes RESULTS_MD
(COMMAND and REVISION, the idgraph commit built, are quoted there).
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import time

import duckdb
import numpy as np

WARMUP = 5
COLUMNS = {  # file -> numpy dtype (little-endian)
    "country.i32": "<i4", "city.i32": "<i4", "age.i16": "<i2", "birth_date.i32": "<i4",
    "vip.u8": "u1", "has_email.u8": "u1", "has_phone.u8": "u1", "has_device.u8": "u1",
    "from_web.u8": "u1", "from_crm.u8": "u1", "from_pos.u8": "u1", "records.u8": "u1",
    "first_seen.i32": "<i4", "last_seen.i32": "<i4",
}
NO_DAY = -2147483648  # INT32_MIN: no date

LOAD_SQL = f"""
CREATE TABLE profiles AS SELECT
  CASE WHEN country >= 0 THEN $countries[country + 1] END AS country,
  CASE WHEN city >= 0 THEN $cities[city + 1] END AS city,
  CASE WHEN age >= 0 THEN age END::SMALLINT AS age,
  CASE WHEN birth_date <> {NO_DAY} THEN DATE '1970-01-01' + birth_date END AS birth_date,
  CASE WHEN vip <> 255 THEN vip = 1 END AS vip,
  has_email = 1 AS has_email, has_phone = 1 AS has_phone, has_device = 1 AS has_device,
  from_web = 1 AS from_web, from_crm = 1 AS from_crm, from_pos = 1 AS from_pos,
  records::UTINYINT AS records,
  DATE '1970-01-01' + first_seen AS first_seen,
  DATE '1970-01-01' + last_seen AS last_seen
FROM raw
"""


def percentiles(us):
    """p50 and p99 as segment_bench takes them (sorted[n/2], sorted[n*99/100])."""
    s = sorted(us)
    return s[len(s) // 2], s[len(s) * 99 // 100]


def machine():
    model = "unknown CPU"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    return f"{model}, {os.cpu_count()} cores (nproc), {mem_kib / 2**20:.1f} GiB, " \
           f"{platform.system()} {platform.release()}"


def load(data_dir, profiles):
    raw = {}
    for name, dtype in COLUMNS.items():
        a = np.fromfile(os.path.join(data_dir, name), dtype=dtype)
        if len(a) != profiles:
            sys.exit(f"{name}: {len(a)} rows, idgraph.json says {profiles} profiles")
        raw[name.split(".")[0]] = a
    dicts = {}
    for name in ("country", "city"):
        with open(os.path.join(data_dir, name + ".dict")) as f:
            dicts[name] = f.read().splitlines()
    con = duckdb.connect()
    t = time.perf_counter()
    con.execute(LOAD_SQL, {"countries": dicts["country"], "cities": dicts["city"]})
    load_s = time.perf_counter() - t
    del raw
    return con, load_s


def fmt(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def markdown(ig, rows, info):
    n = ig["profiles"]
    out = [f"# Segment counts against DuckDB — {info['date']}", ""]
    out.append(f"Machine: {info['machine']}; shared with other tenants (figures are medians of "
               f"repeated calls inside one run; compare ratios, not runs).  ")
    out.append(f"Command: `{info['command']}` (idgraph {info['commit']}, Release build, "
               f"mimalloc; DuckDB {duckdb.__version__} from PyPI, numpy {np.__version__}, "
               f"Python {platform.python_version()}).")
    out.append("")
    out.append(f"{n:,} generated profiles (`bench/graph/segment_bench.cpp`, seeded), `now` pinned "
               f"to {ig['today']}. idgraph: `SegmentIndex::Count` in-process, TBB on all cores; "
               f"DuckDB: the same golden records as an in-memory table, "
               f"`con.execute(sql).fetchone()` from Python, {info['threads']} threads (its "
               f"default). Each query {ig['warmup']} untimed calls, then {ig['reps']} timed "
               f"calls, one at a time; the counts agree on every query. DuckDB's figures include its "
               f"Python client's cost of a call: `SELECT 42` takes {fmt(info['floor_p50'])} µs "
               f"(p50) the same way.")
    out.append("")
    out.append("| query | predicates | count | idgraph p50 µs | idgraph p99 µs | DuckDB p50 µs "
               "| DuckDB p99 µs | DuckDB / idgraph (p50) |")
    out.append("|---|---|---|---|---|---|---|---|")
    for r in rows:
        out.append(f"| {r['name']} | {r['predicates']} | {r['count']:,} | {fmt(r['p50_us'])} | "
                   f"{fmt(r['p99_us'])} | {fmt(r['duck_p50'])} | {fmt(r['duck_p99'])} | "
                   f"{r['ratio']:.1f}× |")
    out.append("")
    out.append("| query | segment query | SQL |")
    out.append("|---|---|---|")
    for r in rows:
        out.append(f"| {r['name']} | `{r['query']}` | `{r['sql']}` |")
    out.append("")
    three = [r for r in rows if r["predicates"] == 3]
    slow = [r["name"] for r in three if r["p50_us"] > 1000]
    under = [f"{r['name']} ({r['ratio']:.1f}×)" for r in rows if r["ratio"] < 10]
    out.append("Targets (issue #6):")
    out.append(f"- p50 ≤ 1 ms for 3 predicates on 2 cores: "
               + ("**met**" if not slow else "**not met** (" + ", ".join(slow) + ")") + " — "
               + ", ".join(f"{r['name']} {fmt(r['p50_us'])} µs" for r in three) + ".")
    out.append("- idgraph ≥ 10× faster than DuckDB on every query (ratio of medians): "
               + ("**met**" if not under else "**not met** on " + ", ".join(under)) + ".")
    out.append("")
    idx = ig["index"]
    out.append(f"## Index memory and load")
    out.append("")
    out.append(f"`SegmentIndex::Stats()`: {idx['bytes'] / 2**20:,.1f} MiB, "
               f"**{idx['bytes_per_profile']:.1f} bytes per profile** (resident set grew by "
               f"{idx['rss_growth_per_profile']:.1f} bytes per profile over the load).")
    out.append("")
    out.append("| field | bitmaps | answered by | bytes per profile |")
    out.append("|---|---|---|---|")
    for f in idx["fields"]:
        how = "bitmaps + column" if f["bitmaps"] else "column scans"
        if f.get("bucket", 1) > 1:
            how = f"bitmaps of {f['bucket']} neighbouring values + column"
        values = f"{f['values']:,}" if f["bitmaps"] else f"none (over {ig['max_bitmap_values']:,} values)"
        out.append(f"| {f['name']} | {values} | {how} | {f['bytes_per_profile']:.2f} |")
    out.append("")
    out.append(f"Load: `SegmentIndex::Apply` in chunks of {ig['chunk']:,} rows, "
               f"{ig['apply_seconds']:.2f} s in Apply ({ig['apply_profiles_per_s']:,.0f} "
               f"profiles/s; {ig['load_wall_seconds']:.2f} s with generating and writing the "
               f"columns). Peak RSS of the bench process: {ig['peak_rss_bytes'] / 2**20:,.0f} MiB. "
               f"DuckDB: table built from the numpy columns in {info['duck_load_s']:.2f} s, "
               f"{info['duck_bytes'] / 2**20:,.0f} MiB in its buffer manager "
               f"({info['duck_bytes'] / n:.1f} bytes per profile).")
    out.append("")
    return "\n".join(out)


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    data_dir, reps, results_md, command, commit = sys.argv[1:]
    reps = int(reps)
    with open(os.path.join(data_dir, "idgraph.json")) as f:
        ig = json.load(f)
    con, duck_load_s = load(data_dir, ig["profiles"])
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    duck_bytes = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0]

    # What a call costs DuckDB's Python client with no data: a floor inside its figures.
    floor = []
    for _ in range(WARMUP + reps):
        t = time.perf_counter()
        con.execute("SELECT 42").fetchone()
        floor.append((time.perf_counter() - t) * 1e6)
    floor_p50 = percentiles(floor[WARMUP:])[0]

    rows, mismatches = [], []
    for q in ig["queries"]:
        for _ in range(WARMUP):
            count = con.execute(q["sql"]).fetchone()[0]
        us = []
        for _ in range(reps):
            t = time.perf_counter()
            c = con.execute(q["sql"]).fetchone()[0]
            us.append((time.perf_counter() - t) * 1e6)
            if c != count:
                sys.exit(f"{q['name']}: DuckDB counted {c}, then {count}")
        p50, p99 = percentiles(us)
        r = dict(q, duck_count=count, duck_p50=p50, duck_p99=p99, ratio=p50 / q["p50_us"])
        rows.append(r)
        ok = "" if count == q["count"] else "   <-- COUNTS DIFFER"
        print(f"{q['name']:26} {q['predicates']} preds  count {q['count']:>10,}  "
              f"idgraph p50 {q['p50_us']:>9,.1f} p99 {q['p99_us']:>9,.1f} µs  "
              f"duckdb {count:>10,} p50 {p50:>9,.1f} p99 {p99:>9,.1f} µs  "
              f"{r['ratio']:6.1f}x{ok}", flush=True)
        if count != q["count"]:
            mismatches.append(f"{q['name']}: idgraph {q['count']}, DuckDB {count}")
    if mismatches:
        print("ACCURACY CHECK FAILED: idgraph and DuckDB count differently\n  "
              + "\n  ".join(mismatches), file=sys.stderr)
        sys.exit(1)

    info = {"date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
            "machine": machine(), "command": command, "commit": commit, "threads": threads,
            "duck_load_s": duck_load_s, "duck_bytes": duck_bytes, "floor_p50": floor_p50}
    with open(results_md, "w") as f:
        f.write(markdown(ig, rows, info))
    print(f"wrote {results_md}")


if __name__ == "__main__":
    main()
