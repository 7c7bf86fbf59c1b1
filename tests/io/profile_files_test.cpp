#include "io/profile_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/config_loader.h"
#include "io/job.h"
#include "match/eval.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

namespace fs = std::filesystem;

using test::Contains;
using test::ReadFile;
using test::TempDir;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Two sources; a record may carry two emails; customer_id is unique (merge protection).
constexpr const char* kConfig =
    "[kinds.email]\nnormalizer = \"email\"\n"
    "[kinds.customer_id]\nunique = true\n"
    "[attributes]\ncity = { normalizer = \"none\" }\n"
    "[sources.crm]\npath = \"crm.csv\"\nid = \"id\"\n"
    "fields = { email = \"email\", email2 = \"email\", cid = \"customer_id\", city = \"city\" }\n"
    "[sources.shop]\npath = \"shop.csv\"\ndelimiter = \";\"\nid = \"id\"\n"
    "fields = { email = \"email\" }\n";

// Profiles {1,2}, {3}, {"9,9"}, {4,s1}, {5}, {s2}.
constexpr const char* kCrm =
    "id,email,email2,cid,city\n"
    "1,a@x.com,,C1,\"New York, NY\"\n"
    "2,a@x.com,,,Boston\n"
    "3,b@x.com,,C2,\n"
    "\"9,9\",f@x.com,,,\n"
    "4,c@x.com,,,\n"
    "5,d@x.com,,C3,\n";
constexpr const char* kShop = "id;email\ns1;C@x.com\ns2;e@x.com\n";

using Assignment = std::map<std::string, ProfileId>;  // "source/id" -> profile id

Assignment ProfilesOf(const ResolvedGraph& g) {
  Assignment out;
  for (RecordId r = 0; r < g.records.size(); ++r) {
    out[g.config.sources[g.records.source(r)].name + "/" +
        std::string(g.records.source_record_id(r))] = g.profiles.profile_of(r);
  }
  return out;
}

std::unique_ptr<ResolvedGraph> RunJob(const TempDir& dir, const std::string& profiles,
                                      const std::string& previous = "",
                                      const std::string& golden = "") {
  ResolveJobOptions o;
  o.config = ParseConfig(kConfig, "t.toml", dir.str());
  o.profiles_path = dir.Path(profiles);
  o.previous_path = previous.empty() ? "" : dir.Path(previous);
  o.reject_path = dir.Path("rejects.tsv");
  o.golden_path = golden.empty() ? "" : dir.Path(golden);
  return RunResolveJob(o);
}

TEST(ProfilesFile, WrittenInRecordOrderWithQuotedIds) {
  TempDir dir;
  dir.Write("crm.csv", kCrm);
  dir.Write("shop.csv", kShop);
  auto g = RunJob(dir, "p.csv", "", "golden.csv");
  ASSERT_EQ(g->records.size(), 8u);
  EXPECT_EQ(g->profiles.size(), 6u);
  const auto lines = Lines(ReadFile(dir.Path("p.csv")));
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(lines[0], "source,record_id,profile_id");
  for (RecordId r = 0; r < g->records.size(); ++r) {
    std::string id(g->records.source_record_id(r));
    if (id.find(',') != std::string::npos) id = "\"" + id + "\"";
    EXPECT_EQ(lines[r + 1], g->config.sources[g->records.source(r)].name + "," + id + "," +
                                std::to_string(g->profiles.profile_of(r)));
  }
  const Assignment a = ProfilesOf(*g);
  EXPECT_EQ(a.at("crm/1"), a.at("crm/2"));
  EXPECT_EQ(a.at("crm/4"), a.at("shop/s1"));
  EXPECT_NE(a.at("crm/1"), a.at("crm/3"));

  const auto golden = Lines(ReadFile(dir.Path("golden.csv")));
  ASSERT_EQ(golden.size(), 1 + g->profiles.size());
  EXPECT_EQ(golden[0], "profile_id,records,city");
  const std::string p12 = std::to_string(a.at("crm/1")) + ",2,";
  const auto row = std::find_if(golden.begin(), golden.end(),
                                [&](const std::string& l) { return l.rfind(p12, 0) == 0; });
  ASSERT_NE(row, golden.end());
  // Most recent wins, ties fall to source priority then the smaller value: both records have
  // no timestamp and the same source, so the smaller value.
  EXPECT_EQ(*row, p12 + "Boston");
}

