// Connected components from a plain edge list with the lock-free union-find.
// BM_UnionFind_Components_Tbb/<graph>/<threads>: graph 0 = uniform, 1 = R-MAT (Kronecker),
// both 2^scale nodes and 2^(scale+4) edges. Scale defaults to 22 (GAPBS' -g 22 / -u 22 sizes);
// set IDG_BENCH_SCALE to change it.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <cstdlib>
#include <vector>

#include "graph/edge_gen.h"
#include "graph/union_find.h"

namespace {

int Scale() {
  const char* s = std::getenv("IDG_BENCH_SCALE");
  return s ? std::atoi(s) : 22;
}

const std::vector<idg::UnionFind::Edge>& Graph(int kind) {
  static std::vector<idg::UnionFind::Edge> graphs[2];
  auto& g = graphs[kind];
  if (g.empty()) {
    const int scale = Scale();
    const uint64_t m = uint64_t{1} << (scale + 4);
    g = kind == 0 ? idg::UniformEdges(scale, m, 27491095) : idg::RmatEdges(scale, m, 27491095);
  }
  return g;
}

void BM_UnionFind_Components_Tbb(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const auto& edges = Graph(kind);
  const size_t n = size_t{1} << Scale();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  idg::UnionFind uf;
  for (auto _ : state) {
    uf.Reset(n);
    uf.UniteAll(edges);
    uf.Compress();
    benchmark::DoNotOptimize(uf.Parent(0));
  }
  size_t roots = 0;
  for (size_t i = 0; i < n; ++i) roots += uf.Parent(static_cast<uint32_t>(i)) == i;
  state.counters["components"] = static_cast<double>(roots);
  state.counters["edges"] = static_cast<double>(edges.size());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * edges.size()));
  state.SetLabel(kind == 0 ? "uniform" : "rmat");
}

BENCHMARK(BM_UnionFind_Components_Tbb)
    ->ArgNames({"graph", "threads"})
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
