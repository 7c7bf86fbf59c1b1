// Probabilistic matching over a record store: blocking, Fellegi–Sunter training (u from
// random pairs, m and the prior by EM over the candidate pairs), and scoring of the candidates
// into weighted links. Configured by Config::matching; the columns compared are the records'
// normalized attributes (the first value of each).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/config.h"
#include "graph/record_store.h"
#include "graph/resolver.h"
#include "kernels/pair_scorer.h"
#include "match/blocking.h"
#include "match/fellegi_sunter.h"

namespace idg {

struct MatchStats {
  std::vector<BlockingStats> blocking;
  uint64_t candidate_pairs = 0;
  uint64_t random_pairs = 0;
  int em_iterations = 0;
  bool em_converged = false;
  uint64_t links = 0;
  double seconds_blocking = 0, seconds_training = 0, seconds_scoring = 0;
  std::string device;       // where the pairs were scored: "cpu" or "gpu (<name>)"
  std::string device_note;  // why not on the GPU, when auto found none or the GPU failed
};

struct MatchResult {
  std::vector<FuzzyLink> links;  // score >= the threshold's score
  std::vector<uint8_t> levels;   // links × comparisons, the evidence of each link
  MatchStats stats;
};

// The config's blocking rules; their columns are attribute ids.
std::vector<BlockingRule> BlockingRulesOf(const Config& config);
// The config's comparisons as rules for CompareLevel (match/compare_level.h).
std::vector<ComparisonRule> ComparisonRulesOf(const Config& config);

// A model with the config's comparisons, levels named, m and u not yet trained.
FellegiSunterModel UntrainedModel(const Config& config);

// Trains m, u and the prior on `records` without labels. Deterministic for a given seed.
FellegiSunterModel TrainModel(const Config& config, const RecordStore& records,
                              MatchStats* stats = nullptr);

// The blocks and the packed columns and weights that scoring reads: the first half of
// MatchRecords, apart for benchmarks.
struct ScoringWork {
  BlockIndex blocks;
  ScoringTable table;
  double seconds_blocking = 0;
};
ScoringWork PrepareScoring(const Config& config, const RecordStore& records,
                           const FellegiSunterModel& model);

// Blocks, scores and keeps the pairs at or above the config's match-probability threshold, on
// `device` (kernels/pair_scorer.h: auto takes a GPU when there is one). Links come sorted by
// record pair; the result does not depend on the device or the thread count.
MatchResult MatchRecords(const Config& config, const RecordStore& records,
                         const FellegiSunterModel& model, ScoreDevice device = ScoreDevice::kAuto);

// Throws idg::Error when `model` does not fit the config's comparisons (names, level counts).
void CheckModelFitsConfig(const Config& config, const FellegiSunterModel& model);

}  // namespace idg
