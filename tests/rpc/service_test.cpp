// The service end to end over a real loopback socket: every call, every role against every
// call, tokens, normalization, and bad requests that must not stop the server.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/config_loader.h"
#include "rpc/client.h"
#include "rpc/server.h"
#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::Contains;
using test::ErrorOf;
using test::HasIdentifier;
using test::kAdminToken;
using test::kReaderToken;
using test::kWriterToken;
using test::Rec;
using test::TempDir;
using test::TestServer;

// Three people: ann (two records joined by email, a third by phone), bob, and cid.
std::vector<IncomingRecord> People() {
  return {
      Rec("crm", "c1", {{"email", "ann@example.com"}, {"customer_id", "A1"}},
          {{"first_name", "Ann"}, {"city", "Berlin"}}, 1700000000),
      Rec("web", "w1", {{"email", " ANN@example.com"}, {"phone", "+1 415 555 2671"}},
          {{"first_name", "Anne"}}, 1700000500),
      Rec("web", "w2", {{"phone", "(415) 555-2671"}, {"device_id", "DEV-1"}}, {}, 1700000900),
      Rec("crm", "c2", {{"email", "bob@example.com"}}, {{"first_name", "Bob"}}),
      Rec("crm", "c3", {{"email", "cid@example.com"}}, {{"first_name", "Cid"}}),
  };
}

TEST(Service, IngestThenEveryRead) {
  TestServer s;
  rpc::Client admin = s.Connect(kAdminToken);
  EXPECT_EQ(admin.role(), Role::kAdmin);
  const std::vector<IncomingRecord> people = People();
  const IngestResult in = admin.Ingest(people);
  ASSERT_EQ(in.profiles.size(), 5u);
  EXPECT_TRUE(in.issues.empty());
  EXPECT_EQ(in.profiles[0], in.profiles[1]);
  EXPECT_EQ(in.profiles[0], in.profiles[2]);
  EXPECT_NE(in.profiles[0], in.profiles[3]);
  EXPECT_NE(in.profiles[3], in.profiles[4]);

  rpc::Client reader = s.Connect(kReaderToken);
  const rpc::LookupReply found = reader.Lookup("email", "ann@example.com");
  EXPECT_EQ(found.normalized, "ann@example.com");
  ASSERT_EQ(found.profiles.size(), 1u);
  // A lookup answers the id, golden record and identifiers, and how many records there are.
  const rpc::ProfileSummary& hit = found.profiles[0];
  EXPECT_EQ(hit.id, in.profiles[0]);
  EXPECT_EQ(hit.records, 3u);
  EXPECT_TRUE(HasIdentifier(hit, "email", "ann@example.com"));
  EXPECT_TRUE(HasIdentifier(hit, "phone", "+14155552671"));
  EXPECT_TRUE(HasIdentifier(hit, "customer_id", "A1"));
  EXPECT_TRUE(HasIdentifier(hit, "device_id", "dev-1"));
  ASSERT_FALSE(hit.golden.empty());
  EXPECT_EQ(hit.golden[0], (rpc::Field{"first_name", "anne"}));  // most recent

  // The whole profile by id: the same golden record and identifiers, and its records, the
  // edges between them and its history.
  const std::optional<rpc::ProfileReply> by_id = reader.Profile(hit.id);
  ASSERT_TRUE(by_id.has_value());
  const rpc::ProfileReply& ann = *by_id;
  EXPECT_EQ(ann.id, hit.id);
  EXPECT_EQ(ann.golden, hit.golden);
  EXPECT_EQ(ann.identifiers, hit.identifiers);
  ASSERT_EQ(ann.records.size(), 3u);
  EXPECT_EQ(ann.records[0], (rpc::MemberRecord{"crm", "c1", 1700000000}));
  EXPECT_EQ(ann.edges.size(), 2u);
  for (const rpc::Edge& e : ann.edges) {
    EXPECT_FALSE(e.fuzzy);
    EXPECT_LT(e.a, 3u);
    EXPECT_LT(e.b, 3u);
  }
  ASSERT_FALSE(ann.history.empty());
  EXPECT_EQ(ann.history[0].type, ProfileEvent::Type::kCreated);
  EXPECT_FALSE(reader.Profile(987654321).has_value());

  const std::vector<rpc::Identifier> keys = {
      {"email", "bob@example.com"}, {"phone", "+14155552671"}, {"email", "nobody@example.com"}};
  const std::vector<rpc::LookupReply> batch = reader.LookupBatch(keys);
  ASSERT_EQ(batch.size(), 3u);
  ASSERT_EQ(batch[0].profiles.size(), 1u);
  EXPECT_EQ(batch[0].profiles[0].id, in.profiles[3]);
  ASSERT_EQ(batch[1].profiles.size(), 1u);
  EXPECT_EQ(batch[1].profiles[0].id, ann.id);
  EXPECT_TRUE(batch[2].profiles.empty());
  EXPECT_EQ(batch[2].normalized, "nobody@example.com");

  // c1 -email- w1 -phone- w2: the path, records renumbered from a to b.
  const std::optional<rpc::ExplainReply> why = reader.Explain({"crm", "c1"}, {"web", "w2"});
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->profile, ann.id);
  ASSERT_EQ(why->records.size(), 3u);
  EXPECT_EQ(why->records[0].id, "c1");
  EXPECT_EQ(why->records[1].id, "w1");
  EXPECT_EQ(why->records[2].id, "w2");
  ASSERT_EQ(why->edges.size(), 2u);
  EXPECT_EQ(why->edges[0].a, 0u);
  EXPECT_EQ(why->edges[0].b, 1u);
  EXPECT_EQ(why->edges[0].identifier, (rpc::Identifier{"email", "ann@example.com"}));
  EXPECT_EQ(why->edges[1].identifier, (rpc::Identifier{"phone", "+14155552671"}));
  EXPECT_FALSE(reader.Explain({"crm", "c1"}, {"crm", "c2"}).has_value());  // two people
  EXPECT_FALSE(reader.Explain({"crm", "c1"}, {"crm", "nope"}).has_value());
  const std::optional<rpc::ExplainReply> self = reader.Explain({"crm", "c1"}, {"crm", "c1"});
  ASSERT_TRUE(self.has_value());
  EXPECT_EQ(self->records.size(), 1u);
  EXPECT_TRUE(self->edges.empty());

  const std::optional<rpc::ExplainReply> tree = reader.ExplainProfile(ann.id);
  ASSERT_TRUE(tree.has_value());
  EXPECT_EQ(tree->records, ann.records);
  EXPECT_EQ(tree->edges, ann.edges);
  EXPECT_FALSE(reader.ExplainProfile(987654321).has_value());

  const GraphStats stats = reader.Stats(2);
  EXPECT_EQ(stats.records, 5u);
  EXPECT_EQ(stats.profiles, 3u);
  EXPECT_EQ(stats.ingested_records, 5u);
  ASSERT_EQ(stats.largest.size(), 2u);
  EXPECT_EQ(stats.largest[0], std::make_pair(ann.id, uint32_t{3}));
  EXPECT_GT(stats.memory_bytes, 1u << 20);  // the test process itself serves
  EXPECT_GE(stats.uptime_seconds, 0.0);
  EXPECT_LT(stats.uptime_seconds, 600.0);
}

