#include "graph/profiles.h"

#include <gtest/gtest.h>

#include "graph/golden.h"
#include "test_records.h"

namespace idg {
namespace {

std::vector<ProfileId> Ids(const Profiles& p, size_t n) {
  std::vector<ProfileId> out(n);
  for (RecordId r = 0; r < n; ++r) out[r] = p.profile_of(r);
  return out;
}

TEST(Profiles, FreshIdsFollowSmallestRecord) {
  // Components {0,2}, {1}, {3,4}.
  std::vector<RecordId> comp = {0, 1, 0, 3, 3};
  Profiles p = Profiles::Build(comp, {});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(Ids(p, 5), (std::vector<ProfileId>{1, 2, 1, 3, 3}));
  EXPECT_EQ(std::vector<RecordId>(p.members(0).begin(), p.members(0).end()),
            (std::vector<RecordId>{0, 2}));
  EXPECT_EQ(p.next_free(), 4u);
  EXPECT_EQ(p.find(3), std::optional<uint32_t>(2));
  EXPECT_FALSE(p.find(9).has_value());
  EXPECT_EQ(p.Largest(1), (std::vector<uint32_t>{0}));  // sizes 2,1,2: tie -> smaller id
  EXPECT_EQ(p.SizeHistogram(3), (std::vector<uint64_t>{0, 1, 2}));
}

TEST(Profiles, SameComponentsKeepTheirIds) {
  std::vector<RecordId> comp = {0, 1, 0, 3, 3};
  std::vector<ProfileId> previous = {40, 7, 40, 12, 12};
  Profiles p = Profiles::Build(comp, previous);
  EXPECT_EQ(Ids(p, 5), previous);
  EXPECT_TRUE(p.merges().empty());
  EXPECT_TRUE(p.splits().empty());
  EXPECT_EQ(p.next_free(), 41u);
}

TEST(Profiles, GrownDataKeepsIdsAndNumbersNewOnesAfter) {
  // Records 5 and 6 are new: 5 joins profile 12, 6 is a new person.
  std::vector<RecordId> comp = {0, 1, 0, 3, 3, 3, 6};
  std::vector<ProfileId> previous = {40, 7, 40, 12, 12, kNoProfile, kNoProfile};
  Profiles p = Profiles::Build(comp, previous);
  EXPECT_EQ(Ids(p, 7), (std::vector<ProfileId>{40, 7, 40, 12, 12, 12, 41}));
}

TEST(Profiles, MergeKeepsTheLargerOverlapAndReportsTheAbsorbed) {
  std::vector<RecordId> comp = {0, 0, 0, 0};
  std::vector<ProfileId> previous = {5, 9, 9, 5};  // tie 2-2: the smaller id survives
  Profiles p = Profiles::Build(comp, previous);
  EXPECT_EQ(p.profile_of(0), 5u);
  ASSERT_EQ(p.merges().size(), 1u);
  EXPECT_EQ(p.merges()[0].survivor, 5u);
  EXPECT_EQ(p.merges()[0].absorbed, (std::vector<ProfileId>{9}));

  previous = {5, 9, 9, 9};
  p = Profiles::Build(comp, previous);
  EXPECT_EQ(p.profile_of(0), 9u);
  EXPECT_EQ(p.merges()[0].absorbed, (std::vector<ProfileId>{5}));
}

TEST(Profiles, SplitKeepsIdForTheLargerPart) {
  std::vector<RecordId> comp = {0, 1, 1, 0, 1};  // {0,3} and {1,2,4}
  std::vector<ProfileId> previous = {3, 3, 3, 3, 3};
  Profiles p = Profiles::Build(comp, previous);
  EXPECT_EQ(p.profile_of(1), 3u);
  EXPECT_EQ(p.profile_of(0), 4u);
  ASSERT_EQ(p.splits().size(), 1u);
  EXPECT_EQ(p.splits()[0].from, 3u);
  EXPECT_EQ(p.splits()[0].parts, (std::vector<ProfileId>{3, 4}));
}

TEST(Golden, EachSurvivorshipRule) {
  Config config = testing::TestConfig();
  Interner interner;
  // first_name: most recent; city: source priority (crm first); dob: most frequent.
  auto built = testing::Build(
      config, interner,
      {{"a", {}, 100, 1, {{"first_name", "jon"}, {"city", "berlin"}, {"dob", "1980-01-02"}}},
       {"b", {}, 300, 1, {{"first_name", "jonathan"}, {"city", "bonn"}, {"dob", "1980-01-02"}}},
       {"c", {}, 200, 0, {{"first_name", "john"}, {"city", "koeln"}, {"dob", "1980-02-01"}}}});
  std::vector<RecordId> members = {0, 1, 2};
  auto golden = GoldenRecord(config, built.store, members);
  ASSERT_EQ(golden.size(), 3u);
  EXPECT_EQ(golden[0].value, "jonathan");
  EXPECT_EQ(golden[0].from, 1u);
  EXPECT_EQ(golden[1].value, "koeln");
  EXPECT_EQ(golden[2].value, "1980-01-02");
  EXPECT_EQ(golden[2].support, 2u);
}

TEST(Golden, TiesFallBackAndNeverDependOnOrder) {
  Config config = testing::TestConfig();
  Interner interner;
  // Same timestamp and source: the smaller value wins whatever the member order.
  auto built = testing::Build(config, interner,
                              {{"a", {}, 5, 0, {{"first_name", "zed"}}},
                               {"b", {}, 5, 0, {{"first_name", "amy"}}},
                               {"c", {}, 1, 0, {}}});
  std::vector<RecordId> fwd = {0, 1, 2}, rev = {2, 1, 0};
  auto g1 = GoldenRecord(config, built.store, fwd);
  auto g2 = GoldenRecord(config, built.store, rev);
  ASSERT_EQ(g1.size(), 1u);
  EXPECT_EQ(g1[0].value, "amy");
  EXPECT_EQ(g2[0].value, "amy");
}

}  // namespace
}  // namespace idg
