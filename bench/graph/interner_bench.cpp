// Interning identifiers: one call a key against batches grouped by shard, on an identity-like
// key stream (emails and device ids, ~40% repeats). IDG_BENCH_KEYS sets the stream length
// (default 8M).
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "base/string_arena.h"
#include "graph/edge_gen.h"
#include "graph/interner.h"

namespace {

size_t KeyCount() {
  const char* s = std::getenv("IDG_BENCH_KEYS");
  return s ? std::strtoull(s, nullptr, 10) : size_t{8} << 20;
}

struct Stream {
  idg::StringArena arena;
  std::vector<idg::Interner::Key> keys;
};

const Stream& Keys() {
  static Stream s = [] {
    Stream st;
    const size_t n = KeyCount();
    uint64_t rng = 12345;
    char buf[64];
    for (size_t i = 0; i < n; ++i) {
      const uint64_t r = idg::SplitMix64(rng);
      // 60% fresh values, 40% repeats of an earlier one: like records of the same person.
      const uint64_t who = (r % 10 < 6 || i == 0) ? i : (r >> 8) % i;
      int len;
      idg::KindId kind;
      if (r & (1 << 20)) {
        len = std::snprintf(buf, sizeof buf, "person.%llu@example.com", (unsigned long long)who);
        kind = 0;
      } else {
        len = std::snprintf(buf, sizeof buf, "%016llx-%08llx-device", (unsigned long long)who * 0x9e3779b97f4a7c15ULL,
                            (unsigned long long)who);
        kind = 1;
      }
      st.keys.push_back({kind, st.arena.Add(std::string_view(buf, len))});
    }
    return st;
  }();
  return s;
}

void BM_Interner_Intern_Tbb(benchmark::State& state) {
  const auto& keys = Keys().keys;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, state.range(0));
  for (auto _ : state) {
    idg::Interner in;
    tbb::parallel_for(tbb::blocked_range<size_t>(0, keys.size(), 1 << 16), [&](const auto& r) {
      for (size_t i = r.begin(); i < r.end(); ++i) in.Intern(keys[i].kind, keys[i].value);
    });
    benchmark::DoNotOptimize(in.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * keys.size()));
}

void BM_Interner_InternBatch_Tbb(benchmark::State& state) {
  const auto& keys = Keys().keys;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, state.range(0));
  std::vector<idg::IdentifierId> ids(keys.size());
  constexpr size_t kBatch = 1 << 17;  // about one 8 MiB input chunk's identifiers
  const char* reserve = std::getenv("IDG_BENCH_RESERVE");
  for (auto _ : state) {
    idg::Interner in;
    if (reserve) in.Reserve(std::strtoull(reserve, nullptr, 10));
    tbb::parallel_for(size_t{0}, (keys.size() + kBatch - 1) / kBatch, [&](size_t b) {
      const size_t begin = b * kBatch, end = std::min(keys.size(), begin + kBatch);
      in.InternBatch(std::span(keys).subspan(begin, end - begin),
                     std::span(ids).subspan(begin, end - begin));
    });
    benchmark::DoNotOptimize(in.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * keys.size()));
}

BENCHMARK(BM_Interner_Intern_Tbb)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Interner_InternBatch_Tbb)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