TEST(Service, LookupsNormalizeTheValue) {
  TestServer s;
  rpc::Client writer = s.Connect(kWriterToken);
  const std::vector<IncomingRecord> one = {Rec("crm", "c1", {{"email", "foo@example.com"}})};
  writer.Ingest(one);
  const rpc::LookupReply r = writer.Lookup("email", " Foo@Example.COM ");
  EXPECT_EQ(r.normalized, "foo@example.com");
  ASSERT_EQ(r.profiles.size(), 1u);
  EXPECT_EQ(r.profiles[0].records, 1u);
  EXPECT_EQ(writer.Profile(r.profiles[0].id)->records.at(0).id, "c1");
  // A value that does not normalize finds nothing, and is no error.
  const rpc::LookupReply bad = writer.Lookup("email", "not an email");
  EXPECT_TRUE(bad.profiles.empty());
}

TEST(Service, IngestReportsBadRecordsAndTakesTheRest) {
  TestServer s;
  rpc::Client writer = s.Connect(kWriterToken);
  const std::vector<IncomingRecord> batch = {
      Rec("crm", "c1", {{"email", "a@example.com"}}),
      Rec("nowhere", "n1", {{"email", "b@example.com"}}),
      Rec("crm", "c2", {{"email", "not-an-email"}, {"phone", "+1 415 555 2671"}}),
      Rec("crm", "c3", {{"fax", "123"}}),
  };
  const IngestResult r = writer.Ingest(batch);
  ASSERT_EQ(r.profiles.size(), 4u);
  EXPECT_NE(r.profiles[0], kNoProfile);
  EXPECT_EQ(r.profiles[1], kNoProfile);
  EXPECT_NE(r.profiles[2], kNoProfile);
  bool source_rejected = false, email_dropped = false, fax_reported = false;
  for (const IngestIssue& i : r.issues) {
    if (i.index == 1 && i.field == "source" && i.rejected) source_rejected = true;
    if (i.index == 2 && i.field == "email" && !i.rejected) email_dropped = true;
    if (i.index == 3 && i.field == "fax") fax_reported = true;
  }
  EXPECT_TRUE(source_rejected);
  EXPECT_TRUE(email_dropped);
  EXPECT_TRUE(fax_reported);
  EXPECT_EQ(writer.Lookup("phone", "+14155552671").profiles.size(), 1u);
}

