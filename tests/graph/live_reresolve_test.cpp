// LiveGraph::Reresolve: with nothing changed it changes nothing; from a model that links
// nothing, retraining reaches the clusters of a bulk resolve with EM training, profiles whose
// records stay together keep their ids; erased records stay erased; readers and writers
// meanwhile see whole profiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/error.h"
#include "graph/live_graph.h"
#include "graph/matcher.h"
#include "live_records.h"

namespace idg {
namespace {

using testing::BulkModel;
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

ReresolveOptions Retrain() {
  ReresolveOptions options;
  options.retrain = true;
  return options;
}

const std::string& SourceOf(const LiveGraph& g, const TestRecord& t) {
  return g.config().sources[t.source].name;
}

// Per record, the view of its profile.
std::map<std::string, ProfileViewPtr> ViewsByRecord(const LiveGraph& g,
                                                    const std::vector<TestRecord>& recs) {
  std::map<std::string, ProfileViewPtr> out;
  for (const TestRecord& t : recs) out[t.key] = g.Profile(g.ProfileOfRecord(SourceOf(g, t), t.key));
  return out;
}

// Per profile, its records and its id.
std::map<std::set<std::string>, ProfileId> IdsByMembers(const LiveGraph& g,
                                                        const std::vector<TestRecord>& recs) {
  std::map<ProfileId, std::set<std::string>> groups;
  for (const TestRecord& t : recs) groups[g.ProfileOfRecord(SourceOf(g, t), t.key)].insert(t.key);
  std::map<std::set<std::string>, ProfileId> out;
  for (const auto& [id, keys] : groups) out[keys] = id;
  return out;
}

// LiveConfig with a lower threshold. The few look-alike people of RandomRecords (7 names, 3
// cities) make EM train a cautious model: agreeing on all three attributes weighs about 9 bits,
// short of what a match probability of 0.5 takes under its prior, so at 0.5 nothing links.
// Fewer random pairs for u keep training quick under the thread sanitizer.
Config RetrainConfig(bool strict) {
  Config c = LiveConfig(strict);
  c.matching.threshold = 0.2;
  c.matching.random_pairs = 20000;
  return c;
}

// A model under which no pair links by its attributes: every level weighs nothing.
FellegiSunterModel NothingLinks(const Config& c) {
  FellegiSunterModel m = UntrainedModel(c);
  for (ComparisonModel& cm : m.comparisons) cm.m = cm.u;
  return m;
}

// Erases the profile of every `every`-th record; returns the records left.
std::vector<TestRecord> EraseSome(LiveGraph& g, const std::vector<TestRecord>& recs, size_t every,
                                  size_t first) {
  std::set<std::string> erased;
  for (size_t i = first; i < recs.size(); i += every) {
    const ProfileViewPtr v = g.Profile(g.ProfileOfRecord(SourceOf(g, recs[i]), recs[i].key));
    if (!v) continue;  // erased with an earlier one
    for (const ProfileRecord& r : v->records) erased.insert(std::string(r.id));
    g.EraseProfile(v->id);
  }
  std::vector<TestRecord> rest;
  for (const TestRecord& t : recs) {
    if (!erased.count(t.key)) rest.push_back(t);
  }
  return rest;
}

uint64_t ProfilesOfAtLeast(const Partition& p, size_t records) {
  return std::count_if(p.begin(), p.end(), [&](const auto& c) { return c.size() >= records; });
}

class ReresolveVsBulk : public ::testing::TestWithParam<bool> {};

TEST_P(ReresolveVsBulk, NothingChangedChangesNothing) {
  const Config config = LiveConfig(GetParam());
  const FellegiSunterModel model = LiveModel(config);
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<TestRecord> recs = RandomRecords(120, seed);
    LiveGraph g(config, model);
    IngestAll(g, recs, seed);
    // Erasures remove links and bring blocks back under their cap.
    const std::vector<TestRecord> rest = EraseSome(g, recs, 11, seed % 11);
    const std::map<std::string, ProfileViewPtr> views = ViewsByRecord(g, rest);
    const GraphStats stats = g.Stats();
    ASSERT_GT(stats.fuzzy_links, 0u);
    const ReresolveReport r = g.Reresolve();
    EXPECT_EQ(r.records, rest.size());
    EXPECT_EQ(r.profiles_before, stats.profiles);
    EXPECT_EQ(r.profiles_after, stats.profiles);
    EXPECT_EQ(r.fuzzy_links_before, stats.fuzzy_links);
    EXPECT_EQ(r.fuzzy_links_after, stats.fuzzy_links);
    EXPECT_TRUE(r.merges.empty()) << "seed " << seed;
    EXPECT_TRUE(r.splits.empty()) << "seed " << seed;
    EXPECT_FALSE(r.retrained);
    EXPECT_EQ(r.em_iterations, 0);
    // Not one profile was published again: each record's view is the very same object.
    for (const auto& [key, view] : ViewsByRecord(g, rest)) {
      EXPECT_EQ(view, views.at(key)) << "seed " << seed << " " << key;
    }
    EXPECT_EQ(g.Stats().fuzzy_links, stats.fuzzy_links);
  }
}

TEST_P(ReresolveVsBulk, RetrainingGivesTheBulkClustersAndKeepsIds) {
  const Config config = RetrainConfig(GetParam());
  int linked = 0;  // seeds whose trained model links records
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const std::vector<TestRecord> recs = RandomRecords(120, seed);
    LiveGraph g(config, NothingLinks(config));
    IngestAll(g, recs, seed);
    ASSERT_EQ(g.Stats().fuzzy_links, 0u);
    const std::map<std::set<std::string>, ProfileId> before = IdsByMembers(g, recs);
    const ReresolveReport r = g.Reresolve(Retrain());

    const Partition live = LivePartition(g, recs);
    const Partition bulk = BulkPartition(config, BulkModel(config, recs), recs);
    EXPECT_TRUE(live == bulk) << "seed " << seed << "\n" << Diff(live, bulk);
    EXPECT_TRUE(r.retrained);
    EXPECT_GT(r.em_iterations, 0);
    EXPECT_EQ(r.records, recs.size());
    EXPECT_EQ(r.fuzzy_links_before, 0u);
    EXPECT_EQ(r.profiles_before, before.size());
    EXPECT_EQ(r.profiles_after, live.size());
    if (r.fuzzy_links_after > 0 && r.profiles_after < r.profiles_before) ++linked;

    // A profile whose records stayed together kept its id; every absorbed id leads to its
    // survivor. More links only join profiles here: nothing splits.
    size_t kept = 0;
    for (const auto& [members, id] : IdsByMembers(g, recs)) {
      const auto was = before.find(members);
      if (was == before.end()) continue;
      EXPECT_EQ(id, was->second) << "seed " << seed;
      ++kept;
    }
    EXPECT_EQ(kept + r.merges.size(), live.size()) << "seed " << seed;
    EXPECT_TRUE(r.splits.empty());
    for (const ProfileMerge& m : r.merges) {
      for (ProfileId a : m.absorbed) {
        const ProfileViewPtr v = g.Profile(a);
        ASSERT_NE(v, nullptr);
        EXPECT_EQ(v->id, m.survivor);
      }
    }
    // Stats and segments follow, as after any write.
    EXPECT_EQ(g.Stats().profiles, live.size());
    EXPECT_EQ(g.Stats().fuzzy_links, r.fuzzy_links_after);
    EXPECT_EQ(g.SegmentCount(g.ParseSegment("records >= 2")), ProfilesOfAtLeast(live, 2));

    // Trained again on the same records, the model is the same: nothing changes.
    const ReresolveReport again = g.Reresolve(Retrain());
    EXPECT_TRUE(again.merges.empty() && again.splits.empty());
    EXPECT_EQ(again.fuzzy_links_after, r.fuzzy_links_after);
  }
  EXPECT_GE(linked, 6);
}

