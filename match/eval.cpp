#include "match/eval.h"

#include <tbb/parallel_sort.h>

#include <utility>
#include <vector>

#include "base/error.h"

namespace idg {
namespace {

uint64_t Pairs(uint64_t n) { return n * (n - 1) / 2; }

// Sum of C(run, 2) over runs of equal keys, and the number of runs.
template <typename T>
std::pair<uint64_t, uint64_t> RunPairs(const std::vector<T>& sorted) {
  uint64_t pairs = 0, runs = 0;
  for (size_t i = 0; i < sorted.size();) {
    size_t e = i;
    while (e < sorted.size() && sorted[e] == sorted[i]) ++e;
    pairs += Pairs(e - i);
    ++runs;
    i = e;
  }
  return {pairs, runs};
}

}  // namespace

PairMetrics EvaluatePairs(std::span<const uint64_t> predicted, std::span<const uint64_t> truth) {
  IDG_REQUIRE(predicted.size() == truth.size(), "predicted and true labels differ in length");
  PairMetrics m;
  m.records = predicted.size();
  std::vector<uint64_t> p(predicted.begin(), predicted.end()), t(truth.begin(), truth.end());
  std::vector<std::pair<uint64_t, uint64_t>> both(predicted.size());
  for (size_t i = 0; i < both.size(); ++i) both[i] = {predicted[i], truth[i]};
  tbb::parallel_sort(p.begin(), p.end());
  tbb::parallel_sort(t.begin(), t.end());
  tbb::parallel_sort(both.begin(), both.end());
  std::tie(m.predicted_pairs, m.predicted_clusters) = RunPairs(p);
  std::tie(m.true_pairs, m.true_clusters) = RunPairs(t);
  m.correct_pairs = RunPairs(both).first;
  m.precision = m.predicted_pairs ? double(m.correct_pairs) / double(m.predicted_pairs) : 1.0;
  m.recall = m.true_pairs ? double(m.correct_pairs) / double(m.true_pairs) : 1.0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  return m;
}

}  // namespace idg
