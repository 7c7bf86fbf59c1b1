// Pair scoring: comparison levels and Fellegi–Sunter scores of candidate record pairs, on the
// CPU (TBB) or on a GPU (CUDA), with the same results: both back ends run score_pair.h's
// ScorePair on the same fixed-width columns, and the result is put in one canonical order.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kernels/score_pair.h"
#include "match/blocking.h"

namespace idg {

struct ScoringColumns {
  // columns[k][r]: record r's value for comparison k ("" when missing); rules[k] compares them.
  std::span<const std::span<const std::string_view>> columns;
  std::span<const ComparisonRule> rules;
};

// Comparison levels of every pair: pairs × K bytes, row-major. Parallel; same result for any
// thread count. (Training: the pairs are random or one rule's candidates.)
std::vector<uint8_t> ComparePairs(const ScoringColumns& in,
                                  std::span<const std::pair<uint32_t, uint32_t>> pairs);

struct PairWeights {
  std::vector<std::vector<int32_t>> level;  // [k][level], fixed point (fellegi_sunter.h)
  // [k] empty, or per record: the weight of exact agreement on that record's value (term
  // frequency adjusted); used instead of level[k][0] when the pair agrees exactly.
  std::vector<std::vector<int32_t>> exact_by_record;
};

// The columns packed for scoring, with the weights: host memory that a GPU back end copies as
// is. Values are cut to kSimilarityMaxLen bytes (the similarity functions' own cap, so only
// exact agreement on values longer than that can differ from ComparePairs).
struct ScoringTable {
  ScoreParams params;
  std::vector<char> bytes;
  std::vector<uint8_t> length;
  std::vector<int32_t> exact_tf;

  ScoreData data() const { return {bytes.data(), length.data(), exact_tf.data()}; }
};

// Throws idg::Error when there are more than kMaxComparisons comparisons or a rule has more
// levels than kMaxLevels.
ScoringTable MakeScoringTable(const ScoringColumns& in, const PairWeights& weights,
                              int64_t min_score);

enum class ScoreDevice : uint8_t { kAuto, kCpu, kGpu };

// "auto" | "cpu" | "gpu"; throws idg::Error naming the accepted words otherwise.
ScoreDevice ParseScoreDevice(std::string_view word);

struct ScoredPairs {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // kept pairs (a < b), sorted
  std::vector<int64_t> scores;                       // per kept pair
  std::vector<uint8_t> levels;                       // kept pairs × K, for explanations
  std::vector<uint64_t> scored;                      // per rule: pairs compared
  std::vector<uint64_t> duplicates;                  // per rule: pairs an earlier rule had
  std::string device;                                // "cpu" or "gpu (<name>)"
  std::string note;     // why the GPU was not used when it was asked for with auto
  double seconds_device = 0;  // GPU: kernel time by CUDA events; CPU: wall time of scoring
};

// Scores every candidate pair of `blocks` (each pair once: ProducedEarlier) and keeps those
// scoring at least the table's min_score. kAuto takes the GPU when one is usable and falls
// back to the CPU, saying why in `note`, when none is or the GPU fails; kGpu throws
// idg::Error instead of falling back. The result does not depend on the device or the thread
// count.
ScoredPairs ScoreBlocks(const ScoringTable& table, const BlockIndex& blocks, ScoreDevice device);

// One back end, for tests and benchmarks. ScoreBlocksGpu throws idg::Error without a GPU.
ScoredPairs ScoreBlocksCpu(const ScoringTable& table, const BlockIndex& blocks);
ScoredPairs ScoreBlocksGpu(const ScoringTable& table, const BlockIndex& blocks);

// Pair offsets of rule k's blocks: entry i is the number of pairs in the rule's blocks before
// its i-th; one more entry than the rule has blocks.
std::vector<uint64_t> RulePairOffsets(const BlockIndex& blocks, size_t rule);

}  // namespace idg