// Whether every fuzzy edge of `view` is weighed by `model`: each level's weight, their sum,
// and the probability of that sum.
bool EdgesSpeakFor(const FellegiSunterModel& model, const ProfileView& view) {
  for (const ProfileEdge& e : view.edges) {
    if (!e.fuzzy) continue;
    if (e.evidence.size() != model.comparisons.size()) return false;
    int64_t sum = 0;
    for (size_t k = 0; k < e.evidence.size(); ++k) {
      const std::vector<std::string>& levels = model.comparisons[k].levels;
      const auto at = std::find(levels.begin(), levels.end(), e.evidence[k].level);
      const uint8_t level =
          at == levels.end() ? kNullLevel : static_cast<uint8_t>(at - levels.begin());
      if (e.evidence[k].weight != model.Weight(k, level)) return false;
      sum += e.evidence[k].weight;
    }
    if (sum != e.score || e.probability != model.MatchProbability(e.score)) return false;
  }
  return true;
}

// The other way: a hand-made model links freely, the one EM trains far less. Profiles held
// together by fuzzy links split (and strict clusters regroup), the changes are reported,
// profiles whose records stay together keep their ids, and every view, changed or not, shows
// the new model's weights.
TEST_P(ReresolveVsBulk, RetrainingThatDropsLinksSplitsAndKeepsIds) {
  const Config config = RetrainConfig(GetParam());
  size_t splits = 0, fuzzy_views = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const std::vector<TestRecord> recs = RandomRecords(120, seed);
    LiveGraph g(config, LiveModel(config));
    IngestAll(g, recs, seed);
    const std::map<std::set<std::string>, ProfileId> before = IdsByMembers(g, recs);
    const ReresolveReport r = g.Reresolve(Retrain());

    const FellegiSunterModel trained = BulkModel(config, recs);
    const Partition live = LivePartition(g, recs), bulk = BulkPartition(config, trained, recs);
    EXPECT_TRUE(live == bulk) << "seed " << seed << "\n" << Diff(live, bulk);
    EXPECT_GT(r.fuzzy_links_before, r.fuzzy_links_after);
    std::map<ProfileId, std::set<std::string>> was_members;
    for (const auto& [members, id] : before) was_members[id] = members;
    for (const auto& [members, id] : IdsByMembers(g, recs)) {
      const auto was = before.find(members);
      if (was != before.end()) {
        EXPECT_EQ(id, was->second) << "seed " << seed;
      }
    }
    // Each part of a split, and each survivor of a merge, holds records of the old profile.
    auto holds_some_of = [&](ProfileId now, ProfileId old) {
      const ProfileViewPtr v = g.Profile(now);
      size_t shared = 0;
      for (const ProfileRecord& pr : v->records) {
        shared += was_members[old].count(std::string(pr.id));
      }
      return v->id == now && shared > 0;
    };
    for (const ProfileSplit& s : r.splits) {
      for (ProfileId p : s.parts) EXPECT_TRUE(holds_some_of(p, s.from)) << "seed " << seed;
    }
    for (const ProfileMerge& m : r.merges) {
      for (ProfileId a : m.absorbed) EXPECT_TRUE(holds_some_of(m.survivor, a)) << "seed " << seed;
    }
    splits += r.splits.size();
    for (const auto& [key, view] : ViewsByRecord(g, recs)) {
      EXPECT_TRUE(EdgesSpeakFor(trained, *view)) << "seed " << seed << " " << key;
      fuzzy_views += std::any_of(view->edges.begin(), view->edges.end(),
                                 [](const ProfileEdge& e) { return e.fuzzy; });
    }
  }
  EXPECT_GT(splits, 0u);
  EXPECT_GT(fuzzy_views, 0u);
}

