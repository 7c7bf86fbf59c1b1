// Real-time ingest into the live graph (graph/live_graph.h), without RPC: records of the
// generator, in batches, each resolved against everything before it (identifiers, blocking,
// the trained model, guardrails) and published to readers.
//
//   IDG_BENCH_RECORDS=200000 build/bench/live_ingest_bench --benchmark_repetitions=3
//
// Set-up (not timed): generate the records, resolve them in bulk to train the model, and turn
// them back into the requests a client would send (raw values; the graph normalizes them
// again). Each iteration starts from an empty graph and ingests all records; records_per_s
// counts them over the wall clock; profiles and bulk_profiles compare the outcome with the bulk
// resolve of the same records (the generated config weighs names by term frequency, which the
// live graph takes as they stand when a pair is scored, so a few clusters differ). The writer is one thread by design (writes are serialized).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gen/generator.h"
#include "graph/live_graph.h"
#include "io/config_loader.h"
#include "io/job.h"

namespace idg {
namespace {

uint64_t BenchRecords() {
  const char* v = std::getenv("IDG_BENCH_RECORDS");
  return v ? std::strtoull(v, nullptr, 10) : 200'000;
}

struct Work {
  Config config;
  FellegiSunterModel model;
  std::vector<IncomingRecord> records;
  uint64_t bulk_profiles = 0;  // what the bulk resolve of the same records made
};

const Work& GetWork() {
  static const Work work = [] {
    Work w;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("idg_live_bench_" + std::to_string(::getpid()));
    GenOptions gen;
    gen.records = BenchRecords();
    gen.out_dir = dir.string();
    Generate(gen);
    ResolveJobOptions job;
    job.config = LoadConfig((dir / "idgraph.toml").string());
    job.device = ScoreDevice::kCpu;
    const std::unique_ptr<ResolvedGraph> g = RunResolveJob(job);
    std::filesystem::remove_all(dir);
    w.config = g->config;
    w.model = *g->model;
    w.bulk_profiles = g->profiles.size();
    w.records = IncomingRecords(*g);
    return w;
  }();
  return work;
}

void BM_LiveGraph_Ingest_Cpu(benchmark::State& state) {
  const Work& w = GetWork();
  const size_t batch = static_cast<size_t>(state.range(0));
  uint64_t links = 0, profiles = 0;
  for (auto _ : state) {
    LiveGraph g(w.config, w.model);
    for (size_t i = 0; i < w.records.size(); i += batch) {
      const size_t n = std::min(batch, w.records.size() - i);
      links += g.Ingest(std::span<const IncomingRecord>(w.records).subspan(i, n)).fuzzy_links;
    }
    profiles = g.Stats().profiles;
  }
  const double n = double(w.records.size()) * double(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["records_per_s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["fuzzy_links"] = double(links) / double(state.iterations());
  state.counters["profiles"] = double(profiles);
  state.counters["bulk_profiles"] = double(w.bulk_profiles);
}
BENCHMARK(BM_LiveGraph_Ingest_Cpu)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)
    ->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace idg

BENCHMARK_MAIN();
