#!/usr/bin/env bash
# Segment counts of idgraph against DuckDB on the same golden records (issue #6).
#   bench/segments_vs_duckdb.sh [PROFILES] [REPS]      (defaults: 10000000 200)
# IDG_BUILD_DIR: a configured build folder (default build); its bench/segment_bench is built
# here when out of date. IDG_RESULTS: where the markdown goes (default
# bench/results/segments_<UTC date>.md).
# DuckDB and numpy come from PyPI into a venv at $IDG_BUILD_DIR/bench-venv (made once, reused);
# they are for this comparison only, never a dependency of idgraph.
# segment_bench loads PROFILES generated profiles into a SegmentIndex, times REPS counts of each
# query and writes the golden records as column files; bench/segments_duckdb.py loads those
# into DuckDB, times the same queries in SQL, fails when a count differs, and writes the table.
set -euo pipefail
cd "$(dirname "$0")/.."
profiles=${1:-10000000}
reps=${2:-200}
build=${IDG_BUILD_DIR:-build}
results=${IDG_RESULTS:-bench/results/segments_$(date -u +%F).md}
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "$build is not a configured build folder (./setup.sh build, or set IDG_BUILD_DIR)" >&2
  exit 1
fi
cmake --build "$build" --target segment_bench -j"$(nproc)" >/dev/null
venv=$build/bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb, numpy' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q duckdb numpy
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/idg_segments.XXXXXX")
trap 'rm -rf "$work"' EXIT
command="bench/segments_vs_duckdb.sh $profiles $reps"
[ "$build" != build ] && command="IDG_BUILD_DIR=$build $command"
# What was just built: the commit, and whether the engine's folders differed from it.
rev=$(git rev-parse --short HEAD)
[ -n "$(git status --porcelain -- base graph match kernels)" ] && rev="$rev + uncommitted changes"
"$build/bench/segment_bench" "$profiles" "$reps" "$work"
"$venv/bin/python" bench/segments_duckdb.py "$work" "$reps" "$results" "$command" "$rev"
