#include "graph/matcher.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <set>

#include "graph/edge_gen.h"
#include "base/error.h"
#include "test_records.h"

namespace idg {
namespace {

// People with a first name, a city and a birth date; a third of them appear twice, the copy
// with a typo in the name or a day off in the date.
struct Planted {
  std::vector<testing::TestRecord> records;
  std::set<std::pair<std::string, std::string>> duplicates;  // record keys, ordered
};

Planted MakePeople(int people, uint64_t seed) {
  const char* names[] = {"anna", "bernd", "carla", "dieter", "emil", "frieda", "gustav", "hanna",
                         "ingo", "jutta", "klaus", "lena", "moritz", "nina", "otto", "paula"};
  const char* cities[] = {"berlin", "hamburg", "koeln", "bonn", "essen", "kiel", "ulm", "trier"};
  Planted p;
  uint64_t s = seed;
  for (int i = 0; i < people; ++i) {
    std::string name = names[SplitMix64(s) % 16];
    name += names[SplitMix64(s) % 16];  // three-part names: 4096 values, few chance twins
    name += names[SplitMix64(s) % 16];
    const std::string city = cities[SplitMix64(s) % 8];
    char dob[16];
    std::snprintf(dob, sizeof dob, "19%02d-%02d-%02d", int(SplitMix64(s) % 80 + 10),
                  int(SplitMix64(s) % 12 + 1), int(SplitMix64(s) % 28 + 1));
    std::string key = "p";
    key += std::to_string(i);
    p.records.push_back({key, {}, 0, 0, {{"first_name", name}, {"city", city}, {"dob", dob}}});
    if (i % 3 == 0) {
      std::string typo = name;
      typo[typo.size() / 2] = 'x';
      std::string d = dob;
      if (i % 2 == 0) d[9] = d[9] == '1' ? '2' : '1';
      p.records.push_back({key + "b", {}, 0, 1, {{"first_name", typo}, {"city", city}, {"dob", d}}});
      p.duplicates.insert({key, key + "b"});
    }
  }
  return p;
}

Config MatchingTestConfig() {
  Config c = testing::TestConfig();
  c.matching.enabled = true;
  c.matching.random_pairs = 20000;
  c.matching.blocking = {{"dob", {{2, KeyTransform::kExact}}},
                         {"city & first", {{1, KeyTransform::kExact}, {0, KeyTransform::kPrefix, 3}}}};
  c.matching.comparisons = {{0, CompareMethod::kJaroWinkler, {0.92f, 0.8f}, true},
                            {1, CompareMethod::kExact, {}, false},
                            {2, CompareMethod::kOsa, {1.0f, 2.0f}, false}};
  return c;
}

TEST(Matcher, FindsPlantedDuplicatesSameForAnyThreadCount) {
  const Config config = MatchingTestConfig();
  const Planted people = MakePeople(3000, 9);
  Interner interner;
  auto built = testing::Build(config, interner, people.records);
  std::vector<FuzzyLink> first;
  FellegiSunterModel first_model;
  for (int threads : {1, 2, 3}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    FellegiSunterModel model = TrainModel(config, built.store);
    MatchResult r = MatchRecords(config, built.store, model);
    if (threads == 1) {
      first = r.links;
      first_model = model;
      std::set<std::pair<std::string, std::string>> found;
      size_t wrong = 0;
      for (const FuzzyLink& l : r.links) {
        std::string a(built.store.source_record_id(l.a)), b(built.store.source_record_id(l.b));
        if (a > b) std::swap(a, b);
        if (people.duplicates.count({a, b})) {
          found.insert({a, b});
        } else {
          ++wrong;
        }
      }
      EXPECT_GE(found.size(), people.duplicates.size() * 95 / 100) << "recall";
      // Chance twins (same city, similar names, a close birth date) make a few links wrong.
      EXPECT_LE(wrong, people.duplicates.size() / 30) << "precision";
      EXPECT_EQ(r.levels.size(), r.links.size() * 3);
      continue;
    }
    EXPECT_EQ(model.prior, first_model.prior) << threads;
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ(model.comparisons[k].m, first_model.comparisons[k].m);
    ASSERT_EQ(r.links.size(), first.size()) << threads;
    for (size_t i = 0; i < first.size(); ++i) {
      ASSERT_EQ(r.links[i].a, first[i].a);
      ASSERT_EQ(r.links[i].b, first[i].b);
      ASSERT_EQ(r.links[i].score, first[i].score);
    }
  }
}

TEST(Matcher, ModelMustFitTheConfig) {
  const Config config = MatchingTestConfig();
  FellegiSunterModel m = UntrainedModel(config);
  EXPECT_NO_THROW(CheckModelFitsConfig(config, m));
  m.comparisons.pop_back();
  EXPECT_THROW(CheckModelFitsConfig(config, m), Error);
}

}  // namespace
}  // namespace idg
