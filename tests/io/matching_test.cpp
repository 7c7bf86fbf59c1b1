// Probabilistic matching through the whole job: accuracy on the reference data sets (skipped
// where ../shared/data is absent), model files, and [matching] config errors.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <ostream>

#include "base/error.h"
#include "io/config_loader.h"
#include "io/job.h"
#include "io/model_file.h"
#include "io/profile_files.h"
#include "match/eval.h"

namespace idg {
namespace {

using ::testing::HasSubstr;

std::string DataPath(const std::string& rel) { return std::string(IDG_SHARED_DATA_DIR) + "/" + rel; }
std::string ExamplePath(const std::string& rel) {
  return std::string(IDG_SOURCE_DIR) + "/examples/reference/" + rel;
}

struct Reference {
  const char* config;
  const char* data;
  const char* id_column;
  const char* label_column;
  const char* label_pattern;
  const char* delimiter;
  double min_f1;  // the issue's target, above the published results
};

// For ctest's listing: the config's name, not the struct's bytes.
void PrintTo(const Reference& r, std::ostream* os) { *os << r.config; }

class ReferenceAccuracy : public ::testing::TestWithParam<Reference> {};

// Unsupervised, the checked-in configuration, match probability 0.5, all pairs evaluated.
TEST_P(ReferenceAccuracy, MeetsTheTargetF1) {
  const Reference ref = GetParam();
  if (!std::filesystem::exists(DataPath(ref.data))) GTEST_SKIP() << "no " << DataPath(ref.data);
  ResolveJobOptions job;
  job.config = LoadConfig(ExamplePath(ref.config));
  ASSERT_EQ(job.config.sources.size(), 1u);
  job.config.sources[0].path = DataPath(ref.data);
  auto g = RunResolveJob(job);
  ASSERT_TRUE(g->model.has_value());
  LabelColumns cols;
  cols.source = "";
  cols.fixed_source = job.config.sources[0].name;
  cols.id = ref.id_column;
  cols.label = ref.label_column;
  cols.label_pattern = ref.label_pattern;
  cols.delimiter = ref.delimiter;
  const auto truth = ReadTruthLabels(DataPath(ref.data), cols, g->config, g->records);
  std::vector<uint64_t> predicted, actual;
  for (RecordId r = 0; r < g->records.size(); ++r) {
    ASSERT_NE(truth[r], kNoLabel) << "record " << r << " has no truth";
    predicted.push_back(g->profiles.profile_of(r));
    actual.push_back(truth[r]);
  }
  const PairMetrics m = EvaluatePairs(predicted, actual);
  RecordProperty("f1", std::to_string(m.f1));
  EXPECT_GE(m.f1, ref.min_f1) << "precision " << m.precision << " recall " << m.recall;
}

INSTANTIATE_TEST_SUITE_P(
    Data, ReferenceAccuracy,
    ::testing::Values(
        Reference{"febrl.toml", "febrl/febrl_dataset3.csv", "rec_id", "rec_id", "rec-([0-9]+)", ", ", 0.995},
        Reference{"febrl_ssid.toml", "febrl/febrl_dataset3.csv", "rec_id", "rec_id", "rec-([0-9]+)", ", ", 0.995},
        Reference{"fake_1000.toml", "splink_fake_1000/fake_1000.csv", "unique_id", "cluster", "", ",", 0.90},
        Reference{"rldata500.toml", "rldata/RLdata500.csv", "rec_id", "ent_id", "", ",", 0.95}),
    [](const auto& info) {
      std::string name = info.param.config;
      return name.substr(0, name.find('.'));
    });

class TempFile {
 public:
  explicit TempFile(const std::string& name)
      : path_((std::filesystem::temp_directory_path() / ("idg_" + std::to_string(::getpid()) + "_" + name)).string()) {}
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }
  void Write(const std::string& text) const { std::ofstream(path_) << text; }

