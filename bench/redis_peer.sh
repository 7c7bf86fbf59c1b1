#!/usr/bin/env bash
# The Redis side of bench/rpc_vs_redis.sh, run by build/bench/rpc_bench between its own runs so
# that both systems are measured turn about on the same machine state:
#   bench/redis_peer.sh PORT load RESP_FILE          loads the profiles (HSET commands)
#   bench/redis_peer.sh PORT run PROFILES C P N      N HGETALLs by redis-benchmark -c C -P P
# Prints one JSON object: for load, the keys and memory held; for run, throughput, latency
# percentiles (redis-benchmark's) and the CPU microseconds a request cost redis-server (from
# /proc) and redis-benchmark (bash's time).
set -euo pipefail
port=$1
case $2 in
  load)
    redis-cli -p "$port" --pipe < "$3" >/dev/null
    keys=$(redis-cli -p "$port" dbsize)
    mem=$(redis-cli -p "$port" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
    echo "{\"redis\": \"$(redis-server --version | awk '{print $3}' | cut -d= -f2)\", \"keys\": $keys, \"used_memory_mib\": $((mem >> 20))}"
    ;;
  run)
    profiles=$3 c=$4 p=$5 n=$6
    pid=$(redis-cli -p "$port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')
    server_cpu() { awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' "/proc/$pid/stat"; }
    row=$(mktemp)
    trap 'rm -f "$row"' EXIT
    before=$(server_cpu)
    TIMEFORMAT='%U %S'
    client=$( { time redis-benchmark -p "$port" -c "$c" -P "$p" -n "$n" -r "$profiles" --csv \
                HGETALL __rand_int__@bench.io > "$row" 2>/dev/null; } 2>&1 )
    after=$(server_cpu)
    # CSV: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms",
    # "p99_latency_ms","max_latency_ms"
    tail -1 "$row" | tr -d '"' | awk -F, -v c="$c" -v p="$p" -v n="$n" -v b="$before" \
      -v a="$after" -v t="$client" '{
        split(t, u, " ")
        printf "{\"connections\": %d, \"pipeline\": %d, \"requests\": %d, \"per_second\": %.0f, ", c, p, n, $2
        printf "\"p50_us\": %.1f, \"p99_us\": %.1f, \"max_us\": %.1f, ", $5 * 1000, $7 * 1000, $8 * 1000
        printf "\"server_cpu_us\": %.1f, \"client_cpu_us\": %.1f}\n", (a - b) * 1e6 / n, (u[1] + u[2]) * 1e6 / n
      }'
    ;;
  *)
    echo "redis_peer.sh: unknown step '$2' (load or run)" >&2
    exit 2
    ;;
esac
