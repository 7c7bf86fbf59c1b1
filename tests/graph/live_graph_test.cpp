#include "graph/live_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "base/error.h"
#include "graph/matcher.h"
#include "live_records.h"

namespace idg {
namespace {

using testing::BulkPartition;
using testing::Diff;
using testing::IngestAll;
using testing::KnownIdentifiers;
using testing::LiveConfig;
using testing::LiveModel;
using testing::LivePartition;
using testing::Partition;
using testing::RandomRecords;
using testing::TestRecord;
using testing::ToIncoming;

class LiveGraphVsBulk : public ::testing::TestWithParam<bool> {};

TEST_P(LiveGraphVsBulk, IncrementalIngestGivesTheBulkClusters) {
  const Config config = LiveConfig(GetParam());
  const FellegiSunterModel model = LiveModel(config);
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const std::vector<TestRecord> recs = RandomRecords(120, seed);
    LiveGraph g(config, model);
    IngestAll(g, recs, seed);
    const Partition live = LivePartition(g, recs);
    const Partition bulk = BulkPartition(config, model, recs);
    EXPECT_TRUE(live == bulk) << "seed " << seed << "\n" << Diff(live, bulk);
    EXPECT_LT(live.size(), recs.size());  // something linked
    EXPECT_EQ(g.Stats().records, recs.size());
    EXPECT_EQ(g.Stats().profiles, live.size());
  }
}

TEST_P(LiveGraphVsBulk, ErasureLeavesTheClustersOfTheRest) {
  const Config config = LiveConfig(GetParam());
  const FellegiSunterModel model = LiveModel(config);
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const std::vector<TestRecord> recs = RandomRecords(120, seed);
    LiveGraph g(config, model);
    IngestAll(g, recs, seed);
    std::set<std::string> erased;
    for (size_t i = seed % 9; i < recs.size(); i += 9) {
      const auto& source = config.sources[recs[i].source].name;
      const ProfileViewPtr v = g.Profile(g.ProfileOfRecord(source, recs[i].key));
      if (!v) continue;  // erased with an earlier one
      for (const ProfileRecord& r : v->records) erased.insert(std::string(r.id));
      const EraseResult res = g.EraseProfile(v->id);
      EXPECT_EQ(res.records, v->records.size());
      EXPECT_EQ(g.Profile(v->id), nullptr);
    }
    std::vector<TestRecord> rest;
    for (const TestRecord& t : recs) {
      if (!erased.count(t.key)) rest.push_back(t);
    }
    ASSERT_LT(rest.size(), recs.size());
    const Partition live = LivePartition(g, rest), bulk = BulkPartition(config, model, rest);
    EXPECT_TRUE(live == bulk) << "seed " << seed << "\n" << Diff(live, bulk);
    for (const TestRecord& t : recs) {
      if (erased.count(t.key)) {
        EXPECT_EQ(g.ProfileOfRecord(config.sources[t.source].name, t.key), kNoProfile);
      }
    }
    EXPECT_EQ(g.Stats().records, rest.size());
    EXPECT_EQ(g.Stats().profiles, live.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Clustering, LiveGraphVsBulk, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Strict" : "Connected"; });

TEST(LiveGraph, LookupNormalizesAndMergesReportTheSurvivor) {
  const Config config = testing::TestConfig();
  LiveGraph g(config, std::nullopt);
  const IngestResult a = g.Ingest(std::vector<IncomingRecord>{
      {"crm", "1", 10, {{"email", "ann@x.com"}}, {{"first_name", "Ann"}}},
      {"crm", "2", 20, {{"email", "ann@x.com"}, {"phone", "+1 415 555 0101"}}, {}}});
  ASSERT_EQ(a.profiles.size(), 2u);
  EXPECT_EQ(a.profiles[0], a.profiles[1]);
  const IngestResult b = g.Ingest(std::vector<IncomingRecord>{
      {"web", "w", 30, {{"phone", "+14155550199"}}, {}}});
  ASSERT_NE(b.profiles[0], a.profiles[0]);
  // A record holding both joins the two; the larger profile keeps its id.
  const IngestResult c = g.Ingest(std::vector<IncomingRecord>{
      {"web", "x", 40, {{"phone", "+14155550101"}, {"phone", "+14155550199"}}, {}}});
  EXPECT_EQ(c.profiles[0], a.profiles[0]);
  ASSERT_EQ(c.merges.size(), 1u);
  EXPECT_EQ(c.merges[0].survivor, a.profiles[0]);
  EXPECT_EQ(c.merges[0].absorbed, std::vector<ProfileId>{b.profiles[0]});
  // The absorbed id still leads to the survivor.
  ASSERT_NE(g.Profile(b.profiles[0]), nullptr);
  EXPECT_EQ(g.Profile(b.profiles[0])->id, a.profiles[0]);

  const LookupResult l = g.Lookup("email", "  ANN@X.com ");
  EXPECT_EQ(l.normalized, "ann@x.com");
  ASSERT_EQ(l.profiles.size(), 1u);
  const ProfileView& v = *l.profiles[0];
  EXPECT_EQ(v.records.size(), 4u);
  EXPECT_EQ(v.edges.size(), 3u);
  ASSERT_FALSE(v.golden.empty());
  EXPECT_EQ(v.golden[0].name, "first_name");
  EXPECT_EQ(v.golden[0].value, "ann");
  ASSERT_GE(v.history.size(), 2u);
  EXPECT_EQ(v.history.back().type, ProfileEvent::Type::kMerged);
  EXPECT_TRUE(g.Lookup("email", "nobody@x.com").profiles.empty());
  EXPECT_TRUE(g.Lookup("phone", "not a phone").profiles.empty());
  EXPECT_THROW(g.Lookup("fax", "1"), Error);
}

TEST(LiveGraph, BadRecordsAreReportedAndTheRestTaken) {
  LiveGraph g(testing::TestConfig(), std::nullopt);
  const IngestResult r = g.Ingest(std::vector<IncomingRecord>{
      {"nosuch", "1", 0, {}, {}},
      {"crm", " ", 0, {}, {}},
      {"crm", "3", 0, {{"fax", "1"}}, {}},
      {"crm", "4", 0, {{"email", "not-an-email"}, {"phone", "+14155550101"}}, {}}});
  ASSERT_EQ(r.issues.size(), 4u);
  EXPECT_EQ(r.issues[0].field, "source");
  EXPECT_EQ(r.issues[1].field, "id");
  EXPECT_EQ(r.issues[2].field, "fax");
  EXPECT_TRUE(r.issues[2].rejected);
  EXPECT_EQ(r.issues[3].field, "email");
  EXPECT_FALSE(r.issues[3].rejected);  // the value is dropped, the record taken
  EXPECT_EQ(r.profiles[0], kNoProfile);
  EXPECT_NE(r.profiles[3], kNoProfile);
  EXPECT_EQ(g.Stats().records, 1u);
}

TEST(LiveGraph, ExplainFollowsTheEdgesAndErasureLeavesNoTrace) {
  const Config config = LiveConfig(false);
  LiveGraph g(config, LiveModel(config));
  g.Ingest(std::vector<IncomingRecord>{
      {"crm", "a", 1, {{"email", "ann@x.com"}}, {{"first_name", "anna"}, {"city", "rome"}, {"dob", "1970-01-02"}}},
      {"crm", "b", 2, {{"email", "ann@x.com"}, {"phone", "+14155550101"}}, {}},
      {"web", "c", 3, {{"phone", "+14155550101"}}, {}},
      {"web", "d", 4, {}, {{"first_name", "anna"}, {"city", "rome"}, {"dob", "1970-01-02"}}}});
  const auto e = g.Explain("crm", "a", "web", "c");
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(e->edges.size(), 2u);
  EXPECT_EQ(e->profile->edges[e->edges[0]].value, "ann@x.com");
  EXPECT_EQ(e->profile->edges[e->edges[1]].value, "+14155550101");
  const auto fuzzy = g.Explain("crm", "a", "web", "d");
  ASSERT_TRUE(fuzzy.has_value());
  ASSERT_EQ(fuzzy->edges.size(), 1u);
  const ProfileEdge& edge = fuzzy->profile->edges[fuzzy->edges[0]];
  EXPECT_TRUE(edge.fuzzy);
  EXPECT_GT(edge.probability, 0.5);
  ASSERT_EQ(edge.evidence.size(), 3u);
  EXPECT_EQ(edge.evidence[0].level, "exact");

  const ProfileViewPtr before = e->profile;
  const EraseResult r = g.EraseIdentifier("phone", "+1 (415) 555-0101");
  EXPECT_EQ(r.profiles, std::vector<ProfileId>{before->id});
  EXPECT_EQ(r.records, 4u);
  EXPECT_EQ(r.identifiers, 2u);
  EXPECT_TRUE(before->erased.load());
  EXPECT_TRUE(g.Lookup("email", "ann@x.com").profiles.empty());
  EXPECT_TRUE(g.Lookup("phone", "+14155550101").profiles.empty());
  EXPECT_FALSE(g.Explain("crm", "a", "web", "c").has_value());
  EXPECT_EQ(g.Profile(before->id), nullptr);
  EXPECT_EQ(g.Stats().records, 0u);
  // The same values may come back later as a new person.
  const IngestResult again = g.Ingest(std::vector<IncomingRecord>{{"crm", "z", 5, {{"email", "ann@x.com"}}, {}}});
  EXPECT_EQ(g.Lookup("email", "ann@x.com").profiles.size(), 1u);
  EXPECT_NE(again.profiles[0], before->id);
}

TEST(LiveGraph, ReadersDuringIngestAlwaysFindWhatWasThere) {
  const Config config = LiveConfig(false);
  LiveGraph g(config, LiveModel(config));
  const std::vector<TestRecord> recs = RandomRecords(400, 11);
  const size_t half = recs.size() / 2;
  std::vector<IncomingRecord> first;
  for (size_t i = 0; i < half; ++i) first.push_back(ToIncoming(config, recs[i]));
  g.Ingest(first);
  const std::vector<std::pair<std::string, std::string>> known = KnownIdentifiers(recs, half);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> lookups{0}, missing{0}, torn{0};
  auto reader = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (!done.load()) {
      const auto& [kind, value] = known[rng() % known.size()];
      const LookupResult l = g.Lookup(kind, value);
      missing += l.profiles.empty();
      for (const ProfileViewPtr& v : l.profiles) {
        bool holds = false;
        for (const ProfileField& f : v->identifiers) holds |= f.name == kind && f.value == value;
        torn += !holds || v->edges.size() + 1 < v->records.size();
      }
      ++lookups;
    }
  };
  std::thread r1(reader, 1), r2(reader, 2);
  // The readers run before and while the writer ingests, on a busy machine too (a thread may
  // start late: 200 records ingest in a few milliseconds).
  while (lookups.load() < 2) std::this_thread::yield();
  for (size_t i = half; i < recs.size(); i += 3) {
    std::vector<IncomingRecord> batch;
    for (size_t j = i; j < std::min(i + 3, recs.size()); ++j) batch.push_back(ToIncoming(config, recs[j]));
    g.Ingest(batch);
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(missing.load(), 0u);
  EXPECT_EQ(torn.load(), 0u);
}

}  // namespace
}  // namespace idg
