// The Fellegi–Sunter model of record linkage (Fellegi & Sunter, "A Theory for Record
// Linkage", JASA 1969), trained without labels by expectation–maximization (Winkler, "Using
// the EM Algorithm for Weight Computation in the Fellegi-Sunter Model of Record Linkage",
// 1988; the same scheme Splink uses).
//
// A pair of records is compared on K comparisons (first name, surname, date of birth, ...).
// Comparison k puts the pair in one of its levels 0..L_k-1, ordered from most to least alike;
// the last level, kNull, means a value was missing and carries no evidence. Each level has
//   m = P(level | the records are one person)   u = P(level | they are not),
// and the pair's match weight is the sum over comparisons of log2(m/u). Weights are kept in
// fixed point (kWeightOne units per bit) so that sums are the same on every device and in
// every order. With the prior λ = P(match) among candidate pairs, the match probability is
// 1 / (1 + 2^-(log2(λ/(1-λ)) + weight)).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "match/compare_level.h"

namespace idg {

inline constexpr int32_t kWeightOne = 1 << 16;     // fixed-point units per bit of weight

struct ComparisonModel {
  std::string name;
  std::vector<std::string> levels;  // level names, most alike first
  std::vector<double> m, u;         // per level; each sums to 1
};

struct FellegiSunterModel {
  std::vector<ComparisonModel> comparisons;
  double prior = 1e-4;  // λ: P(match) for a candidate pair

  // round(log2(m/u) * kWeightOne) of level `level` of comparison k; 0 for kNullLevel.
  int32_t Weight(size_t k, uint8_t level) const;
  // The weight of an exact agreement on a value shared by a fraction `frequency` of records
  // (term-frequency adjustment): log2(m / max(frequency, u_floor)), so that agreeing on a
  // rare value ("Zbigniew") counts more than on a common one ("Smith").
  int32_t TermFrequencyWeight(size_t k, uint8_t level, double frequency) const;
  // Sum of the weights of `levels` (one per comparison).
  int64_t Score(std::span<const uint8_t> levels) const;
  // P(match | score) under the prior.
  double MatchProbability(int64_t score) const;
  // The score whose match probability is p.
  int64_t ScoreForProbability(double p) const;
};

// Comparison vectors aggregated by pattern: each distinct vector of K levels once, with the
// number of pairs that showed it. EM runs over patterns, not pairs.
struct PatternCounts {
  size_t comparisons = 0;        // K
  std::vector<uint8_t> levels;   // patterns × K
  std::vector<uint64_t> counts;  // per pattern
  size_t size() const { return counts.size(); }
  std::span<const uint8_t> pattern(size_t i) const {
    return {levels.data() + i * comparisons, comparisons};
  }
};

// Aggregates `vectors` (pairs × K levels, row-major) into patterns, in parallel.
PatternCounts CountPatterns(std::span<const uint8_t> vectors, size_t comparisons);

struct EmOptions {
  int max_iterations = 100;
  double tolerance = 1e-7;  // stop when no parameter moves more than this
  bool train_u = false;     // u usually comes from random pairs and is kept fixed
  double floor = 1e-6;      // no probability falls below this (no infinite weights)
};

struct EmResult {
  int iterations = 0;
  bool converged = false;
  double log_likelihood = 0;
};

// Estimates m, λ (and u when asked) from unlabelled comparison patterns, starting from
// `model`'s values, which it overwrites. Deterministic: the same input gives the same result.
EmResult TrainEm(const PatternCounts& patterns, FellegiSunterModel& model,
                 const EmOptions& options = {});

// u from the comparison vectors of random record pairs (nearly all non-matches): the level
// frequencies per comparison, with the floor applied and renormalized.
void EstimateU(const PatternCounts& random_pairs, FellegiSunterModel& model, double floor = 1e-6);

}  // namespace idg
