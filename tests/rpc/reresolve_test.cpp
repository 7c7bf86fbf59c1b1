// Admin.reresolve over a real loopback socket: the report is the one the same graph gives in
// process, readers see its result, and a refused retraining changes nothing and leaves the
// server serving; its progress can be followed while it runs. (Who may call it:
// service_test.cpp, wire_test.cpp.)
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "graph/live_graph.h"
#include "io/config_loader.h"
#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::Contains;
using test::ErrorOf;
using test::kAdminToken;
using test::kReaderToken;
using test::Rec;
using test::TestServer;

// The service tests' config with fuzzy matching on names and city.
Config MatchingConfig() {
  const std::string toml = test::ConfigToml("/nonexistent") +
                           "[matching]\nmax_block_size = 50\n"
                           "blocking = [\"last_name\", \"city & first_name\"]\n"
                           "[matching.comparisons]\n"
                           "first_name = { method = \"jaro_winkler\", thresholds = [0.92, 0.8] }\n"
                           "last_name = { method = \"jaro_winkler\", thresholds = [0.92] }\n"
                           "city = { method = \"exact\" }\n";
  return ParseConfig(toml, "test.toml", "/nonexistent");
}

// Seeded people of a few families, each with a record holding their email and one or two
// holding only their phone, under the same names and city (now and then a typo): identifiers
// alone do not join a person's records.
std::vector<IncomingRecord> People(size_t people, uint64_t seed) {
  const std::vector<std::string> first = {"Amelia", "Bruno",  "Clara", "Dmitri", "Elena",
                                          "Farid",  "Greta",  "Hugo",  "Ines",   "Jonas",
                                          "Kira",   "Lorenz", "Mila",  "Nils",   "Olga"};
  const std::vector<std::string> last = {"Adler", "Brandt", "Castell", "Dorn", "Eckhart", "Falk"};
  const std::vector<std::string> cities = {"Lisbon", "Oslo", "Turin"};
  std::mt19937_64 rng(seed);
  std::vector<IncomingRecord> out;
  for (size_t p = 0; p < people; ++p) {
    const std::string f = first[rng() % first.size()], l = last[rng() % last.size()];
    const std::string city = cities[rng() % cities.size()];
    const std::string email = "p" + std::to_string(p) + "@example.com";
    const std::string phone = "+1 415 555 " + std::to_string(1000 + p);
    const size_t n = 2 + rng() % 2;
    for (size_t i = 0; i < n; ++i) {
      std::string typo = f;
      if (rng() % 5 == 0) typo.back() = 'x';
      out.push_back(Rec(i == 0 ? "crm" : "web", "p" + std::to_string(p) + "-" + std::to_string(i),
                        {{i == 0 ? "email" : "phone", i == 0 ? email : phone}},
                        {{"first_name", typo}, {"last_name", l}, {"city", city}}));
    }
  }
  return out;
}

void IngestInBatches(rpc::Client& client, LiveGraph& local,
                     const std::vector<IncomingRecord>& all) {
  for (size_t i = 0; i < all.size(); i += 50) {
    const std::vector<IncomingRecord> batch(all.begin() + i,
                                            all.begin() + std::min(all.size(), i + 50));
    client.Ingest(batch);
    local.Ingest(batch);
  }
}

void ExpectSameChanges(const ReresolveReport& got, const ReresolveReport& want) {
  EXPECT_EQ(got.records, want.records);
  EXPECT_EQ(got.profiles_before, want.profiles_before);
  EXPECT_EQ(got.profiles_after, want.profiles_after);
  EXPECT_EQ(got.fuzzy_links_before, want.fuzzy_links_before);
  EXPECT_EQ(got.fuzzy_links_after, want.fuzzy_links_after);
  ASSERT_EQ(got.merges.size(), want.merges.size());
  for (size_t i = 0; i < got.merges.size(); ++i) {
    EXPECT_EQ(got.merges[i].survivor, want.merges[i].survivor);
    EXPECT_EQ(got.merges[i].absorbed, want.merges[i].absorbed);
  }
  ASSERT_EQ(got.splits.size(), want.splits.size());
  for (size_t i = 0; i < got.splits.size(); ++i) {
    EXPECT_EQ(got.splits[i].from, want.splits[i].from);
    EXPECT_EQ(got.splits[i].parts, want.splits[i].parts);
  }
  EXPECT_EQ(got.retrained, want.retrained);
  EXPECT_EQ(got.em_iterations, want.em_iterations);
  EXPECT_EQ(got.em_converged, want.em_converged);
}

