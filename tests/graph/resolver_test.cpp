#include "graph/resolver.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "graph/edge_gen.h"
#include "match/fellegi_sunter.h"
#include "test_records.h"

namespace idg {
namespace {

using testing::Build;
using testing::TestConfig;
using testing::TestRecord;

// The partition as sets of record keys, independent of record ids.
std::set<std::set<std::string>> Partition(const RecordStore& store, const Resolution& res) {
  std::map<RecordId, std::set<std::string>> groups;
  for (RecordId r = 0; r < store.size(); ++r) {
    groups[res.component[r]].insert(std::string(store.source_record_id(r)));
  }
  std::set<std::set<std::string>> out;
  for (auto& [root, keys] : groups) out.insert(keys);
  return out;
}

std::set<std::set<std::string>> ResolveKeys(const std::vector<TestRecord>& recs,
                                            Resolution* out = nullptr,
                                            std::vector<std::string>* refused = nullptr) {
  Config config = TestConfig();
  Interner interner;
  auto built = Build(config, interner, recs);
  Resolution res = Resolve(config, built.store, interner, built.junk);
  if (refused) {
    for (IdentifierId id : res.refused) refused->push_back(std::string(interner.value(id)));
  }
  auto p = Partition(built.store, res);
  if (out) *out = std::move(res);
  return p;
}

TEST(Resolver, SharedIdentifiersJoinTransitively) {
  auto p = ResolveKeys({{"a", {{"email", "x@e.com"}}},
                        {"b", {{"email", "x@e.com"}, {"phone", "+1"}}},
                        {"c", {{"phone", "+1"}}},
                        {"d", {{"phone", "+2"}}}});
  EXPECT_EQ(p, (std::set<std::set<std::string>>{{"a", "b", "c"}, {"d"}}));
}

TEST(Resolver, RootIsSmallestRecord) {
  Resolution res;
  ResolveKeys({{"a", {{"phone", "+9"}}}, {"b", {{"phone", "+1"}}}, {"c", {{"phone", "+9"}}}},
              &res);
  EXPECT_EQ(res.component, (std::vector<RecordId>{0, 1, 0}));
}

TEST(Resolver, JunkNeverLinks) {
  Resolution res;
  auto p = ResolveKeys({{"a", {{"email", "junk@x.com"}}}, {"b", {{"email", "junk@x.com"}}}},
                       &res);
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(res.stats.junk_occurrences, 2u);
}

TEST(Resolver, NonDeterministicKindsNeverLink) {
  auto p = ResolveKeys({{"a", {{"cookie", "k"}}}, {"b", {{"cookie", "k"}}}});
  EXPECT_EQ(p.size(), 2u);
}

TEST(Resolver, FanOutCapQuarantines) {
  // email's cap is 3: three records still link, four are quarantined and stay apart.
  std::vector<TestRecord> three = {{"a", {{"email", "s@e.com"}}},
                                   {"b", {{"email", "s@e.com"}}},
                                   {"c", {{"email", "s@e.com"}}}};
  Resolution res;
  EXPECT_EQ(ResolveKeys(three, &res).size(), 1u);
  EXPECT_TRUE(res.quarantined.empty());
  auto four = three;
  four.push_back({"d", {{"email", "s@e.com"}}});
  EXPECT_EQ(ResolveKeys(four, &res).size(), 4u);
  ASSERT_EQ(res.quarantined.size(), 1u);
}

TEST(Resolver, UniqueKindRefusesMergingTwoValues) {
  std::vector<std::string> refused;
  auto p = ResolveKeys({{"a", {{"customer_id", "C1"}, {"email", "shared@e.com"}}},
                        {"b", {{"customer_id", "C2"}, {"email", "shared@e.com"}}},
                        {"c", {{"customer_id", "C1"}, {"phone", "+5"}}},
                        {"d", {{"phone", "+5"}}}},
                       nullptr, &refused);
  // a and c share C1; d joins c by phone; b stays apart: the shared email is refused.
  EXPECT_EQ(p, (std::set<std::set<std::string>>{{"a", "c", "d"}, {"b"}}));
  EXPECT_EQ(refused, (std::vector<std::string>{"shared@e.com"}));
}

TEST(Resolver, UniqueKindAllowsLinksThatAgree) {
  std::vector<std::string> refused;
  auto p = ResolveKeys({{"a", {{"customer_id", "C1"}, {"email", "m@e.com"}}},
                        {"b", {{"customer_id", "C1"}, {"email", "m@e.com"}}},
                        {"c", {{"email", "m@e.com"}}},
                        {"d", {{"customer_id", "C2"}, {"phone", "+7"}}},
                        {"e", {{"phone", "+7"}}}},
                       nullptr, &refused);
  EXPECT_EQ(p, (std::set<std::set<std::string>>{{"a", "b", "c"}, {"d", "e"}}));
  EXPECT_TRUE(refused.empty());
}

TEST(Resolver, RecordClaimingTwoValuesKeepsThem) {
  // One record holds C1 and C2 itself: the data says so, and the profile keeps both.
  auto p = ResolveKeys({{"a", {{"customer_id", "C1"}, {"customer_id", "C2"}}},
                        {"b", {{"customer_id", "C1"}}},
                        {"c", {{"customer_id", "C2"}}}});
  EXPECT_EQ(p.size(), 1u);
}

// Random records over small value pools: many merges, many merge-protection conflicts.
std::vector<TestRecord> RandomRecords(uint64_t seed, int n) {
  std::vector<TestRecord> recs;
  uint64_t s = seed;
  for (int i = 0; i < n; ++i) {
    TestRecord r;
    r.key = "r" + std::to_string(i);
    const int k = static_cast<int>(SplitMix64(s) % 3) + 1;
    for (int j = 0; j < k; ++j) {
      const uint64_t x = SplitMix64(s);
      switch (x % 4) {
        case 0: r.idents.push_back({"email", "e" + std::to_string((x >> 8) % (n / 2)) + "@x.com"}); break;
        case 1: r.idents.push_back({"phone", "+" + std::to_string((x >> 8) % (n / 2))}); break;
        case 2: r.idents.push_back({"customer_id", "C" + std::to_string((x >> 8) % (n / 3))}); break;
        default: r.idents.push_back({"email", "junk@x.com"});
      }
    }
    std::sort(r.idents.begin(), r.idents.end());
    r.idents.erase(std::unique(r.idents.begin(), r.idents.end()), r.idents.end());
    recs.push_back(std::move(r));
  }
  return recs;
}

TEST(Resolver, SameResultForAnyThreadCountAndInputOrder) {
  for (uint64_t seed : {1, 2, 3}) {
    auto recs = RandomRecords(seed, 3000);
    Resolution res;
    auto expected = ResolveKeys(recs, &res);
    EXPECT_GT(res.stats.conflict_components, 0u) << "the test should exercise merge protection";
    EXPECT_LT(expected.size(), recs.size() * 3 / 4) << "the test should exercise merges";
    for (int threads : {1, 2, 3}) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
      auto shuffled = recs;
      std::mt19937_64 rng(seed * 10 + threads);
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      EXPECT_EQ(ResolveKeys(shuffled), expected) << "seed " << seed << " threads " << threads;
    }
  }
}

}  // namespace
}  // namespace idg