TEST(Service, MergesAreReportedAndOldIdsLeadToTheSurvivor) {
  TestServer s;
  rpc::Client writer = s.Connect(kWriterToken);
  const std::vector<IncomingRecord> first = {Rec("crm", "c1", {{"email", "a@example.com"}}),
                                             Rec("crm", "c2", {{"phone", "+14155552671"}})};
  const IngestResult a = writer.Ingest(first);
  ASSERT_NE(a.profiles[0], a.profiles[1]);
  const std::vector<IncomingRecord> bridge = {
      Rec("web", "w1", {{"email", "a@example.com"}, {"phone", "+14155552671"}})};
  const IngestResult b = writer.Ingest(bridge);
  ASSERT_EQ(b.merges.size(), 1u);
  const ProfileId survivor = b.merges[0].survivor;
  EXPECT_EQ(b.profiles[0], survivor);
  ASSERT_EQ(b.merges[0].absorbed.size(), 1u);
  const ProfileId absorbed = b.merges[0].absorbed[0];
  EXPECT_TRUE((survivor == a.profiles[0] && absorbed == a.profiles[1]) ||
              (survivor == a.profiles[1] && absorbed == a.profiles[0]));
  const std::optional<rpc::ProfileReply> p = writer.Profile(absorbed);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->id, survivor);
  EXPECT_EQ(p->records.size(), 3u);
  bool merged_event = false;
  for (const rpc::Event& e : p->history) {
    if (e.type == ProfileEvent::Type::kMerged && e.other == std::vector<ProfileId>{absorbed}) {
      merged_event = true;
    }
  }
  EXPECT_TRUE(merged_event);
}

TEST(Service, UnknownTokenIsRefusedWithNothingElse) {
  TestServer s;
  EXPECT_EQ(ErrorOf([&] { s.Connect("not-a-token"); }), "unknown token");
  EXPECT_EQ(ErrorOf([&] { s.Connect(""); }), "unknown token");
  // A prefix of a real token is no token.
  EXPECT_EQ(ErrorOf([&] { s.Connect(std::string(kAdminToken).substr(0, 5)); }), "unknown token");
}

// Which calls each role may make: readers read, writers also ingest, admins also erase,
// re-resolve and reload the config.
TEST(Service, EveryRoleAgainstEveryCall) {
  TempDir dir;
  const std::string path = dir.Write("idgraph.toml", test::ConfigToml(dir.str()));
  const Config config = LoadConfig(path);
  TestServer s(config, rpc::ConfigFile{path, config, {}});
  {
    rpc::Client admin = s.Connect(kAdminToken);
    const std::vector<IncomingRecord> seed = {Rec("crm", "c1", {{"email", "a@example.com"}})};
    admin.Ingest(seed);
  }
  const std::vector<IncomingRecord> more = {Rec("crm", "c9", {{"email", "z@example.com"}})};
  const std::vector<rpc::Identifier> keys = {{"email", "a@example.com"}};
  struct Call {
    const char* name;
    Role needs;
    std::function<void(rpc::Client&)> run;
  };
  const std::vector<Call> calls = {
      {"lookup", Role::kReader, [](rpc::Client& c) { c.Lookup("email", "a@example.com"); }},
      {"lookupBatch", Role::kReader, [&](rpc::Client& c) { c.LookupBatch(keys); }},
      {"getProfile", Role::kReader, [](rpc::Client& c) { c.Profile(1); }},
      {"explain", Role::kReader,
       [](rpc::Client& c) {
         c.Explain({"crm", "c1"}, {"crm", "c1"});
       }},
      {"explainProfile", Role::kReader, [](rpc::Client& c) { c.ExplainProfile(1); }},
      {"stats", Role::kReader, [](rpc::Client& c) { c.Stats(); }},
      {"segmentCount", Role::kReader, [](rpc::Client& c) { c.SegmentCount("records >= 1"); }},
      {"segmentMembers", Role::kReader,
       [](rpc::Client& c) { c.SegmentMembers("records >= 1", 10); }},
      {"listSegments", Role::kReader, [](rpc::Client& c) { c.ListSegments(); }},
      {"ingest", Role::kWriter, [&](rpc::Client& c) { c.Ingest(more); }},
      {"defineSegment", Role::kWriter,
       [](rpc::Client& c) { c.DefineSegment("everyone", "records >= 1"); }},
      {"eraseIdentifier", Role::kAdmin,
       [](rpc::Client& c) { c.EraseIdentifier("email", "nobody@example.com"); }},
      {"eraseProfile", Role::kAdmin, [](rpc::Client& c) { c.EraseProfile(987654321); }},
      {"reloadConfig", Role::kAdmin, [](rpc::Client& c) { c.ReloadConfig(); }},
      {"reresolve", Role::kAdmin, [](rpc::Client& c) { c.Reresolve(); }},
      {"reresolveProgress", Role::kAdmin, [](rpc::Client& c) { c.ReresolveProgress(); }},
  };
  const std::pair<const char*, Role> tokens[] = {
      {kReaderToken, Role::kReader}, {kWriterToken, Role::kWriter}, {kAdminToken, Role::kAdmin}};
  for (const auto& [token, role] : tokens) {
    rpc::Client c = s.Connect(token);
    EXPECT_EQ(c.role(), role);
    for (const Call& call : calls) {
      const std::string error = ErrorOf([&] { call.run(c); });
      if (role >= call.needs) {
        EXPECT_EQ(error, "") << rpc::RoleName(role) << " " << call.name;
      } else {
        EXPECT_TRUE(Contains(error, "permission denied"))
            << rpc::RoleName(role) << " " << call.name;
      }
    }
  }
}