TEST(ProfilesFile, SameDataWithPreviousKeepsEveryId) {
  TempDir dir;
  dir.Write("crm.csv", kCrm);
  dir.Write("shop.csv", kShop);
  auto first = RunJob(dir, "p1.csv");
  auto second = RunJob(dir, "p2.csv", "p1.csv");
  EXPECT_EQ(ProfilesOf(*first), ProfilesOf(*second));
  EXPECT_EQ(second->previous_matched, 8u);
  EXPECT_TRUE(second->profiles.merges().empty());
  EXPECT_TRUE(second->profiles.splits().empty());
  EXPECT_EQ(ReadFile(dir.Path("p1.csv")), ReadFile(dir.Path("p2.csv")));
}

TEST(ProfilesFile, GrownDataKeepsOldIdsAndLinksNewRows) {
  TempDir dir;
  dir.Write("crm.csv", kCrm);
  dir.Write("shop.csv", kShop);
  const Assignment before = ProfilesOf(*RunJob(dir, "p1.csv"));
  ProfileId max_old = 0;
  for (const auto& [k, p] : before) max_old = std::max(max_old, p);

  dir.Write("crm.csv", std::string(kCrm) +
                           "6,B@x.com,,,\n"      // links to crm/3
                           "7,new@x.com,,,\n");  // a new person
  auto g = RunJob(dir, "p2.csv", "p1.csv");
  const Assignment after = ProfilesOf(*g);
  ASSERT_EQ(after.size(), before.size() + 2);
  for (const auto& [k, p] : before) EXPECT_EQ(after.at(k), p) << k;
  EXPECT_EQ(after.at("crm/6"), before.at("crm/3"));
  EXPECT_GT(after.at("crm/7"), max_old);
  EXPECT_GE(g->profiles.next_free(), after.at("crm/7") + 1);
  EXPECT_EQ(g->previous_matched, before.size());
  EXPECT_TRUE(g->profiles.merges().empty());
  EXPECT_TRUE(g->profiles.splits().empty());
}

TEST(ProfilesFile, MergeKeepsTheLargerProfilesIdAndReportsTheOther) {
  TempDir dir;
  dir.Write("crm.csv", kCrm);
  dir.Write("shop.csv", kShop);
  const Assignment before = ProfilesOf(*RunJob(dir, "p1.csv"));
  const ProfileId big = before.at("crm/4"), small = before.at("shop/s2");
  ASSERT_NE(big, small);

  // Carries the emails of {crm/4, shop/s1} and {shop/s2}: one person after all.
  dir.Write("crm.csv", std::string(kCrm) + "8,c@x.com,e@x.com,,\n");
  auto g = RunJob(dir, "p2.csv", "p1.csv");
  const Assignment after = ProfilesOf(*g);
  EXPECT_EQ(after.at("crm/4"), big);
  EXPECT_EQ(after.at("shop/s1"), big);
  EXPECT_EQ(after.at("shop/s2"), big);
  EXPECT_EQ(after.at("crm/8"), big);
  ASSERT_EQ(g->profiles.merges().size(), 1u);
  EXPECT_EQ(g->profiles.merges()[0].survivor, big);
  EXPECT_EQ(g->profiles.merges()[0].absorbed, std::vector<ProfileId>{small});
  EXPECT_TRUE(g->profiles.splits().empty());
  EXPECT_FALSE(g->profiles.find(small).has_value());
  for (const auto& [k, p] : before) {
    if (p != small) {
      EXPECT_EQ(after.at(k), p) << k;
    }
  }

  // A row joining two customer ids is refused by merge protection: no merge.
  dir.Write("crm.csv", std::string(kCrm) + "8,a@x.com,b@x.com,,\n");
  auto h = RunJob(dir, "p3.csv", "p1.csv");
  const Assignment refused = ProfilesOf(*h);
  EXPECT_NE(refused.at("crm/1"), refused.at("crm/3"));
  EXPECT_EQ(refused.at("crm/1"), before.at("crm/1"));
  EXPECT_EQ(refused.at("crm/3"), before.at("crm/3"));
  EXPECT_TRUE(h->profiles.merges().empty());
}

