#include "match/blocking.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <map>
#include <random>
#include <set>

#include "base/error.h"

namespace idg {
namespace {

using Pairs = std::set<std::pair<uint32_t, uint32_t>>;

struct Table {
  std::vector<std::vector<std::string_view>> cols;
  std::vector<std::span<const std::string_view>> View() const {
    std::vector<std::span<const std::string_view>> v;
    for (const auto& c : cols) v.push_back(c);
    return v;
  }
};

Pairs AsSet(const Candidates& c) {
  Pairs s(c.pairs.begin(), c.pairs.end());
  EXPECT_EQ(s.size(), c.pairs.size()) << "a pair was produced twice";
  for (auto [a, b] : c.pairs) EXPECT_LT(a, b);
  return s;
}

TEST(Blocking, RulesOredEachPairOnce) {
  // columns: 0 surname, 1 first name, 2 dob
  Table t{{{"smith", "smith", "smyth", "jones", "smith", ""},
           {"john", "jon", "john", "ann", "mary", "john"},
           {"1980-01-02", "1980-05-06", "1980-01-02", "1975-01-01", "1990-01-01", "1980-01-02"}}};
  const std::vector<BlockingRule> rules = {
      {"surname", {{0, KeyTransform::kExact}}},
      {"soundex first + year", {{1, KeyTransform::kSoundex}, {2, KeyTransform::kYear}}},
  };
  const auto cols = t.View();
  const Candidates c = GenerateCandidates(cols, 6, rules, 100);
  // surname: {0,1,4}; soundex(john)=soundex(jon)=J500 and 1980: {0,1,2,5}.
  EXPECT_EQ(AsSet(c), (Pairs{{0, 1}, {0, 4}, {1, 4}, {0, 2}, {0, 5}, {1, 2}, {1, 5}, {2, 5}}));
  ASSERT_EQ(c.stats.size(), 2u);
  EXPECT_EQ(c.stats[0].pairs, 3u);
  EXPECT_EQ(c.stats[1].pairs, 5u);
  EXPECT_EQ(c.stats[1].duplicate_pairs, 1u);  // (0,1) came from the surname rule
  EXPECT_EQ(c.stats[1].largest_block, 4u);
}

TEST(Blocking, OversizedBlocksAreSkippedAndCounted) {
  Table t{{{"a", "a", "a", "a", "a", "b", "b"}, {"x", "x", "y", "y", "z", "q", "q"}}};
  const std::vector<BlockingRule> rules = {{"col0", {{0, KeyTransform::kExact}}},
                                           {"col1", {{1, KeyTransform::kExact}}}};
  const auto cols = t.View();
  const Candidates c = GenerateCandidates(cols, 7, rules, 4);
  // "a" has 5 records: skipped, 10 pairs. The second rule then produces (0,1) and (2,3),
  // which are not duplicates since the first rule never produced them; (5,6) is a duplicate.
  EXPECT_EQ(AsSet(c), (Pairs{{5, 6}, {0, 1}, {2, 3}}));
  EXPECT_EQ(c.stats[0].skipped_blocks, 1u);
  EXPECT_EQ(c.stats[0].skipped_pairs, 10u);
  EXPECT_EQ(c.stats[1].duplicate_pairs, 1u);
}

TEST(Blocking, PrefixAndMissingValues) {
  Table t{{{"abcd", "abxx", "", "ab"}}};
  const std::vector<BlockingRule> rules = {{"p2", {{0, KeyTransform::kPrefix, 2}}}};
  const auto cols = t.View();
  EXPECT_EQ(AsSet(GenerateCandidates(cols, 4, rules, 10)), (Pairs{{0, 1}, {0, 3}, {1, 3}}));
  const std::vector<BlockingRule> bad = {{"none", {{5, KeyTransform::kExact}}}};
  EXPECT_THROW(GenerateCandidates(cols, 4, bad, 10), Error);
}

// Against brute force: a pair is a candidate when some rule gives both records the same key
// and that key's block is within the cap.
TEST(Blocking, MatchesBruteForceForAnyThreadCount) {
  std::mt19937_64 rng(5);
  const size_t n = 400;
  std::vector<std::string> pool = {"", "a", "b", "c", "d", "e", "f", "g"};
  std::vector<std::vector<std::string>> values(3, std::vector<std::string>(n));
  for (auto& col : values) {
    for (auto& v : col) v = pool[rng() % pool.size()];
  }
  Table t;
  for (auto& col : values) t.cols.emplace_back(col.begin(), col.end());
  const std::vector<BlockingRule> rules = {
      {"0", {{0, KeyTransform::kExact}}},
      {"1+2", {{1, KeyTransform::kExact}, {2, KeyTransform::kExact}}},
      {"2", {{2, KeyTransform::kExact}}}};
  const uint32_t cap = 48;  // about 50 records a value: some blocks go over
  Pairs expected;
  for (const auto& rule : rules) {
    std::map<std::string, std::vector<uint32_t>> blocks;
    for (uint32_t r = 0; r < n; ++r) {
      std::string key;
      bool ok = true;
      for (const auto& p : rule.parts) {
        ok &= !values[p.column][r].empty();
        key += values[p.column][r] + "|";
      }
      if (ok) blocks[key].push_back(r);
    }
    for (const auto& [key, members] : blocks) {
      if (members.size() > cap) continue;
      for (size_t x = 0; x < members.size(); ++x) {
        for (size_t y = x + 1; y < members.size(); ++y) expected.insert({members[x], members[y]});
      }
    }
  }
  const auto cols = t.View();
  Candidates first;
  for (int threads : {1, 2, 3}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    Candidates c = GenerateCandidates(cols, n, rules, cap);
    EXPECT_EQ(AsSet(c), expected);
    if (threads == 1) {
      first = std::move(c);
    } else {
      EXPECT_EQ(c.pairs, first.pairs) << "order must not depend on the thread count";
    }
  }
  EXPECT_GT(first.stats[0].skipped_blocks + first.stats[2].skipped_blocks, 0u);

  // Counting without listing gives the listing's counts; a rule's own pairs are its new pairs
  // plus those an earlier rule had, and include every new pair it listed.
  BlockIndex ix = BuildBlocks(cols, n, rules, cap);
  CountCandidates(ix);
  size_t begin = 0;
  for (size_t k = 0; k < rules.size(); ++k) {
    EXPECT_EQ(ix.stats[k].pairs, first.stats[k].pairs) << k;
    EXPECT_EQ(ix.stats[k].duplicate_pairs, first.stats[k].duplicate_pairs) << k;
    const auto own = RulePairs(ix, k);
    EXPECT_EQ(own.size(), first.stats[k].pairs + first.stats[k].duplicate_pairs) << k;
    const std::set<std::pair<uint32_t, uint32_t>> own_set(own.begin(), own.end());
    for (size_t i = begin; i < begin + first.stats[k].pairs; ++i) {
      EXPECT_TRUE(own_set.count(first.pairs[i])) << k;
    }
    begin += first.stats[k].pairs;
  }
}

}  // namespace
}  // namespace idg