INSTANTIATE_TEST_SUITE_P(Clustering, ReresolveVsBulk, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Strict" : "Connected"; });

TEST(Reresolve, ErasedRecordsStayErased) {
  const Config config = RetrainConfig(false);
  const std::vector<TestRecord> recs = RandomRecords(150, 7);
  LiveGraph g(config, NothingLinks(config));
  IngestAll(g, recs, 7);
  const std::vector<TestRecord> rest = EraseSome(g, recs, 7, 3);
  ASSERT_LT(rest.size(), recs.size());
  std::set<std::string> kept_keys;
  std::set<std::pair<std::string, std::string>> kept_values;
  for (const TestRecord& t : rest) {
    kept_keys.insert(t.key);
    kept_values.insert(t.idents.begin(), t.idents.end());
  }
  const ReresolveReport r = g.Reresolve(Retrain());
  EXPECT_EQ(r.records, rest.size());
  for (const TestRecord& t : recs) {
    if (kept_keys.count(t.key)) continue;
    EXPECT_EQ(g.ProfileOfRecord(SourceOf(g, t), t.key), kNoProfile) << t.key;
    for (const auto& [kind, value] : t.idents) {
      if (kept_values.count({kind, value})) continue;
      EXPECT_TRUE(g.Lookup(kind, value).profiles.empty()) << kind << " " << value;
    }
  }
  const GraphStats stats = g.Stats();
  EXPECT_EQ(stats.records, rest.size());
  EXPECT_EQ(stats.erased_records, recs.size() - rest.size());
  const Partition live = LivePartition(g, rest);
  const Partition bulk = BulkPartition(config, BulkModel(config, rest), rest);
  EXPECT_TRUE(live == bulk) << Diff(live, bulk);
  EXPECT_EQ(stats.profiles, live.size());
}

// A graph started with no model gets one, and ingest matches with it from then on.
TEST(Reresolve, RetrainingGivesAGraphWithoutAModelOne) {
  const Config config = RetrainConfig(true);
  const std::vector<TestRecord> recs = RandomRecords(160, 5);
  const std::vector<TestRecord> first(recs.begin(), recs.begin() + recs.size() / 2);
  LiveGraph g(config, std::nullopt);
  IngestAll(g, first, 5);
  ASSERT_EQ(g.Stats().fuzzy_links, 0u);
  const ReresolveReport r = g.Reresolve(Retrain());
  EXPECT_GT(r.fuzzy_links_after, 0u);
  const FellegiSunterModel model = BulkModel(config, first);
  EXPECT_TRUE(LivePartition(g, first) == BulkPartition(config, model, first));
  IngestAll(g, std::vector<TestRecord>(recs.begin() + first.size(), recs.end()), 6);
  const Partition live = LivePartition(g, recs), bulk = BulkPartition(config, model, recs);
  EXPECT_TRUE(live == bulk) << Diff(live, bulk);
  // Fuzzy edges explain themselves with the new model.
  bool fuzzy = false;
  for (const auto& [key, view] : ViewsByRecord(g, recs)) {
    for (const ProfileEdge& e : view->edges) {
      if (!e.fuzzy) continue;
      fuzzy = true;
      EXPECT_GT(e.probability, 0.0);
      ASSERT_EQ(e.evidence.size(), config.matching.comparisons.size());
    }
  }
  EXPECT_TRUE(fuzzy);
}

TEST(Reresolve, RetrainingNeedsMatchingAndRecordsAndChangesNothingWhenRefused) {
  LiveGraph plain(testing::TestConfig(), std::nullopt);
  plain.Ingest(std::vector<IncomingRecord>{{"crm", "1", 1, {{"email", "a@x.com"}}, {}},
                                           {"crm", "2", 2, {{"email", "a@x.com"}}, {}}});
  EXPECT_THROW(plain.Reresolve(Retrain()), Error);
  const ReresolveReport r = plain.Reresolve();
  EXPECT_EQ(r.records, 2u);
  EXPECT_EQ(r.profiles_before, 1u);
  EXPECT_EQ(r.profiles_after, 1u);

  const Config config = LiveConfig(false);
  LiveGraph one(config, LiveModel(config));
  const std::vector<std::pair<std::string, std::string>> anna = {
      {"first_name", "anna"}, {"city", "rome"}, {"dob", "1970-01-02"}};
  one.Ingest(std::vector<IncomingRecord>{{"crm", "1", 1, {}, anna}});
  EXPECT_THROW(one.Reresolve(Retrain()), Error);
  // The lock was let go, and the model kept.
  const IngestResult in = one.Ingest(std::vector<IncomingRecord>{{"web", "2", 2, {}, anna}});
  EXPECT_EQ(in.fuzzy_links, 1u);
  EXPECT_EQ(in.profiles[0], one.ProfileOfRecord("crm", "1"));
}

TEST(Reresolve, ReportsProgressStageByStage) {
  const Config config = LiveConfig(false);
  LiveGraph g(config, LiveModel(config));
  IngestAll(g, RandomRecords(100, 3), 3);
  std::vector<std::string> stages;
  std::map<std::string, std::pair<uint64_t, uint64_t>> last;  // stage -> (done, total)
  ReresolveOptions options;
  options.retrain = true;
  options.progress = [&](const char* stage, uint64_t done, uint64_t total) {
    if (stages.empty() || stages.back() != stage) stages.push_back(stage);
    EXPECT_LE(done, total);
    last[stage] = {done, total};
  };
  g.Reresolve(options);
  EXPECT_EQ(stages, (std::vector<std::string>{"train", "score", "resolve"}));
  for (const auto& [stage, dt] : last) EXPECT_EQ(dt.first, dt.second) << stage;
  EXPECT_GT(last["resolve"].second, 0u);
}

// Readers look records and identifiers up while a re-resolution joins many profiles and a
// writer's batches wait for it: every view they get is whole.
TEST(Reresolve, ReadersAndWritersMeanwhileSeeWholeProfiles) {
  const Config config = RetrainConfig(false);
  const std::vector<TestRecord> recs = RandomRecords(300, 11);
  const size_t known_count = recs.size() * 3 / 4;
  LiveGraph g(config, NothingLinks(config));
  std::vector<IncomingRecord> first;
  for (size_t i = 0; i < known_count; ++i) first.push_back(ToIncoming(config, recs[i]));
  g.Ingest(first);
  const std::vector<std::pair<std::string, std::string>> idents = KnownIdentifiers(recs, known_count);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> reads{0}, missing{0}, torn{0};
  auto whole = [](const ProfileView& v) {
    bool ok = v.edges.size() + 1 == v.records.size();
    for (const ProfileEdge& e : v.edges) {
      ok = ok && e.a < v.records.size() && e.b < v.records.size();
    }
    for (size_t i = 1; i < v.records.size(); ++i) {
      ok = ok && v.records[i - 1].record < v.records[i].record;
    }
    return ok;
  };
  auto reader = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (!done.load()) {
      const auto& [kind, value] = idents[rng() % idents.size()];
      const LookupResult l = g.Lookup(kind, value);
      missing += l.profiles.empty();
      for (const ProfileViewPtr& v : l.profiles) {
        bool holds = false;
        for (const ProfileField& f : v->identifiers) holds |= f.name == kind && f.value == value;
        torn += !holds || !whole(*v);
      }
      const TestRecord& t = recs[rng() % known_count];
      const ProfileViewPtr p = g.Profile(g.ProfileOfRecord(SourceOf(g, t), t.key));
      missing += p == nullptr;
      torn += p != nullptr && !whole(*p);
      ++reads;
    }
  };
  // The writer's batches come once the model is trained (so that it is trained on the same
  // records every run) and wait for the re-resolution to end.
  std::atomic<bool> trained{false};
  ReresolveOptions options = Retrain();
  options.progress = [&](const char* stage, uint64_t, uint64_t) {
    if (std::string_view(stage) != "train") trained = true;
  };
  std::thread r1(reader, 1), r2(reader, 2);
  std::thread writer([&] {
    while (!trained.load()) std::this_thread::yield();
    for (size_t i = known_count; i < recs.size(); i += 3) {
      std::vector<IncomingRecord> batch;
      for (size_t j = i; j < std::min(i + 3, recs.size()); ++j) {
        batch.push_back(ToIncoming(config, recs[j]));
      }
      g.Ingest(batch);
    }
  });
  while (reads.load() == 0) std::this_thread::yield();
  const ReresolveReport r = g.Reresolve(options);
  writer.join();
  while (reads.load() < 100) std::this_thread::yield();  // readers ran, on a busy machine too
  done = true;
  r1.join();
  r2.join();
  EXPECT_FALSE(r.merges.empty());
  EXPECT_EQ(missing.load(), 0u);
  EXPECT_EQ(torn.load(), 0u);
  EXPECT_EQ(g.Stats().records, recs.size());
  // Ingest after the model changed kept the graph consistent: once more changes nothing.
  const ReresolveReport again = g.Reresolve();
  EXPECT_TRUE(again.merges.empty() && again.splits.empty());
  EXPECT_EQ(again.fuzzy_links_before, again.fuzzy_links_after);
}

}  // namespace
}  // namespace idg
