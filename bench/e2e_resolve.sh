#!/usr/bin/env bash
# End-to-end bench of the deterministic `idgraph resolve` from files: generates N records once (seeded), then
# resolves them R times, and reports wall time, peak memory (GNU time) and the input's size.
#   bench/e2e_resolve.sh [RECORDS=10000000] [RUNS=3] [DATA_DIR=/tmp/idgraph-bench-N]
# Prints one JSON object per run and a median line; writes nothing into the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000000}
RUNS=${2:-3}
DIR=${3:-${TMPDIR:-/tmp}/idgraph-bench-$N}
BIN=./build/cli/idgraph
[ -x "$BIN" ] || { echo "build first: ./setup.sh build" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
if [ ! -f "$DIR/idgraph.toml" ]; then
  "$BIN" -q gen -n "$N" -o "$DIR" >&2
fi
INPUT_BYTES=$(cat "$DIR"/crm.csv "$DIR"/pos.csv "$DIR"/support.csv "$DIR"/web.jsonl | wc -c)
walls=()
for run in $(seq 1 "$RUNS"); do
  /usr/bin/time -f "%e %M" -o "$DIR/time.txt" "$BIN" -q resolve -c "$DIR/idgraph.toml" --no-matching \
    -o "$DIR/profiles.csv" --rejects "$DIR/rejects.tsv" --summary-json "$DIR/summary.json" >/dev/null
  read -r wall max_kb < "$DIR/time.txt"
  walls+=("$wall")
  echo "{\"run\":$run,\"records\":$N,\"wall_s\":$wall,\"peak_rss_bytes\":$((max_kb * 1024)),\"input_bytes\":$INPUT_BYTES,\"memory_ratio\":$(awk "BEGIN{printf \"%.3f\", $max_kb*1024/$INPUT_BYTES}"),\"summary\":$(cat "$DIR/summary.json")}"
done
median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
echo "median wall: $median s over $RUNS runs ($N records, $(awk "BEGIN{printf \"%.2f\", $INPUT_BYTES/1e9}") GB input)" >&2
