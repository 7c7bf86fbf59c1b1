// Live-graph test helpers: a config and model with caps, merge protection and fuzzy links in
// play, seeded random people, ingest in random batches, and partitions of records (live and
// bulk) to compare clusters whatever the profile ids.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "graph/live_graph.h"
#include "graph/matcher.h"
#include "test_records.h"

namespace idg::testing {

// Records as sets of source record ids, one set per profile.
using Partition = std::set<std::set<std::string>>;

// TestConfig with a phone cap, and matching on first name, city and date of birth with small
// blocks, so that caps, merge protection and fuzzy links all come into play.
inline Config LiveConfig(bool strict) {
  Config c = testing::TestConfig();
  c.kinds[1].max_records = 4;
  c.matching.enabled = true;
  c.matching.max_block_size = 6;
  c.matching.strict_clustering = strict;
  c.matching.blocking = {
      {"dob", {{2, KeyTransform::kExact}}},
      {"city & first", {{1, KeyTransform::kExact}, {0, KeyTransform::kPrefix, 2}}}};
  c.matching.comparisons = {{0, CompareMethod::kJaroWinkler, {0.92f, 0.8f}, false},
                            {1, CompareMethod::kExact, {}, false},
                            {2, CompareMethod::kOsa, {1.0f, 2.0f}, false}};
  return c;
}

inline FellegiSunterModel LiveModel(const Config& c) {
  FellegiSunterModel m = UntrainedModel(c);
  m.comparisons[0].m = {0.90, 0.05, 0.03, 0.02};
  m.comparisons[0].u = {0.01, 0.02, 0.07, 0.90};
  m.comparisons[1].m = {0.9, 0.1};
  m.comparisons[1].u = {0.1, 0.9};
  m.comparisons[2].m = {0.85, 0.08, 0.04, 0.03};
  m.comparisons[2].u = {0.001, 0.01, 0.02, 0.969};
  m.prior = 0.01;
  return m;
}

// Seeded people with 1-3 records each, values already normalized. Some share a household
// email or a popular phone (over its cap), some carry a wrong customer id (merge protection),
// names have typos, and cookies (not deterministic) are shared at random.
inline std::vector<TestRecord> RandomRecords(size_t people, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> names = {"anna", "anne", "ben", "benn", "carla", "karla", "dan"};
  const std::vector<std::string> cities = {"berlin", "paris", "rome"};
  std::vector<TestRecord> out;
  for (size_t p = 0; p < people; ++p) {
    const std::string name = names[pick(names.size())];
    const std::string city = cities[pick(cities.size())];
    const std::string dob = "19" + std::to_string(60 + pick(6)) + "-0" +
                            std::to_string(1 + pick(3)) + "-1" + std::to_string(pick(3));
    const size_t n = 1 + pick(3);
    for (size_t i = 0; i < n; ++i) {
      TestRecord r;
      r.key = "p" + std::to_string(p) + "r" + std::to_string(i);
      r.source = static_cast<SourceId>(pick(2));
      r.timestamp = 1000 + static_cast<int64_t>(pick(100));
      if (pick(3) == 0) r.idents.push_back({"email", "u" + std::to_string(p) + "@x.com"});
      if (pick(12) == 0) r.idents.push_back({"email", "home" + std::to_string(p / 4) + "@x.com"});
      if (pick(15) == 0) r.idents.push_back({"email", "junk@x.com"});
      if (pick(4) == 0) r.idents.push_back({"phone", "+1415555" + std::to_string(1000 + p)});
      if (pick(20) == 0) r.idents.push_back({"phone", "+14155550000"});
      if (pick(3) == 0) {
        r.idents.push_back({"customer_id", "c" + std::to_string(pick(10) == 0 ? p + 1 : p)});
      }
      if (pick(6) == 0) r.idents.push_back({"cookie", "k" + std::to_string(pick(people))});
      std::string first = pick(8) == 0 ? names[pick(names.size())] : name;
      r.attrs.push_back({"first_name", first});
      if (pick(5) != 0) r.attrs.push_back({"city", city});
      if (pick(4) != 0) r.attrs.push_back({"dob", dob});
      out.push_back(std::move(r));
    }
  }
  return out;
}

inline IncomingRecord ToIncoming(const Config& c, const TestRecord& t) {
  return {c.sources[t.source].name, t.key, t.timestamp, t.idents, t.attrs};
}

// The clusters of a bulk resolve (MatchRecords, then Resolve) of `recs`, in this order.
inline Partition BulkPartition(const Config& config, const FellegiSunterModel& model,
                               const std::vector<TestRecord>& recs) {
  Interner interner;
  auto built = testing::Build(config, interner, recs);
  const MatchResult m = MatchRecords(config, built.store, model, ScoreDevice::kCpu);
  ClusteringOptions clustering{config.matching.strict_clustering,
                               model.ScoreForProbability(config.matching.threshold)};
  const Resolution res = Resolve(config, built.store, interner, built.junk, m.links, clustering);
  std::map<RecordId, std::set<std::string>> groups;
  for (RecordId r = 0; r < built.store.size(); ++r) {
    groups[res.component[r]].insert(std::string(built.store.source_record_id(r)));
  }
  Partition out;
  for (auto& [root, keys] : groups) out.insert(keys);
  return out;
}

// The model the bulk job trains on `recs`, in this order (graph/matcher.h TrainModel).
inline FellegiSunterModel BulkModel(const Config& config, const std::vector<TestRecord>& recs) {
  Interner interner;
  const Built built = testing::Build(config, interner, recs);
  return TrainModel(config, built.store);
}

inline Partition LivePartition(const LiveGraph& g, const std::vector<TestRecord>& recs) {
  std::map<ProfileId, std::set<std::string>> groups;
  for (const TestRecord& t : recs) {
    const ProfileId p = g.ProfileOfRecord(g.config().sources[t.source].name, t.key);
    EXPECT_NE(p, kNoProfile) << t.key;
    groups[p].insert(t.key);
  }
  Partition out;
  for (auto& [id, keys] : groups) out.insert(keys);
  return out;
}

// The clusters in one partition and not the other, for failure messages.
inline std::string Diff(const Partition& live, const Partition& bulk) {
  std::string out;
  auto add = [&](const char* what, const Partition& a, const Partition& b) {
    for (const auto& c : a) {
      if (b.count(c)) continue;
      out += what;
      for (const auto& k : c) out += " " + k;
      out += "\n";
    }
  };
  add("only live:", live, bulk);
  add("only bulk:", bulk, live);
  return out;
}

// Ingests in batches of random sizes, in order.
inline void IngestAll(LiveGraph& g, const std::vector<TestRecord>& recs, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < recs.size();) {
    const size_t n = std::min<size_t>(1 + rng() % 7, recs.size() - i);
    std::vector<IncomingRecord> batch;
    for (size_t j = i; j < i + n; ++j) batch.push_back(ToIncoming(g.config(), recs[j]));
    const IngestResult res = g.Ingest(batch);
    for (size_t j = 0; j < n; ++j) ASSERT_NE(res.profiles[j], kNoProfile);
    i += n;
  }
}

// The identifiers of the first n records, the junk value left out: values a reader can look
// up while writes run and expect to find.
inline std::vector<std::pair<std::string, std::string>> KnownIdentifiers(const std::vector<TestRecord>& recs,
                                                                          size_t n) {
  std::vector<std::pair<std::string, std::string>> known;
  for (size_t i = 0; i < n; ++i) {
    for (const auto& id : recs[i].idents) {
      if (id.second != "junk@x.com") known.push_back(id);
    }
  }
  return known;
}

}  // namespace idg::testing