 private:
  std::string path_;
};

TEST(ModelFile, RoundTripKeepsEveryNumber) {
  FellegiSunterModel m;
  m.prior = 1.0 / 3.0;
  m.comparisons = {{"first_name", {"exact", "jaro_winkler>=0.9", "else"}, {0.7, 0.2, 0.1}, {0.01, 0.04, 0.95}},
                   {"dob", {"exact", "else"}, {0.9, 0.1}, {0.001, 0.999}}};
  TempFile f("model.json");
  SaveModel(f.path(), m);
  const FellegiSunterModel back = LoadModel(f.path());
  EXPECT_EQ(back.prior, m.prior);
  ASSERT_EQ(back.comparisons.size(), 2u);
  EXPECT_EQ(back.comparisons[0].levels, m.comparisons[0].levels);
  EXPECT_EQ(back.comparisons[0].m, m.comparisons[0].m);
  EXPECT_EQ(back.comparisons[1].u, m.comparisons[1].u);
  EXPECT_THAT(ModelText(back), HasSubstr("jaro_winkler>=0.9"));
}

TEST(ModelFile, ErrorsNameTheFileAndTheProblem) {
  TempFile f("bad.json");
  f.Write("{\"format\": \"other\"}");
  try {
    LoadModel(f.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(f.path()));
    EXPECT_THAT(e.what(), HasSubstr("not an idgraph model"));
  }
  f.Write(R"({"format": "idgraph-fellegi-sunter-1", "prior": 0.1, "comparisons": [)"
          R"({"name": "x", "levels": ["exact", "else"], "m": [0.5, 0.6], "u": [0.5, 0.5]}]})");
  EXPECT_THROW(LoadModel(f.path()), Error);  // m does not sum to 1
  f.Write("{not json");
  EXPECT_THROW(LoadModel(f.path()), Error);
}

Config MatchingConfigText(const std::string& matching) {
  return ParseConfig(R"(
[kinds.email]
[attributes]
name = { normalizer = "name" }
dob = { normalizer = "date" }
[sources.s]
path = "x.csv"
id = "id"
fields = { name = "name", dob = "dob" }
)" + matching, "t.toml", "");
}

TEST(MatchingConfig, ParsesRulesAndComparisons) {
  const Config c = MatchingConfigText(R"(
[matching]
threshold = 0.9
blocking = ["name:prefix3 & dob:year", "name:soundex"]
[matching.comparisons]
name = { method = "jaro_winkler", thresholds = [0.92, 0.8], term_frequency = true }
dob = { method = "date_days", thresholds = [31] }
)");
  ASSERT_TRUE(c.matching.enabled);
  EXPECT_EQ(c.matching.threshold, 0.9);
  ASSERT_EQ(c.matching.blocking.size(), 2u);
  ASSERT_EQ(c.matching.blocking[0].parts.size(), 2u);
  EXPECT_EQ(c.matching.blocking[0].parts[0].transform, KeyTransform::kPrefix);
  EXPECT_EQ(c.matching.blocking[0].parts[0].length, 3);
  EXPECT_EQ(c.matching.blocking[0].parts[1].transform, KeyTransform::kYear);
  EXPECT_EQ(c.matching.blocking[1].parts[0].transform, KeyTransform::kSoundex);
  ASSERT_EQ(c.matching.comparisons.size(), 2u);
  EXPECT_EQ(c.matching.comparisons[1].method, CompareMethod::kDateDays);
  EXPECT_TRUE(c.matching.comparisons[0].term_frequency);
}

TEST(MatchingConfig, ErrorsNameTheKey) {
  auto error = [](const std::string& text) {
    try {
      MatchingConfigText(text);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error("[matching]\nblocking = [\"nosuch\"]\n[matching.comparisons]\nname = {}\n"),
              HasSubstr("matching.blocking[0]: \"nosuch\" is not a declared attribute"));
  EXPECT_THAT(error("[matching]\nblocking = [\"name:middle\"]\n[matching.comparisons]\nname = {}\n"),
              HasSubstr("expected exact, prefixN, soundex or year"));
  EXPECT_THAT(error("[matching]\nthreshold = 2.0\nblocking = [\"name\"]\n[matching.comparisons]\nname = {}\n"),
              HasSubstr("matching.threshold"));
  EXPECT_THAT(error("[matching]\nblocking = [\"name\"]\n"), HasSubstr("matching.comparisons: missing"));
  EXPECT_THAT(error("[matching]\nblocking = [\"name\"]\n[matching.comparisons]\nname = { method = \"cosine\" }\n"),
              HasSubstr("matching.comparisons.name.method"));
}

}  // namespace
}  // namespace idg
