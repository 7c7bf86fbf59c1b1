#include "kernels/pair_scorer.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <chrono>
#include <numeric>

#include "base/error.h"
#include "kernels/device.h"
#ifdef IDG_HAVE_CUDA
#include "kernels/cuda/score_blocks.h"
#endif

namespace idg {
namespace {

Str AsStr(std::string_view v) { return Str{v.data(), static_cast<uint32_t>(v.size())}; }

void CheckInput(const ScoringColumns& in) {
  IDG_REQUIRE(in.columns.size() == in.rules.size(), "one column per comparison rule");
}

// Sorts the kept pairs (and their scores and levels) by pair, the order both back ends share.
void SortByPair(ScoredPairs& s, size_t k) {
  std::vector<uint32_t> order(s.pairs.size());
  std::iota(order.begin(), order.end(), 0u);
  tbb::parallel_sort(order.begin(), order.end(),
                     [&](uint32_t x, uint32_t y) { return s.pairs[x] < s.pairs[y]; });
  ScoredPairs sorted;
  sorted.pairs.resize(order.size());
  sorted.scores.resize(order.size());
  sorted.levels.resize(order.size() * k);
  tbb::parallel_for(size_t{0}, order.size(), [&](size_t i) {
    sorted.pairs[i] = s.pairs[order[i]];
    sorted.scores[i] = s.scores[order[i]];
    std::copy_n(s.levels.begin() + order[i] * k, k, sorted.levels.begin() + i * k);
  });
  s.pairs = std::move(sorted.pairs);
  s.scores = std::move(sorted.scores);
  s.levels = std::move(sorted.levels);
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

ScoringTable MakeScoringTable(const ScoringColumns& in, const PairWeights& weights,
                              int64_t min_score) {
  CheckInput(in);
  const size_t k = in.rules.size();
  IDG_REQUIRE(k <= kMaxComparisons, "at most " + std::to_string(kMaxComparisons) +
                                        " comparisons are supported, the config has " +
                                        std::to_string(k));
  IDG_REQUIRE(weights.level.size() == k, "one weight row per comparison");
  const size_t n = k == 0 ? 0 : in.columns[0].size();
  ScoringTable t;
  ScoreParams& p = t.params;
  p.records = static_cast<uint32_t>(n);
  p.comparisons = static_cast<uint32_t>(k);
  p.min_score = min_score;
  t.length.resize(k * n);
  uint64_t at = 0;
  for (size_t c = 0; c < k; ++c) {
    IDG_REQUIRE(in.columns[c].size() == n, "scoring columns differ in length");
    IDG_REQUIRE(in.rules[c].levels() <= kMaxLevels && weights.level[c].size() == in.rules[c].levels(),
                "comparison " + std::to_string(c) + " has too many levels or weights");
    p.rule[c] = in.rules[c];
    std::copy(weights.level[c].begin(), weights.level[c].end(), p.weight[c]);
    size_t width = 0;
    for (std::string_view v : in.columns[c]) width = std::max<size_t>(width, v.size());
    p.width[c] = static_cast<uint32_t>(std::min<size_t>(width, kSimilarityMaxLen));
    p.column_at[c] = at;
    at += uint64_t{p.width[c]} * n;
    p.tf_slot[c] = -1;
    if (c < weights.exact_by_record.size() && !weights.exact_by_record[c].empty()) {
      IDG_REQUIRE(weights.exact_by_record[c].size() == n, "one exact weight per record");
      p.tf_slot[c] = static_cast<int32_t>(t.exact_tf.size() / std::max<size_t>(n, 1));
      t.exact_tf.insert(t.exact_tf.end(), weights.exact_by_record[c].begin(),
                        weights.exact_by_record[c].end());
    }
  }
  t.bytes.resize(at);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 12), [&](const auto& r) {
    for (size_t c = 0; c < k; ++c) {
      for (size_t i = r.begin(); i < r.end(); ++i) {
        const std::string_view v = in.columns[c][i].substr(0, p.width[c]);
        std::copy(v.begin(), v.end(), t.bytes.begin() + p.column_at[c] + i * p.width[c]);
        t.length[c * n + i] = static_cast<uint8_t>(v.size());
      }
    }
  });
  return t;
}

ScoreDevice ParseScoreDevice(std::string_view word) {
  if (word == "auto") return ScoreDevice::kAuto;
  if (word == "cpu") return ScoreDevice::kCpu;
  if (word == "gpu") return ScoreDevice::kGpu;
  throw Error("device '" + std::string(word) + "': expected auto, cpu or gpu");
}

std::vector<uint64_t> RulePairOffsets(const BlockIndex& ix, size_t rule) {
  const uint32_t first = ix.rule_first_block[rule], last = ix.rule_first_block[rule + 1];
  std::vector<uint64_t> offsets(last - first + 1, 0);
  for (uint32_t b = first; b < last; ++b) offsets[b - first + 1] = offsets[b - first] + PairsIn(ix.block_size(b));
  return offsets;
}

ScoredPairs ScoreBlocksCpu(const ScoringTable& table, const BlockIndex& ix) {
  const auto start = std::chrono::steady_clock::now();
  const ScoreParams& p = table.params;
  const ScoreData d = table.data();
  const size_t k = p.comparisons;
  IDG_REQUIRE(ix.records == p.records, "blocks and scoring table differ in record count");
  ScoredPairs all;
  all.device = "cpu";
  // Each rule's pairs form one flat range (block by block, PairAt order within a block), cut
  // into chunks scored in parallel: small blocks share a chunk, a large one spans many.
  constexpr uint64_t kChunk = 1 << 14;
  for (size_t rule = 0; rule < ix.rules(); ++rule) {
    const std::vector<uint64_t> po = RulePairOffsets(ix, rule);
    const uint32_t first = ix.rule_first_block[rule];
    const auto nb = static_cast<uint32_t>(po.size() - 1);
    const uint64_t total = po.back();
    const size_t chunks = (total + kChunk - 1) / kChunk;
    std::vector<ScoredPairs> parts(chunks);
    std::vector<uint64_t> scored(chunks, 0), dups(chunks, 0);
    tbb::parallel_for(size_t{0}, chunks, [&](size_t ch) {
      const uint64_t g0 = ch * kChunk, g1 = std::min(total, g0 + kChunk);
      uint32_t b = BlockOfPair(po.data(), nb, g0), i = 0, j = 0;
      PairAt(g0 - po[b], &i, &j);
      uint8_t lv[kMaxComparisons];
      ScoredPairs& out = parts[ch];
      for (uint64_t g = g0; g < g1; ++g) {
        const uint64_t begin = ix.offsets[first + b];
        const uint32_t x = ix.members[begin + i], y = ix.members[begin + j];
        if (ProducedEarlier(ix.block_of.data(), ix.records, static_cast<uint32_t>(rule), x, y)) {
          ++dups[ch];
        } else {
          ++scored[ch];
          const int64_t score = ScorePair(p, d, x, y, lv);
          if (score >= p.min_score) {
            out.pairs.push_back({x, y});
            out.scores.push_back(score);
            out.levels.insert(out.levels.end(), lv, lv + k);
          }
        }
        NextPair(ix.block_size(first + b), &b, &i, &j);
      }
    });
    all.scored.push_back(std::accumulate(scored.begin(), scored.end(), uint64_t{0}));
    all.duplicates.push_back(std::accumulate(dups.begin(), dups.end(), uint64_t{0}));
    for (auto& part : parts) {
      all.pairs.insert(all.pairs.end(), part.pairs.begin(), part.pairs.end());
      all.scores.insert(all.scores.end(), part.scores.begin(), part.scores.end());
      all.levels.insert(all.levels.end(), part.levels.begin(), part.levels.end());
    }
  }
  all.seconds_device = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  SortByPair(all, k);
  return all;
}

ScoredPairs ScoreBlocksGpu(const ScoringTable& table, const BlockIndex& ix) {
  const DeviceInfo& info = QueryDevices();
  if (info.gpu_count == 0) throw Error("no usable GPU: " + info.note);
#ifdef IDG_HAVE_CUDA
  IDG_REQUIRE(ix.records == table.params.records, "blocks and scoring table differ in record count");
  detail::CudaScoreInput in;
  in.params = table.params;
  in.bytes = {table.bytes.data(), table.bytes.size()};
  in.length = {table.length.data(), table.length.size()};
  in.exact_tf = {table.exact_tf.data(), table.exact_tf.size()};
  in.rules = static_cast<uint32_t>(ix.rules());
  in.block_of = {ix.block_of.data(), ix.block_of.size()};
  in.offsets = {ix.offsets.data(), ix.offsets.size()};
  in.members = {ix.members.data(), ix.members.size()};
  in.rule_first_block = {ix.rule_first_block.data(), ix.rule_first_block.size()};
  for (size_t r = 0; r < ix.rules(); ++r) in.pair_offsets.push_back(RulePairOffsets(ix, r));
  detail::CudaScoreOutput out;
  try {
    out = detail::ScoreBlocksCuda(in);
  } catch (const std::exception& e) {
    throw Error(std::string("GPU scoring failed: ") + e.what());
  }
  ScoredPairs all;
  all.pairs = std::move(out.pairs);
  all.scores = std::move(out.scores);
  all.levels = std::move(out.levels);
  all.scored = std::move(out.scored);
  all.duplicates = std::move(out.duplicates);
  all.device = "gpu (" + info.gpu_name + ")";
  all.seconds_device = out.seconds_kernels;
  SortByPair(all, table.params.comparisons);
  return all;
#else
  (void)table;
  (void)ix;
  throw Error("no usable GPU: built without CUDA");
#endif
}

ScoredPairs ScoreBlocks(const ScoringTable& table, const BlockIndex& ix, ScoreDevice device) {
  if (device == ScoreDevice::kCpu) return ScoreBlocksCpu(table, ix);
  if (device == ScoreDevice::kGpu) return ScoreBlocksGpu(table, ix);
  std::string note;
  if (QueryDevices().gpu_count > 0) {
    try {
      return ScoreBlocksGpu(table, ix);
    } catch (const Error& e) {
      note = std::string(e.what()) + "; fell back to the CPU";
    }
  } else {
    note = "no usable GPU: " + QueryDevices().note;
  }
  ScoredPairs s = ScoreBlocksCpu(table, ix);
  s.note = std::move(note);
  return s;
}

}  // namespace idg