TEST(ProfilesFile, PreviousFileRowsForUnknownSourcesOrBadIdsAreIgnored) {
  TempDir dir;
  dir.Write("crm.csv", kCrm);
  dir.Write("shop.csv", kShop);
  dir.Write("old.csv",
            "source,record_id,profile_id\n"
            "crm,1,500\n"
            "crm,2,500\n"
            "gone,1,600\n"     // a source no longer configured
            "crm,3,notanid\n"  // unparseable id
            "crm,404,700\n");  // a record no longer there
  auto g = RunJob(dir, "p.csv", "old.csv");
  const Assignment a = ProfilesOf(*g);
  EXPECT_EQ(a.at("crm/1"), 500u);
  EXPECT_EQ(a.at("crm/2"), 500u);
  EXPECT_EQ(g->previous_matched, 2u);
  for (const auto& [k, p] : a) {
    if (p != 500) {
      EXPECT_GT(p, 500u) << k;  // fresh ids start after the largest earlier one
    }
  }
}

// ---- labels and evaluation ------------------------------------------------------------------

constexpr const char* kPredicted =
    "source,record_id,profile_id\n"
    "crm,1,10\ncrm,2,10\ncrm,3,10\ncrm,4,20\ncrm,5,20\n"
    "web,9,30\n";  // not in the truth

// A resolved job handed to the live graph keeps every profile id, and its records replayed
// as requests into an empty live graph make the same profiles.
TEST(ProfilesFile, LiveGraphFromAJobKeepsItsProfiles) {
  TempDir dir;
  dir.Write("crm.csv", kCrm);
  dir.Write("shop.csv", kShop);
  auto g = RunJob(dir, "p.csv");
  const Assignment bulk = ProfilesOf(*g);
  const std::vector<IncomingRecord> requests = IncomingRecords(*g);
  ASSERT_EQ(requests.size(), g->records.size());
  EXPECT_EQ(requests[0].source, "crm");
  EXPECT_EQ(requests[0].id, "1");
  EXPECT_EQ(requests[0].attributes[0], (std::pair<std::string, std::string>{"city", "New York, NY"}));
  LiveGraph replayed(g->config, std::nullopt);
  const IngestResult res = replayed.Ingest(requests);
  EXPECT_TRUE(res.issues.empty());
  const std::unique_ptr<LiveGraph> live = MakeLiveGraph(std::move(g));
  std::map<ProfileId, ProfileId> bulk_to_replayed;
  for (const auto& [key, id] : bulk) {
    const std::string source = key.substr(0, key.find('/')), rid = key.substr(key.find('/') + 1);
    EXPECT_EQ(live->ProfileOfRecord(source, rid), id) << key;
    const ProfileId r = replayed.ProfileOfRecord(source, rid);
    ASSERT_NE(r, kNoProfile) << key;
    // The same partition: each bulk profile maps to exactly one replayed profile.
    EXPECT_EQ(bulk_to_replayed.emplace(id, r).first->second, r) << key;
  }
  EXPECT_EQ(live->Stats().profiles, 6u);
  EXPECT_EQ(replayed.Stats().profiles, 6u);
}

TEST(Labels, JoinAndEvaluateByHand) {
  TempDir dir;
  const std::string predicted_path = dir.Write("p.csv", kPredicted);
  const std::string truth_path = dir.Write("truth.csv",
                                           "source,record_id,entity\n"
                                           "crm,5,B\ncrm,4,B\ncrm,3,B\ncrm,2,A\ncrm,1,A\n"
                                           "crm,6,C\n"  // no profile
                                           "crm,7,\n"   // no label: rejected
                                           "crm,8\n");  // malformed: rejected
  const LabelTable predicted = ReadLabels(predicted_path, LabelColumns{});
  EXPECT_EQ(predicted.keys.size(), 6u);
  EXPECT_EQ(predicted.rejected_rows, 0u);
  LabelColumns tc;
  tc.label = "entity";
  const LabelTable truth = ReadLabels(truth_path, tc);
  EXPECT_EQ(truth.keys.size(), 6u);
  EXPECT_EQ(truth.rejected_rows, 2u);

  const JoinedLabels j = JoinLabels(predicted, truth);
  ASSERT_EQ(j.a.size(), 5u);
  EXPECT_EQ(j.a_only, 1u);
  EXPECT_EQ(j.b_only, 1u);
  // Predicted {1,2,3} {4,5}: 4 pairs; true {1,2} {3,4,5}: 4 pairs; both: (1,2) and (4,5).
  const PairMetrics m = EvaluatePairs(j.a, j.b);
  EXPECT_EQ(m.records, 5u);
  EXPECT_EQ(m.predicted_clusters, 2u);
  EXPECT_EQ(m.true_clusters, 2u);
  EXPECT_EQ(m.predicted_pairs, 4u);
  EXPECT_EQ(m.true_pairs, 4u);
  EXPECT_EQ(m.correct_pairs, 2u);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.f1, 0.5);
}

