// The score of one record pair, written once for the CPU and CUDA scorers (IDG_HD, C++17, plain
// data): comparison levels by match/compare_level.h, then the sum of the model's fixed-point
// weights. Both back ends read the same fixed-width columns, so they give the same levels and
// scores bit for bit.
#pragma once

#include <cstdint>

#include "match/compare_level.h"
#include "match/host_device.h"

namespace idg {

inline constexpr int kMaxComparisons = 16;
inline constexpr int kMaxLevels = kMaxThresholds + 2;

// What every pair shares: small enough (about 1.3 KiB) to pass to a kernel by value.
struct ScoreParams {
  uint32_t records = 0;
  uint32_t comparisons = 0;
  ComparisonRule rule[kMaxComparisons];
  uint32_t width[kMaxComparisons] = {};      // bytes per record in column k
  uint64_t column_at[kMaxComparisons] = {};  // where column k starts in ScoreData::bytes
  int32_t weight[kMaxComparisons][kMaxLevels] = {};
  int32_t tf_slot[kMaxComparisons] = {};  // -1, or: exact agreement weighs exact_tf[slot][a]
  int64_t min_score = 0;                  // pairs scoring less are dropped
};

// The columns as structure of arrays, fixed width: record r's value of column k is
// length[k * records + r] bytes at bytes + column_at[k] + r * width[k]; 0 bytes is missing.
struct ScoreData {
  const char* bytes = nullptr;
  const uint8_t* length = nullptr;
  const int32_t* exact_tf = nullptr;  // [slot * records + r]: r's exact-agreement weight
};

IDG_HD inline Str ValueOf(const ScoreParams& p, const ScoreData& d, uint32_t k, uint32_t r) {
  return Str{d.bytes + p.column_at[k] + static_cast<uint64_t>(r) * p.width[k],
             d.length[static_cast<uint64_t>(k) * p.records + r]};
}

// Writes the pair's `comparisons` levels to `levels` and returns its score. a < b: a term
// frequency weight is record a's (either would do: they agree exactly).
IDG_HD inline int64_t ScorePair(const ScoreParams& p, const ScoreData& d, uint32_t a, uint32_t b,
                                uint8_t* levels) {
  int64_t score = 0;
  for (uint32_t k = 0; k < p.comparisons; ++k) {
    const uint8_t lv = CompareLevel(p.rule[k], ValueOf(p, d, k, a), ValueOf(p, d, k, b));
    levels[k] = lv;
    if (lv == kNullLevel) continue;
    if (lv == 0 && p.tf_slot[k] >= 0) {
      score += d.exact_tf[static_cast<uint64_t>(p.tf_slot[k]) * p.records + a];
    } else {
      score += p.weight[k][lv];
    }
  }
  return score;
}

}  // namespace idg
