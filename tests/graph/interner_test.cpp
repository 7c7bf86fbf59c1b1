#include "graph/interner.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "graph/edge_gen.h"

namespace idg {
namespace {

std::string Name(const char* prefix, uint64_t i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

TEST(Interner, SameKeySameIdAndCounts) {
  Interner in;
  const IdentifierId a = in.Intern(0, "a@x.com");
  const IdentifierId b = in.Intern(1, "a@x.com");  // another kind: another identifier
  EXPECT_NE(a, b);
  EXPECT_EQ(in.Intern(0, "a@x.com"), a);
  EXPECT_EQ(in.count(a), 2u);
  EXPECT_EQ(in.Intern(0, "a@x.com", /*count=*/false), a);
  EXPECT_EQ(in.count(a), 2u);
  EXPECT_EQ(in.kind(b), 1u);
  EXPECT_EQ(in.value(b), "a@x.com");
  EXPECT_EQ(in.Find(0, "a@x.com"), std::optional<IdentifierId>(a));
  EXPECT_FALSE(in.Find(2, "a@x.com").has_value());
  EXPECT_EQ(in.size(), 2u);
  const IdentifierId empty = in.Intern(0, "");
  EXPECT_EQ(in.value(empty), "");
  EXPECT_THROW(in.Intern(0, std::string(Interner::kMaxValueBytes + 1, 'x')), Error);
}

TEST(Interner, GrowsAndKeepsEveryValue) {
  Interner in;
  const int n = 200000;
  for (int i = 0; i < n; ++i) ASSERT_EQ(in.Intern(0, Name("v", i)), IdentifierId(i));
  for (int i = 0; i < n; i += 997) {
    EXPECT_EQ(in.value(i), Name("v", i));
    EXPECT_EQ(in.Find(0, Name("v", i)), std::optional<IdentifierId>(i));
  }
}

// Batches from several threads at once agree with each other: one id per distinct key, dense,
// and counts equal to the number of occurrences.
TEST(Interner, ConcurrentBatchesAgree) {
  const int kThreads = 4, kKeys = 50000, kDistinct = 20000;
  std::vector<std::vector<std::string>> values(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    uint64_t s = t + 1;
    for (int i = 0; i < kKeys; ++i) values[t].push_back(Name("k", SplitMix64(s) % kDistinct));
  }
  Interner in;
  std::vector<std::vector<IdentifierId>> ids(kThreads, std::vector<IdentifierId>(kKeys));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<Interner::Key> keys;
      for (const auto& v : values[t]) keys.push_back({static_cast<KindId>(v.size() % 2), v});
      in.InternBatch(keys, ids[t]);
    });
  }
  for (auto& th : threads) th.join();
  std::vector<uint32_t> expected_count(in.size(), 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kKeys; ++i) {
      const IdentifierId id = ids[t][i];
      ASSERT_LT(id, in.size());
      ASSERT_EQ(in.value(id), values[t][i]);
      ASSERT_EQ(in.kind(id), values[t][i].size() % 2);
      ++expected_count[id];
    }
  }
  for (IdentifierId id = 0; id < in.size(); ++id) {
    ASSERT_GT(expected_count[id], 0u) << "ids must be dense";
    ASSERT_EQ(in.count(id), expected_count[id]);
  }
}

}  // namespace
}  // namespace idg
