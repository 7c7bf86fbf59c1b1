#include "kernels/pair_scorer.h"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "base/error.h"
#include "kernels/device.h"
#include "match/block_pairs.h"

namespace idg {
namespace {

// Seeded records with three comparison columns (name, city, dob) and values that collide
// often, missing values, and non-ASCII bytes.
struct Data {
  std::vector<std::string> name, city, dob;
  std::vector<std::vector<std::string_view>> cols;
  std::vector<std::span<const std::string_view>> spans;
  std::vector<ComparisonRule> rules;
  PairWeights weights;

  explicit Data(size_t n, uint32_t seed, bool one_block = false) {
    std::mt19937 rng(seed);
    const char* names[] = {"jon", "john", "jonathan", "josé", "jose", "zoë", "zoe", "müller",
                           "mueller", "", "anna", "ana", "hannah"};
    const char* cities[] = {"berlin", "bern", "paris", "parís", "", "london", "lyon"};
    for (size_t r = 0; r < n; ++r) {
      name.push_back(one_block ? "jon" : names[rng() % std::size(names)]);
      city.push_back(cities[rng() % std::size(cities)]);
      dob.push_back(rng() % 9 == 0 ? "" : "19" + std::to_string(70 + rng() % 5) + "-0" +
                                              std::to_string(1 + rng() % 3) + "-1" +
                                              std::to_string(rng() % 4));
    }
    cols = {{name.begin(), name.end()}, {city.begin(), city.end()}, {dob.begin(), dob.end()}};
    for (auto& c : cols) spans.push_back(c);
    ComparisonRule jw{CompareMethod::kJaroWinkler, 2, {0.92f, 0.8f}};
    ComparisonRule lev{CompareMethod::kLevenshtein, 1, {1}};
    ComparisonRule days{CompareMethod::kDateDays, 2, {1, 31}};
    rules = {jw, lev, days};
    weights.level = {{9 << 16, 5 << 16, 1 << 16, -(3 << 16)}, {4 << 16, 2 << 16, -(1 << 16)},
                     {7 << 16, 3 << 16, 1 << 15, -(5 << 16)}};
    // Term frequency on names: rarer names weigh more (any per-record values will do here).
    weights.exact_by_record.resize(3);
    for (size_t r = 0; r < n; ++r) {
      weights.exact_by_record[0].push_back(static_cast<int32_t>((8 << 16) + name[r].size() * 1000));
    }
  }
  ScoringColumns scoring() const { return {spans, rules}; }
  BlockIndex Blocks(uint32_t cap = 1000) const {
    const std::vector<BlockingRule> br = {{"name", {{0, KeyTransform::kPrefix, 2}}},
                                          {"city", {{1, KeyTransform::kExact, 0}}},
                                          {"year", {{2, KeyTransform::kYear, 0}}}};
    return BuildBlocks(spans, name.size(), br, cap);
  }
};

// The same scores computed the plain way: every candidate pair, then its levels, then weights.
ScoredPairs Reference(const Data& d, const BlockIndex& blocks, int64_t min_score) {
  const Candidates c = EnumerateCandidates(blocks);
  const std::vector<uint8_t> levels = ComparePairs(d.scoring(), c.pairs);
  std::map<std::pair<uint32_t, uint32_t>, std::pair<int64_t, std::vector<uint8_t>>> kept;
  for (size_t i = 0; i < c.pairs.size(); ++i) {
    int64_t score = 0;
    for (size_t k = 0; k < 3; ++k) {
      const uint8_t lv = levels[i * 3 + k];
      if (lv == kNullLevel) continue;
      score += lv == 0 && !d.weights.exact_by_record[k].empty()
                   ? d.weights.exact_by_record[k][c.pairs[i].first]
                   : d.weights.level[k][lv];
    }
    if (score >= min_score) kept[c.pairs[i]] = {score, {&levels[i * 3], &levels[i * 3] + 3}};
  }
  ScoredPairs s;
  for (const auto& [pair, v] : kept) {
    s.pairs.push_back(pair);
    s.scores.push_back(v.first);
    s.levels.insert(s.levels.end(), v.second.begin(), v.second.end());
  }
  for (const auto& st : c.stats) {
    s.scored.push_back(st.pairs);
    s.duplicates.push_back(st.duplicate_pairs);
  }
  return s;
}

void ExpectSame(const ScoredPairs& want, const ScoredPairs& got) {
  EXPECT_EQ(got.scored, want.scored);
  EXPECT_EQ(got.duplicates, want.duplicates);
  ASSERT_EQ(got.pairs.size(), want.pairs.size());
  EXPECT_EQ(got.pairs, want.pairs);
  EXPECT_EQ(got.scores, want.scores);
  EXPECT_EQ(got.levels, want.levels);
}

TEST(BlockPairs, PairAtEnumeratesEachPairOfABlockOnce) {
  for (uint32_t n : {2u, 3u, 7u, 64u, 301u}) {
    uint64_t t = 0;
    for (uint32_t j = 1; j < n; ++j) {
      for (uint32_t i = 0; i < j; ++i, ++t) {
        uint32_t gi = 0, gj = 0;
        PairAt(t, &gi, &gj);
        ASSERT_EQ(std::make_pair(gi, gj), std::make_pair(i, j)) << "n " << n << " t " << t;
      }
    }
    EXPECT_EQ(t, PairsIn(n));
  }
}

TEST(BlockPairs, PairAtIsExactForHugeBlocks) {
  // Near the pair counts of a 3-million-record block, where a double square root is off by one.
  for (uint64_t j : {uint64_t{94906267}, uint64_t{3000000}, uint64_t{2147483647}}) {
    for (uint64_t t : {PairsIn(j), PairsIn(j) + j - 1, PairsIn(j) - 1}) {
      uint32_t i = 0, jj = 0;
      PairAt(t, &i, &jj);
      ASSERT_LE(PairsIn(jj), t);
      ASSERT_GT(PairsIn(jj + 1ull), t);
      ASSERT_EQ(i, t - PairsIn(jj));
    }
  }
}

TEST(BlockPairs, NextPairWalksAcrossBlocksLikePairAt) {
  const std::vector<uint64_t> sizes = {2, 5, 3, 2, 9};
  std::vector<uint64_t> offset = {0};
  for (uint64_t s : sizes) offset.push_back(offset.back() + PairsIn(s));
  uint32_t b = 0, i = 0, j = 1;
  for (uint64_t g = 0; g < offset.back(); ++g) {
    ASSERT_EQ(BlockOfPair(offset.data(), static_cast<uint32_t>(sizes.size()), g), b) << g;
    uint32_t wi = 0, wj = 0;
    PairAt(g - offset[b], &wi, &wj);
    ASSERT_EQ(std::make_pair(i, j), std::make_pair(wi, wj)) << g;
    NextPair(sizes[b], &b, &i, &j);
  }
  EXPECT_EQ(b, sizes.size());
}

TEST(ScoreBlocks, CpuMatchesThePlainComputation) {
  const Data d(1500, 7);
  const BlockIndex blocks = d.Blocks();
  for (int64_t min_score : {int64_t{-(1 << 30)}, int64_t{0}, int64_t{12} << 16}) {
    const ScoringTable table = MakeScoringTable(d.scoring(), d.weights, min_score);
    ExpectSame(Reference(d, blocks, min_score), ScoreBlocksCpu(table, blocks));
  }
}

TEST(ScoreBlocks, CpuResultDoesNotDependOnThreadCount) {
  const Data d(2500, 11);
  const BlockIndex blocks = d.Blocks();
  const ScoringTable table = MakeScoringTable(d.scoring(), d.weights, 0);
  const ScoredPairs many = ScoreBlocksCpu(table, blocks);
  ScoredPairs one;
  tbb::task_arena(1).execute([&] { one = ScoreBlocksCpu(table, blocks); });
  ExpectSame(many, one);
  EXPECT_GT(many.pairs.size(), 100u);
}

TEST(ScoreBlocks, OversizedBlocksAreSkippedAndNotScored) {
  const Data d(2000, 3);
  const BlockIndex capped = d.Blocks(/*cap=*/50);
  const ScoringTable table = MakeScoringTable(d.scoring(), d.weights, 0);
  const ScoredPairs s = ScoreBlocksCpu(table, capped);
  ExpectSame(Reference(d, capped, 0), s);
  uint64_t skipped = 0;
  for (const auto& st : capped.stats) skipped += st.skipped_pairs;
  EXPECT_GT(skipped, 0u);
}

TEST(ScoringTable, CutsValuesAtTheSimilarityCapAndRejectsTooManyComparisons) {
  const std::string long_value(300, 'x');
  std::vector<std::string_view> col = {long_value, "", "ab"};
  std::vector<std::span<const std::string_view>> cols = {col};
  std::vector<ComparisonRule> rules = {{CompareMethod::kExact, 0, {}}};
  PairWeights w;
  w.level = {{1, -1}};
  const ScoringTable t = MakeScoringTable({cols, rules}, w, 0);
  EXPECT_EQ(t.params.width[0], kSimilarityMaxLen);
  EXPECT_EQ(ValueOf(t.params, t.data(), 0, 0).size, kSimilarityMaxLen);
  EXPECT_EQ(ValueOf(t.params, t.data(), 0, 1).size, 0u);
  EXPECT_EQ(std::string(ValueOf(t.params, t.data(), 0, 2).data, 2), "ab");

  std::vector<std::span<const std::string_view>> many(kMaxComparisons + 1, col);
  std::vector<ComparisonRule> many_rules(kMaxComparisons + 1, rules[0]);
  PairWeights mw;
  mw.level.assign(kMaxComparisons + 1, {1, -1});
  try {
    MakeScoringTable({many, many_rules}, mw, 0);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at most 16 comparisons"), std::string::npos) << e.what();
  }
}

TEST(ScoreBlocks, DeviceWordsAreParsedAndOthersRefused) {
  EXPECT_EQ(ParseScoreDevice("auto"), ScoreDevice::kAuto);
  EXPECT_EQ(ParseScoreDevice("cpu"), ScoreDevice::kCpu);
  EXPECT_EQ(ParseScoreDevice("gpu"), ScoreDevice::kGpu);
  EXPECT_THROW(ParseScoreDevice("tpu"), Error);
}

TEST(ScoreBlocks, AutoFallsBackToTheCpuAndSaysWhyWhenThereIsNoGpu) {
  const Data d(500, 5);
  const BlockIndex blocks = d.Blocks();
  const ScoringTable table = MakeScoringTable(d.scoring(), d.weights, 0);
  const ScoredPairs s = ScoreBlocks(table, blocks, ScoreDevice::kAuto);
  ExpectSame(ScoreBlocksCpu(table, blocks), s);
  if (QueryDevices().gpu_count > 0) {
    EXPECT_EQ(s.device.rfind("gpu", 0), 0u) << s.device;
    EXPECT_TRUE(s.note.empty()) << s.note;
  } else {
    EXPECT_EQ(s.device, "cpu");
    EXPECT_NE(s.note.find("no usable GPU"), std::string::npos) << s.note;
    EXPECT_THROW(ScoreBlocks(table, blocks, ScoreDevice::kGpu), Error);
  }
}

// GPU against CPU on the same inputs: identical pairs, fixed-point scores and levels.
class GpuScoring : public testing::Test {
 protected:
  void SetUp() override {
    if (QueryDevices().gpu_count == 0) GTEST_SKIP() << "no GPU: " << QueryDevices().note;
  }
  static void Compare(const Data& d, const BlockIndex& blocks, int64_t min_score) {
    const ScoringTable table = MakeScoringTable(d.scoring(), d.weights, min_score);
    ExpectSame(ScoreBlocksCpu(table, blocks), ScoreBlocksGpu(table, blocks));
  }
};

TEST_F(GpuScoring, SameAsCpuOnMixedBlocks) {
  const Data d(20000, 21);
  for (int64_t min_score : {int64_t{-(1 << 30)}, int64_t{0}, int64_t{15} << 16}) {
    Compare(d, d.Blocks(), min_score);
  }
}

TEST_F(GpuScoring, SameAsCpuWithNoBlocksAndSingleRecords) {
  const Data one(1, 1);
  Compare(one, one.Blocks(), 0);
  const Data empty(0, 1);
  Compare(empty, empty.Blocks(), 0);
}

TEST_F(GpuScoring, SameAsCpuOnOneGiantBlock) {
  // Every record shares its name: one block of 6,000 records (18 million pairs) for the first
  // rule, more kept pairs than the first output buffer holds when min_score is low.
  const Data d(6000, 9, /*one_block=*/true);
  Compare(d, d.Blocks(/*cap=*/10000), -(1 << 30));
  Compare(d, d.Blocks(/*cap=*/10000), 10 << 16);
}

}  // namespace
}  // namespace idg
