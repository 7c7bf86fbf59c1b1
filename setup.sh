#!/usr/bin/env bash
# Set-up in one command: installs the Debian packages that are missing, builds, and runs.
#   ./setup.sh demo [ARGS]   build (Release) and run `idgraph demo` on built-in default data
#   ./setup.sh test          build (Release, tests) and run the whole test suite, plus the
#                            thread-sanitizer build of the concurrency tests
#   ./setup.sh build         build only
# Environment: CI=true turns warnings into errors; JOBS sets build parallelism.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(cmake make g++ pkgconf libtbb-dev libmimalloc-dev libgtest-dev libbenchmark-dev
          libtomlplusplus-dev libsimdjson-dev libcli11-dev libutf8proc-dev libphonenumber-dev
          libxxhash-dev capnproto libcapnp-dev libroaring-dev)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

JOBS=${JOBS:-$(nproc)}
WERROR=OFF
[ "${CI:-}" = "true" ] && WERROR=ON

build() {  # build DIR [cmake -D args...] [--target T]
  local dir=$1; shift
  local defs=() target=()
  while [ $# -gt 0 ]; do
    if [ "$1" = "--target" ]; then target=(--target "$2"); shift 2; else defs+=("$1"); shift; fi
  done
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DIDG_WERROR=$WERROR "${defs[@]}" >/dev/null
  cmake --build "$dir" -j "$JOBS" "${target[@]}"
}

cmd=${1:-demo}
[ $# -gt 0 ] && shift
install_missing
case "$cmd" in
  build)
    build build -DIDG_BUILD_TESTS=ON -DIDG_BUILD_BENCH=ON
    ;;
  demo)
    build build -DIDG_BUILD_TESTS=OFF -DIDG_BUILD_BENCH=OFF
    ./build/cli/idgraph demo "$@"
    ;;
  test)
    build build -DIDG_BUILD_TESTS=ON -DIDG_BUILD_BENCH=ON
    # The lock-free union-find, the interner, the resolver, the live graph's readers during
    # ingest and re-resolution, and the service (several clients and event loops at once, loops
    # that poll, lookups answered by the connection, connections handed between loops) again
    # under the thread sanitizer.
    build build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIDG_SANITIZE=thread \
      -DIDG_ENABLE_CUDA=OFF -DIDG_BUILD_TESTS=ON -DIDG_BUILD_BENCH=OFF --target graph_tests
    build build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIDG_SANITIZE=thread \
      -DIDG_ENABLE_CUDA=OFF -DIDG_BUILD_TESTS=ON -DIDG_BUILD_BENCH=OFF --target rpc_tests
    # history_size=7: enough history to restore the stack of a TBB worker's earlier access
    # (model training runs long parallel loops), so that tsan.supp's libtbb entry matches it.
    TSAN_OPTIONS="halt_on_error=1 history_size=7 suppressions=$PWD/tests/tsan.supp" \
      ctest --test-dir build-tsan --output-on-failure -j "$JOBS" \
      -R '^(UnionFind|Interner|Resolver|LiveGraph|Reresolve|Service|Wire|Erase|Seeds/Concurrency|SegmentConcurrency|SegmentLive|BusyPoll|FastLookup|Balancer)\.'
    # Every suite; its summary is the last line.
    ctest --test-dir build --output-on-failure -j "$JOBS"
    ;;
  *)
    echo "usage: ./setup.sh demo|test|build" >&2
    exit 2
    ;;
esac