// The server's graph starts without a model: ingest links by identifiers only, until a
// re-resolution trains one.
TEST(Reresolve, OverTheWireAsInProcess) {
  const Config config = MatchingConfig();
  TestServer s(config);
  LiveGraph local(config, std::nullopt);
  rpc::Client admin = s.Connect(kAdminToken);
  rpc::Client reader = s.Connect(kReaderToken);
  const std::vector<IncomingRecord> people = People(60, 3);
  IngestInBatches(admin, local, people);

  const rpc::ReresolveStatus before = admin.ReresolveProgress();
  EXPECT_FALSE(before.running);
  EXPECT_EQ(before.stage, "");
  const ReresolveReport same = admin.Reresolve(false);
  EXPECT_EQ(same.records, people.size());
  EXPECT_EQ(same.profiles_before, same.profiles_after);
  EXPECT_EQ(same.fuzzy_links_after, 0u);
  EXPECT_TRUE(same.merges.empty() && same.splits.empty());
  EXPECT_FALSE(same.retrained);
  EXPECT_GE(same.seconds, 0.0);

  ReresolveOptions retrain;
  retrain.retrain = true;
  const ReresolveReport want = local.Reresolve(retrain);
  std::vector<rpc::ReresolveStatus> seen;  // polled every millisecond while it runs
  const ReresolveReport got = admin.Reresolve(
      true, [&](const rpc::ReresolveStatus& st) { seen.push_back(st); },
      std::chrono::milliseconds(1));
  ExpectSameChanges(got, want);
  for (const rpc::ReresolveStatus& st : seen) {
    EXPECT_TRUE(st.stage == "" || st.stage == "train" || st.stage == "score" ||
                st.stage == "resolve")
        << st.stage;
    EXPECT_LE(st.done, st.total);
  }
  // Afterwards: where it ended, the last stage done.
  const rpc::ReresolveStatus after = admin.ReresolveProgress();
  EXPECT_FALSE(after.running);
  EXPECT_EQ(after.stage, "resolve");
  EXPECT_GT(after.total, 0u);
  EXPECT_EQ(after.done, after.total);
  EXPECT_TRUE(got.retrained);
  EXPECT_GT(got.em_iterations, 0);
  EXPECT_GT(got.fuzzy_links_after, 0u);
  EXPECT_FALSE(got.merges.empty());
  EXPECT_EQ(reader.Stats().profiles, got.profiles_after);

  // Readers see the result: each record's profile as the graph in process has it.
  for (const IncomingRecord& r : people) {
    const ProfileId id = local.ProfileOfRecord(r.source, r.id);
    const std::optional<rpc::ProfileReply> p = reader.Profile(id);
    ASSERT_TRUE(p.has_value()) << r.id;
    EXPECT_EQ(p->id, id);
    EXPECT_EQ(p->records.size(), local.Profile(id)->records.size()) << r.id;
  }
  // And writes go on, matched with the new model: a phone-only record of person 0 joins them.
  IncomingRecord again = people[1];
  again.id = "p0-again";
  again.identifiers = {{"phone", "+1 415 555 9999"}};
  const ProfileId joined = admin.Ingest(std::vector<IncomingRecord>{again}).profiles[0];
  EXPECT_EQ(joined, local.Ingest(std::vector<IncomingRecord>{again}).profiles[0]);
}

TEST(Reresolve, RetrainingWithoutMatchingFailsAndTheServerGoesOn) {
  TestServer s;  // its config has no [matching]
  rpc::Client admin = s.Connect(kAdminToken);
  admin.Ingest(std::vector<IncomingRecord>{Rec("crm", "c1", {{"email", "ann@example.com"}}),
                                           Rec("web", "w1", {{"email", "ann@example.com"}}),
                                           Rec("web", "w2", {{"email", "bob@example.com"}})});
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.Reresolve(true); }),
                       "re-resolution with retraining needs a [matching] section"));
  const ReresolveReport r = admin.Reresolve(false);
  EXPECT_EQ(r.records, 3u);
  EXPECT_EQ(r.profiles_before, 2u);
  EXPECT_EQ(r.profiles_after, 2u);
  EXPECT_FALSE(r.retrained);
  rpc::Client reader = s.Connect(kReaderToken);
  EXPECT_EQ(reader.Lookup("email", "ann@example.com").profiles.at(0).records, 2u);
}

}  // namespace
}  // namespace idg