TEST(Labels, TruthWithFixedSourceAndOtherDelimiter) {
  TempDir dir;
  const std::string predicted_path = dir.Write("p.csv", kPredicted);
  // FEBRL-style truth: no source column, ", " delimiter, its own column names.
  const std::string truth_path = dir.Write("truth.csv",
                                           "rec_id, person\n"
                                           "1, A\n2, A\n3, A\n4, B\n5, C\n");
  LabelColumns tc;
  tc.source = "";
  tc.fixed_source = "crm";
  tc.id = "rec_id";
  tc.label = "person";
  tc.delimiter = ", ";
  const LabelTable truth = ReadLabels(truth_path, tc);
  ASSERT_EQ(truth.keys.size(), 5u);
  const JoinedLabels j = JoinLabels(ReadLabels(predicted_path, LabelColumns{}), truth);
  ASSERT_EQ(j.a.size(), 5u);
  EXPECT_EQ(j.a_only, 1u);
  EXPECT_EQ(j.b_only, 0u);
  // Predicted {1,2,3} {4,5}: 4 pairs; true {1,2,3} {4} {5}: 3 pairs, all predicted.
  const PairMetrics m = EvaluatePairs(j.a, j.b);
  EXPECT_EQ(m.predicted_pairs, 4u);
  EXPECT_EQ(m.true_pairs, 3u);
  EXPECT_EQ(m.correct_pairs, 3u);
  EXPECT_DOUBLE_EQ(m.precision, 0.75);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.f1, 2 * 0.75 / 1.75);
}

TEST(Labels, MissingFileOrColumnNamesIt) {
  TempDir dir;
  const std::string path = dir.Write("truth.csv", "source,record_id,entity\ncrm,1,A\n");
  try {
    ReadLabels(path, LabelColumns{});  // wants profile_id
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), path));
    EXPECT_TRUE(Contains(e.what(), "profile_id"));
  }
  try {
    ReadLabels(dir.Path("nosuch.csv"), LabelColumns{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), dir.Path("nosuch.csv")));
  }
}

TEST(Labels, ReadTruthLabelsForLoadedRecords) {
  TempDir dir;
  dir.Write("crm.csv", kCrm);
  dir.Write("shop.csv", kShop);
  auto g = RunJob(dir, "p.csv");
  const std::string truth_path = dir.Write("truth.csv",
                                           "source,record_id,entity\n"
                                           "crm,1,P\ncrm,2,P\nshop,s1,Q\n\"crm\",\"9,9\",Q\n"
                                           "nosource,1,R\n");
  const auto labels = ReadTruthLabels(
      truth_path, LabelColumns{"source", "record_id", "entity", "", ",", ""}, g->config, g->records);
  ASSERT_EQ(labels.size(), g->records.size());
  std::map<std::string, uint64_t> by_key;
  for (RecordId r = 0; r < g->records.size(); ++r) {
    by_key[g->config.sources[g->records.source(r)].name + "/" +
           std::string(g->records.source_record_id(r))] = labels[r];
  }
  EXPECT_NE(by_key.at("crm/1"), kNoLabel);
  EXPECT_EQ(by_key.at("crm/1"), by_key.at("crm/2"));
  EXPECT_EQ(by_key.at("shop/s1"), by_key.at("crm/9,9"));
  EXPECT_NE(by_key.at("crm/1"), by_key.at("shop/s1"));
  EXPECT_EQ(by_key.at("crm/3"), kNoLabel);
  EXPECT_EQ(by_key.at("shop/s2"), kNoLabel);

  LabelColumns fixed{"", "record_id", "entity", "nosuch", ",", ""};
  EXPECT_THROW(ReadTruthLabels(truth_path, fixed, g->config, g->records), Error);
}

}  // namespace
}  // namespace idg