TEST(Service, BadRequestsFailAndTheServerGoesOn) {
  TestServer s;
  rpc::Client admin = s.Connect(kAdminToken);
  const std::vector<IncomingRecord> seed = {Rec("crm", "c1", {{"email", "a@example.com"}})};
  admin.Ingest(seed);
  auto still_serving = [&] {
    EXPECT_EQ(admin.Lookup("email", "a@example.com").profiles.size(), 1u);
  };

  EXPECT_TRUE(Contains(ErrorOf([&] { admin.Lookup("fax", "123"); }),
                       "unknown identifier kind 'fax' (the server knows: email, phone, "
                       "customer_id, device_id)"));
  still_serving();
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.Lookup("email", ""); }), "empty value"));
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.Lookup("email", "   "); }), "empty value"));
  still_serving();
  const std::vector<rpc::Identifier> one_bad = {{"email", "a@example.com"}, {"fax", "1"}};
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.LookupBatch(one_bad); }), "unknown identifier kind"));
  const std::vector<rpc::Identifier> too_many(51, rpc::Identifier{"email", "a@example.com"});
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.LookupBatch(too_many); }),
                       "51 keys in one call; the server takes at most 50"));
  std::vector<IncomingRecord> big;
  for (int i = 0; i < 51; ++i) big.push_back(Rec("crm", std::to_string(i), {}));
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.Ingest(big); }),
                       "51 records in one call; the server takes at most 50"));
  EXPECT_EQ(admin.Lookup("email", "a@example.com").profiles[0].records, 1u);  // none taken
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         admin.Explain({"erp", "1"}, {"crm", "c1"});
                       }),
                       "unknown source 'erp' (the server knows: crm, web)"));
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         admin.Explain({"crm", ""}, {"crm", "c1"});
                       }),
                       "empty record id"));
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.Stats(5000); }), "at most 1000"));
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.EraseIdentifier("fax", "1"); }),
                       "unknown identifier kind 'fax'"));
  EXPECT_TRUE(Contains(ErrorOf([&] { admin.EraseIdentifier("email", " "); }), "empty value"));
  still_serving();
  rpc::Client fresh = s.Connect(kReaderToken);
  EXPECT_EQ(fresh.Lookup("email", "a@example.com").profiles.size(), 1u);
}

TEST(Service, ServerAddressAndShutdown) {
  TestServer s;
  EXPECT_TRUE(Contains(s.address(), "127.0.0.1:"));
  EXPECT_NE(s.address(), "127.0.0.1:0");
  EXPECT_EQ(s.server().threads(), 2u);
  // The port is taken: a second server on it must fail, not share it.
  ServerConfig same = s.graph().config().server;
  same.listen = s.address();
  EXPECT_TRUE(Contains(ErrorOf([&] { rpc::Server second(s.graph(), same); }), "cannot listen"));

  rpc::Client c = s.Connect(kReaderToken);
  EXPECT_EQ(c.Stats().records, 0u);
  s.server().Stop();
  EXPECT_NE(ErrorOf([&] { c.Stats(); }), "");
  EXPECT_TRUE(Contains(ErrorOf([&] { s.Connect(kReaderToken); }), s.address()));
  s.server().Stop();  // idempotent
}

TEST(Service, UnreachableServerIsAnError) {
  const std::string error = ErrorOf([] { rpc::Client("127.0.0.1:1", kReaderToken); });
  EXPECT_TRUE(Contains(error, "127.0.0.1:1")) << error;
  EXPECT_TRUE(
      Contains(ErrorOf([] { rpc::Client("not an address", kReaderToken); }), "not an address"));
}

}  // namespace
}  // namespace idg
