// Pairwise evaluation of a clustering against known truth: over all unordered pairs of
// records, a pair is predicted when both records share a predicted cluster and true when they
// share a true cluster. Counted from cluster intersections in O(n log n), never pair by pair.
#pragma once

#include <cstdint>
#include <span>

namespace idg {

struct PairMetrics {
  uint64_t records = 0;
  uint64_t predicted_clusters = 0, true_clusters = 0;
  uint64_t predicted_pairs = 0, true_pairs = 0, correct_pairs = 0;
  double precision = 0, recall = 0, f1 = 0;  // 1 when there is nothing to find or predict
};

// `predicted[i]` and `truth[i]` are the cluster labels of record i (any integers).
PairMetrics EvaluatePairs(std::span<const uint64_t> predicted, std::span<const uint64_t> truth);

}  // namespace idg