namespace idg {
namespace {

// Two clusters of four records (linked by phone) and one fuzzy link between them.
TEST(Resolver, StrictClusteringNeedsMoreEvidenceToJoinLargeClusters) {
  Config config = testing::TestConfig();
  Interner interner;
  std::vector<testing::TestRecord> recs;
  for (int i = 0; i < 8; ++i) {
    std::string key = "r";
    key += std::to_string(i);
    recs.push_back({key, {{"phone", i < 4 ? "+1" : "+2"}}});
  }
  auto built = testing::Build(config, interner, recs);
  const int64_t base = 10 * kWeightOne;
  auto clusters = [&](int64_t score, bool strict) {
    const std::vector<FuzzyLink> link = {{3, 4, score}};
    Resolution r = Resolve(config, built.store, interner, built.junk, link, {strict, base});
    std::set<RecordId> roots(r.component.begin(), r.component.end());
    return std::make_pair(roots.size(), r.stats.refused_strict);
  };
  // Connected components: any link above the threshold joins them.
  EXPECT_EQ(clusters(base + kWeightOne, false).first, 1u);
  // Strict: 4 x 4 pairs need log2(16) = 4 more bits than one pair would.
  EXPECT_EQ(clusters(base + 3 * kWeightOne, true), std::make_pair(size_t{2}, uint64_t{1}));
  EXPECT_EQ(clusters(base + 5 * kWeightOne, true), std::make_pair(size_t{1}, uint64_t{0}));
}

}  // namespace
}  // namespace idg
