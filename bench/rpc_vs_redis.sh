#!/usr/bin/env bash
# Lookups over RPC against Redis on the same profiles, and real-time ingest over RPC.
#   bench/rpc_vs_redis.sh [PROFILES] [SECONDS]      (defaults: 1000000 5)
# Needs a build with benchmarks (./setup.sh build) and redis-server + redis-tools (installed
# here when missing; they are for this comparison only, never a dependency of idgraph).
# idgraph: build/bench/rpc_bench serves PROFILES profiles in-process and looks them up by
# email with 1, 8 and 64 requests in flight, one per connection, and 64 over 8 connections
# (8 pipelined on each); paced at half the peaks; then ingests 100,000 generated records over
# RPC (one batch of 1,000 in flight, then two).
# Redis: the same profiles as hashes keyed by email, read by redis-benchmark with HGETALL in
# the same shapes (-c 1, -c 8, -c 64, and -c 8 -P 8). Prints idgraph's JSON, then Redis's CSV
# rows, each ending in its connections, requests pipelined per connection, and the CPU time in
# microseconds a request cost redis-server and redis-benchmark (idgraph's JSON has the same for
# its server and its load generator).
set -euo pipefail
cd "$(dirname "$0")/.."
profiles=${1:-1000000}
seconds=${2:-5}
if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y -qq redis-server redis-tools >/dev/null
fi
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
trap 'redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
./build/bench/rpc_bench "$profiles" "$seconds" "$work/profiles.resp"
redis-server --port "$port" --save '' --appendonly no --daemonize yes >/dev/null
sleep 1
redis-cli -p "$port" --pipe < "$work/profiles.resp" >/dev/null
echo "redis $(redis-server --version | awk '{print $3}'), $(redis-cli -p "$port" dbsize) keys, $(redis-cli -p "$port" info memory | awk -F: '/used_memory_human/ {print $2}' | tr -d '\r')"
echo '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms","connections","pipeline","server_cpu_us","client_cpu_us"'
server_pid=$(redis-cli -p "$port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')
tick=$(getconf CLK_TCK)
server_cpu() { awk -v t="$tick" '{print ($14 + $15) / t}' "/proc/$server_pid/stat"; }
TIMEFORMAT='%U %S'
for shape in "1 1" "8 1" "64 1" "8 8"; do
  read -r c p <<< "$shape"
  # As many requests as the idgraph run answered in about the same time.
  n=$((c == 1 ? 100000 : 300000 * p))
  before=$(server_cpu)
  # CPU a request cost redis-server (from /proc) and redis-benchmark (bash's time).
  client=$( { time redis-benchmark -p "$port" -c "$c" -P "$p" -n "$n" -r "$profiles" --csv \
              HGETALL __rand_int__@bench.io > "$work/row" 2>/dev/null; } 2>&1 )
  after=$(server_cpu)
  cpu=$(awk -v n="$n" -v b="$before" -v a="$after" -v c="$client" \
        'BEGIN {split(c, u, " "); printf "%.1f,%.1f", (a - b) * 1e6 / n, (u[1] + u[2]) * 1e6 / n}')
  echo "$(tail -1 "$work/row"),$c,$p,$cpu"
done
