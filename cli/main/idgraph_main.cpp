#include <mimalloc.h>

#include <cstdlib>

#include "cli/app.h"

namespace {

// A server reads its graph at random, a few cache lines per lookup spread over gigabytes. On
// 2 MiB pages (mimalloc's large OS pages, which Linux backs with transparent huge pages) those
// reads miss the TLB less: about 4% more lookups/s with 64 in flight on loopback
// (bench/results/rpc_2026-12-04-evening.md). The price: mimalloc commits its segments whole,
// about 8% more resident memory. MIMALLOC_LARGE_OS_PAGES=0 in the environment keeps 4 KiB pages.
void LargePagesUnlessTold() {
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) {
    mi_option_enable(mi_option_large_os_pages);
  }
}

}  // namespace

int main(int argc, char** argv) {
  return idg::cli::Main(argc, argv, {.before_serve = LargePagesUnlessTold});
}
