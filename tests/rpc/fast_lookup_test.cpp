// Lookups answered by the server's connection itself (rpc/fast_lookup.h): the same answers
// and errors as the RPC system gave, every other call left to it, calls on a promised
// session left to it too, and a reader released and a new session logged in on the same
// connection (capnp reuses export ids) still answered.
#include "rpc/fast_lookup.h"

#include <gtest/gtest.h>
#include <kj/async.h>

#include <string>
#include <vector>

#include "rpc/client.h"
#include "rpc/connection.h"
#include "rpc/idgraph.capnp.h"
#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using rpc::detail::FastLookupCount;
using test::Contains;
using test::kReaderToken;
using test::kWriterToken;
using test::Rec;
using test::TestServer;

void AddPeople(TestServer& s) {
  const std::vector<IncomingRecord> people = {
      Rec("crm", "c1", {{"email", "ann@example.com"}}),
      Rec("crm", "c2", {{"email", "ann@example.com"}, {"phone", "+4915112345678"}}),
      Rec("crm", "c3", {{"email", "bob@example.com"}})};
  s.Connect(kWriterToken).Ingest(people);
}

TEST(FastLookup, AnswersLookupsAndOnlyLookups) {
  TestServer s;
  AddPeople(s);
  rpc::Client reader = s.Connect(kReaderToken);
  const uint64_t before = FastLookupCount();
  const rpc::LookupReply ann = reader.Lookup("email", " Ann@Example.COM ");
  EXPECT_EQ(FastLookupCount(), before + 1);
  EXPECT_EQ(ann.normalized, "ann@example.com");
  ASSERT_EQ(ann.profiles.size(), 1u);
  EXPECT_EQ(ann.profiles[0].records, 2u);
  EXPECT_EQ(ann.profiles[0].identifiers.size(), 2u);
  EXPECT_TRUE(reader.Lookup("email", "nobody@example.com").profiles.empty());
  // A refused lookup fails with the service's own message, and the connection goes on.
  EXPECT_TRUE(Contains(test::ErrorOf([&] { reader.Lookup("shoe_size", "42"); }),
                       "unknown identifier kind 'shoe_size'"));
  EXPECT_TRUE(Contains(test::ErrorOf([&] { reader.Lookup("email", "  "); }),
                       "empty value for identifier kind 'email'"));
  EXPECT_EQ(FastLookupCount(), before + 4);
  // Other calls are the RPC system's.
  const std::vector<rpc::Identifier> bob = {{"email", "bob@example.com"}};
  EXPECT_EQ(reader.LookupBatch(bob)[0].profiles.size(), 1u);
  EXPECT_TRUE(reader.Profile(ann.profiles[0].id).has_value());
  EXPECT_EQ(FastLookupCount(), before + 4);
  EXPECT_EQ(reader.Lookup("email", "bob@example.com").profiles.size(), 1u);
}

TEST(FastLookup, PromisedSessionsAndNewSessionsOnOneConnection) {
  TestServer s;
  AddPeople(s);
  auto io = rpc::detail::ThreadEventLoop();
  auto& ws = io->waitScope;
  auto connection = rpc::detail::Connect(*io, s.address(), capnp::ReaderOptions());
  auto main = connection->Bootstrap().castAs<wire::Idgraph>();
  auto lookup = [&](wire::Reader::Client reader, const char* email) {
    auto req = reader.lookupRequest();
    req.getKey().setKind("email");
    req.getKey().setValue(email);
    auto reply = req.send().wait(ws);
    return reply.getResult().getProfiles().size();
  };
  auto login = [&] {
    auto req = main.loginRequest();
    req.setToken(kReaderToken);
    return req.send();
  };
  const uint64_t before = FastLookupCount();
  {
    // Called on the promised session before the login is answered: the RPC system's.
    auto promised = login();
    EXPECT_EQ(lookup(promised.getSession().getReader(), "ann@example.com"), 1u);
    EXPECT_EQ(FastLookupCount(), before);
    // Once the answer named it, the same reader is answered here.
    auto reader = promised.wait(ws).getSession().getReader();
    EXPECT_EQ(lookup(reader, "bob@example.com"), 1u);
    EXPECT_EQ(FastLookupCount(), before + 1);
  }  // the reader is released
  for (int i = 0; i < 3; ++i) {
    auto reader = login().wait(ws).getSession().getReader();
    EXPECT_EQ(lookup(reader, "ann@example.com"), 1u);
    EXPECT_EQ(lookup(reader, "nobody@example.com"), 0u);
  }
  EXPECT_EQ(FastLookupCount(), before + 7);
}

}  // namespace
}  // namespace idg
