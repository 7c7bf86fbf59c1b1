// Erasure over the service: afterwards no lookup, profile or explanation holds the erased
// values or records, also for readers that were reading while it happened.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::kAdminToken;
using test::kReaderToken;
using test::Rec;

// Every string a profile shows.
std::vector<std::string> Strings(const rpc::ProfileReply& p) {
  std::vector<std::string> out;
  for (const auto& f : p.golden) out.push_back(f.value);
  for (const auto& i : p.identifiers) out.push_back(i.value);
  for (const auto& r : p.records) out.push_back(r.id);
  for (const auto& e : p.edges) out.push_back(e.identifier.value);
  return out;
}

class Erase : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<IncomingRecord> records = {
        Rec("crm", "ann-1", {{"email", "ann@example.com"}, {"customer_id", "A1"}},
            {{"first_name", "Annabel"}, {"city", "Lisbon"}}),
        Rec("web", "ann-2", {{"email", "ann@example.com"}, {"phone", "+1 415 555 2671"}}),
        Rec("web", "ann-3", {{"phone", "+1 415 555 2671"}, {"device_id", "ANN-DEVICE"}}),
        Rec("crm", "bob-1", {{"email", "bob@example.com"}}, {{"first_name", "Bob"}}),
        Rec("web", "bob-2", {{"email", "bob@example.com"}, {"device_id", "BOB-DEVICE"}}),
    };
    const IngestResult r = admin_.Ingest(records);
    ann_ = r.profiles[0];
    bob_ = r.profiles[3];
  }

  // Nothing the server answers mentions Ann any more.
  void ExpectNoTraceOfAnn() {
    for (const auto& [kind, value] :
         std::vector<std::pair<std::string, std::string>>{{"email", "ann@example.com"},
                                                          {"customer_id", "A1"},
                                                          {"phone", "+14155552671"},
                                                          {"device_id", "ann-device"}}) {
      EXPECT_TRUE(reader_.Lookup(kind, value).profiles.empty()) << kind;
    }
    EXPECT_FALSE(reader_.Profile(ann_).has_value());
    EXPECT_FALSE(reader_.ExplainProfile(ann_).has_value());
    EXPECT_FALSE(reader_.Explain({"crm", "ann-1"}, {"web", "ann-3"}).has_value());
    EXPECT_FALSE(reader_.Explain({"crm", "ann-1"}, {"crm", "ann-1"}).has_value());
    const GraphStats stats = reader_.Stats(1000);
    EXPECT_EQ(stats.records, 2u);
    EXPECT_EQ(stats.erased_records, 3u);
    for (const auto& [id, n] : stats.largest) {
      const std::optional<rpc::ProfileReply> p = reader_.Profile(id);
      ASSERT_TRUE(p.has_value());
      for (const std::string& s : Strings(*p)) {
        EXPECT_EQ(s.find("ann"), std::string::npos) << s;
        EXPECT_NE(s, "A1");
        EXPECT_NE(s, "lisbon");
        EXPECT_NE(s, "+14155552671");
      }
    }
    // Bob is untouched.
    const rpc::LookupReply bob = reader_.Lookup("email", "bob@example.com");
    ASSERT_EQ(bob.profiles.size(), 1u);
    EXPECT_EQ(bob.profiles[0].id, bob_);
    EXPECT_EQ(bob.profiles[0].records, 2u);
  }

  test::TestServer server_;
  rpc::Client admin_ = server_.Connect(kAdminToken);
  rpc::Client reader_ = server_.Connect(kReaderToken);
  ProfileId ann_ = kNoProfile, bob_ = kNoProfile;
};

TEST_F(Erase, ByIdentifierLeavesNoTrace) {
  const EraseResult r = admin_.EraseIdentifier("email", " ANN@example.com");
  EXPECT_EQ(r.profiles, std::vector<ProfileId>{ann_});
  EXPECT_EQ(r.records, 3u);
  EXPECT_EQ(r.identifiers, 4u);
  ExpectNoTraceOfAnn();
}

TEST_F(Erase, ByProfileLeavesNoTrace) {
  const EraseResult r = admin_.EraseProfile(ann_);
  EXPECT_EQ(r.profiles, std::vector<ProfileId>{ann_});
  EXPECT_EQ(r.records, 3u);
  ExpectNoTraceOfAnn();
  // Erasing it again, or what never was, erases nothing.
  EXPECT_TRUE(admin_.EraseProfile(ann_).profiles.empty());
  EXPECT_TRUE(admin_.EraseIdentifier("email", "nobody@example.com").profiles.empty());
}

TEST_F(Erase, ReadersDuringTheEraseSeeAllOrNothing) {
  std::atomic<bool> erased{false}, stop{false};
  std::vector<std::string> failures;
  std::thread reader([&] {
    rpc::Client c = server_.Connect(kReaderToken);
    while (!stop) {
      const bool after = erased;
      const rpc::LookupReply r = c.Lookup("phone", "+1 415 555 2671");
      if (after && !r.profiles.empty()) failures.push_back("found after the erase returned");
      for (const rpc::ProfileSummary& p : r.profiles) {
        if (!test::HasIdentifier(p, "phone", "+14155552671") || p.records != 3) {
          failures.push_back("a torn profile");
        }
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  admin_.EraseIdentifier("phone", "+14155552671");
  erased = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  reader.join();
  EXPECT_TRUE(failures.empty()) << failures.front();
  ExpectNoTraceOfAnn();
}

}  // namespace
}  // namespace idg
