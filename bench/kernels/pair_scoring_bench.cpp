// Candidate-pair scoring, CPU (TBB, all cores) against GPU (CUDA), on the same blocks of
// generated records with a realistic model: first name, last name (Jaro–Winkler, term
// frequencies), date of birth (OSA), street (Jaro–Winkler), postcode (exact).
//
//   IDG_BENCH_RECORDS=10000000 build/bench/pair_scoring_bench
//
// Two workloads: "config" blocks as examples/customers.toml does (a few pairs per record, as
// a tuned deployment would); "wide" blocks on postcode alone and on the surname's Soundex code
// alone with blocks of up to 5,000 records, the pair-heavy shape of a re-resolution that casts
// a wide net. Set-up (not timed): generate the records, load them, train the model, build the blocks and
// the packed columns. Each benchmark reports scored pairs per second (Mpairs_per_s) over its
// iterations. GpuKernels is timed by CUDA events around the kernels alone; Cpu by the wall
// clock of the scoring loop (ScoredPairs::seconds_device: the final sort by pair left out, as
// the kernels' time leaves it out); GpuWall by the wall clock around the whole call (uploads,
// copies back and the final sort too).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>

#include "gen/generator.h"
#include "graph/matcher.h"
#include "io/config_loader.h"
#include "io/job.h"
#include "kernels/device.h"
#include "kernels/pair_scorer.h"

namespace idg {
namespace {

uint64_t BenchRecords() {
  const char* v = std::getenv("IDG_BENCH_RECORDS");
  return v ? std::strtoull(v, nullptr, 10) : 1'000'000;
}

AttrId AttrNamed(const Config& c, const std::string& name) {
  for (size_t a = 0; a < c.attributes.size(); ++a) {
    if (c.attributes[a].name == name) return static_cast<AttrId>(a);
  }
  std::fprintf(stderr, "the generated config has no attribute %s\n", name.c_str());
  std::exit(2);
}

struct Work {
  std::unique_ptr<ResolvedGraph> graph;
  ScoringWork config, wide;
};

const Work& GetWork() {
  static const Work work = [] {
    Work w;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("idg_pair_bench_" + std::to_string(::getpid()));
    GenOptions gen;
    gen.records = BenchRecords();
    gen.out_dir = dir.string();
    Generate(gen);
    ResolveJobOptions job;
    job.config = LoadConfig((dir / "idgraph.toml").string());
    Config& c = job.config;
    c.matching.comparisons = {
        {AttrNamed(c, "first_name"), CompareMethod::kJaroWinkler, {0.92f, 0.8f}, true},
        {AttrNamed(c, "last_name"), CompareMethod::kJaroWinkler, {0.92f, 0.8f}, true},
        {AttrNamed(c, "dob"), CompareMethod::kOsa, {1, 2}, false},
        {AttrNamed(c, "street"), CompareMethod::kJaroWinkler, {0.9f, 0.8f}, false},
        {AttrNamed(c, "zip"), CompareMethod::kExact, {}, false}};
    job.device = ScoreDevice::kCpu;
    w.graph = RunResolveJob(job);
    std::filesystem::remove_all(dir);
    w.config = PrepareScoring(w.graph->config, w.graph->records, *w.graph->model);
    Config wide = w.graph->config;
    wide.matching.blocking = {{"zip", {{AttrNamed(c, "zip")}}},
                              {"last_name:soundex", {{AttrNamed(c, "last_name"), KeyTransform::kSoundex}}}};
    wide.matching.max_block_size = 5000;
    w.wide = PrepareScoring(wide, w.graph->records, *w.graph->model);
    return w;
  }();
  return work;
}

uint64_t Scored(const ScoredPairs& s) {
  return std::accumulate(s.scored.begin(), s.scored.end(), uint64_t{0});
}

const ScoringWork& Workload(const benchmark::State& state) {
  return state.range(0) == 0 ? GetWork().config : GetWork().wide;
}

void Report(benchmark::State& state, uint64_t pairs, double seconds, const ScoredPairs& last) {
  state.counters["scored_pairs"] = static_cast<double>(Scored(last));
  state.counters["kept_pairs"] = static_cast<double>(last.pairs.size());
  state.counters["Mpairs_per_s"] = seconds > 0 ? pairs / seconds / 1e6 : 0;
  state.counters["records"] = static_cast<double>(GetWork().graph->records.size());
  state.SetLabel((state.range(0) == 0 ? "config blocking, " : "wide blocking, ") + last.device);
}

void BM_Cpu(benchmark::State& state) {
  const ScoringWork& w = Workload(state);
  uint64_t pairs = 0;
  double seconds = 0;
  ScoredPairs s;
  for (auto _ : state) {
    s = ScoreBlocksCpu(w.table, w.blocks);
    pairs += Scored(s);
    seconds += s.seconds_device;
  }
  Report(state, pairs, seconds, s);
}

template <bool kKernelsOnly>
void BM_Gpu(benchmark::State& state) {
  if (QueryDevices().gpu_count == 0) {
    state.SkipWithError(("no GPU: " + QueryDevices().note).c_str());
    return;
  }
  const ScoringWork& w = Workload(state);
  uint64_t pairs = 0;
  double seconds = 0;
  ScoredPairs s;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    s = ScoreBlocksGpu(w.table, w.blocks);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double t = kKernelsOnly ? s.seconds_device : wall;
    state.SetIterationTime(t);
    pairs += Scored(s);
    seconds += t;
  }
  Report(state, pairs, seconds, s);
}

BENCHMARK(BM_Cpu)->Name("PairScoring/Cpu")->Unit(benchmark::kMillisecond)->UseRealTime()->Arg(0)->Arg(1);
BENCHMARK(BM_Gpu<true>)->Name("PairScoring/GpuKernels")->Unit(benchmark::kMillisecond)->UseManualTime()->Arg(0)->Arg(1);
BENCHMARK(BM_Gpu<false>)->Name("PairScoring/GpuWall")->Unit(benchmark::kMillisecond)->UseManualTime()->Arg(0)->Arg(1);

}  // namespace
}  // namespace idg

BENCHMARK_MAIN();
