// Pair scoring: comparison levels and Fellegi–Sunter scores of candidate record pairs. This is
// the CPU path (TBB); it calls the same CompareLevel the CUDA path will, so both give the same
// levels and, with fixed-point weights, the same scores.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "match/comparison.h"

namespace idg {

struct ScoringColumns {
  // columns[k][r]: record r's value for comparison k ("" when missing); rules[k] compares them.
  std::span<const std::span<const std::string_view>> columns;
  std::span<const ComparisonRule> rules;
};

// Comparison levels of every pair: pairs × K bytes, row-major. Parallel; same result for any
// thread count.
std::vector<uint8_t> ComparePairs(const ScoringColumns& in,
                                  std::span<const std::pair<uint32_t, uint32_t>> pairs);

struct PairWeights {
  std::vector<std::vector<int32_t>> level;  // [k][level], fixed point (fellegi_sunter.h)
  // [k] empty, or per record: the weight of exact agreement on that record's value (term
  // frequency adjusted); used instead of level[k][0] when the pair agrees exactly.
  std::vector<std::vector<int32_t>> exact_by_record;
};

struct ScoredPairs {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // kept pairs, in input order
  std::vector<int64_t> scores;                       // per kept pair
  std::vector<uint8_t> levels;                       // kept pairs × K, for explanations
  uint64_t scored = 0;                               // pairs compared
};

// Scores every pair and keeps those whose score is at least `min_score`.
ScoredPairs ScorePairs(const ScoringColumns& in, const PairWeights& weights,
                       std::span<const std::pair<uint32_t, uint32_t>> pairs, int64_t min_score);

}  // namespace idg
