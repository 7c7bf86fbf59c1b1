#include "kernels/pair_scorer.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "base/error.h"

namespace idg {
namespace {

Str AsStr(std::string_view v) { return Str{v.data(), static_cast<uint32_t>(v.size())}; }

void CheckInput(const ScoringColumns& in) {
  IDG_REQUIRE(in.columns.size() == in.rules.size(), "one column per comparison rule");
}

}  // namespace

std::vector<uint8_t> ComparePairs(const ScoringColumns& in,
                                  std::span<const std::pair<uint32_t, uint32_t>> pairs) {
  CheckInput(in);
  const size_t k = in.rules.size();
  std::vector<uint8_t> levels(pairs.size() * k);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, pairs.size(), 1 << 10), [&](const auto& r) {
    for (size_t i = r.begin(); i < r.end(); ++i) {
      const auto [a, b] = pairs[i];
      for (size_t c = 0; c < k; ++c) {
        levels[i * k + c] = CompareLevel(in.rules[c], AsStr(in.columns[c][a]), AsStr(in.columns[c][b]));
      }
    }
  });
  return levels;
}

ScoredPairs ScorePairs(const ScoringColumns& in, const PairWeights& weights,
                       std::span<const std::pair<uint32_t, uint32_t>> pairs, int64_t min_score) {
  CheckInput(in);
  const size_t k = in.rules.size();
  IDG_REQUIRE(weights.level.size() == k, "one weight row per comparison");
  constexpr size_t kGrain = 1 << 12;
  const size_t blocks = (pairs.size() + kGrain - 1) / kGrain;
  std::vector<ScoredPairs> parts(blocks);
  tbb::parallel_for(size_t{0}, blocks, [&](size_t blk) {
    ScoredPairs& out = parts[blk];
    uint8_t lv[64];
    IDG_ASSERT(k <= sizeof lv);
    for (size_t i = blk * kGrain; i < std::min(pairs.size(), (blk + 1) * kGrain); ++i) {
      const auto [a, b] = pairs[i];
      int64_t score = 0;
      for (size_t c = 0; c < k; ++c) {
        lv[c] = CompareLevel(in.rules[c], AsStr(in.columns[c][a]), AsStr(in.columns[c][b]));
        if (lv[c] == kNullLevel) continue;
        if (lv[c] == 0 && c < weights.exact_by_record.size() && !weights.exact_by_record[c].empty()) {
          score += weights.exact_by_record[c][a];
        } else {
          score += weights.level[c][lv[c]];
        }
      }
      if (score < min_score) continue;
      out.pairs.push_back(pairs[i]);
      out.scores.push_back(score);
      out.levels.insert(out.levels.end(), lv, lv + k);
    }
  });
  ScoredPairs all;
  all.scored = pairs.size();
  for (auto& p : parts) {
    all.pairs.insert(all.pairs.end(), p.pairs.begin(), p.pairs.end());
    all.scores.insert(all.scores.end(), p.scores.begin(), p.scores.end());
    all.levels.insert(all.levels.end(), p.levels.begin(), p.levels.end());
  }
  return all;
}

}  // namespace idg
