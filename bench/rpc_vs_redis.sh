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
# the same shapes (-c 1, -c 8, -c 64, and -c 8 -P 8), by bench/redis_peer.sh, which rpc_bench
# runs turn about with its own runs: three rounds a shape, each pair's ratio kept, so that both
# systems meet the shared machine's slow and fast spells alike. Prints rpc_bench's JSON (each
# shape: both medians, the ratios, every run with its latency and the CPU microseconds a request
# cost the server and the client) and, before it, one summary line a shape.
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
redis-server --port "$port" --save '' --appendonly no --daemonize yes >/dev/null
sleep 1
./build/bench/rpc_bench "$profiles" "$seconds" "$work/profiles.resp" 200 0 \
  "bench/redis_peer.sh $port"
