// Lookups answered by the server's connection itself (rpc/fast_lookup.h): the same answers
// and errors as the RPC system gave, every other call left to it, calls on a promised
// session left to it too, and a reader released and a new session logged in on the same
// connection (capnp reuses export ids) still answered; hundreds of lookups written at once,
// more than the read-ahead buffer holds, all answered, behind a large message too; a message
// cut short ends its connection and no other.
#include "rpc/fast_lookup.h"

#include <gtest/gtest.h>
#include <kj/async.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "rpc/client.h"
#include "rpc/connection.h"
#include "rpc/idgraph.capnp.h"
#include "rpc/lookup_wire.h"
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

// Waits for `wire` to become readable, up to 10 s.
bool Readable(const rpc::detail::LookupWire& wire) {
  pollfd p{wire.fd(), POLLIN, 0};
  return ::poll(&p, 1, 10'000) == 1;
}

// A connection of the hand-written wire to `s`, logged in as a reader.
rpc::detail::LookupWire ReaderWire(const TestServer& s) {
  rpc::detail::LookupWire wire(s.address());
  wire.Login(kReaderToken);
  return wire;
}

// Sends what `wire` holds, then reads the answers to questions 2 .. 2 + calls - 1: the profiles
// each found, by question (99: not answered).
std::vector<uint32_t> SendAndReceive(rpc::detail::LookupWire& wire, uint32_t calls) {
  while (!wire.Flush()) {
  }
  std::vector<uint32_t> found(2 + calls, 99);
  uint32_t answers = 0;
  while (answers < calls) {
    if (!Readable(wire)) {
      ADD_FAILURE() << "no answer after " << answers;
      break;
    }
    wire.Receive([&](uint32_t q, uint32_t profiles) {
      ASSERT_LT(q, found.size());
      EXPECT_EQ(found[q], 99u) << "question " << q << " answered twice";
      found[q] = profiles;
      ++answers;
    });
  }
  return found;
}

TEST(FastLookup, ManyLookupsInOneWriteSpanSeveralReads) {
  TestServer s;
  AddPeople(s);
  rpc::detail::LookupWire wire = ReaderWire(s);
  // About 70 KB of calls in one write: messages straddle the server's 16 KiB reads.
  constexpr uint32_t kCalls = 600;
  const uint64_t before = FastLookupCount();
  for (uint32_t q = 2; q < 2 + kCalls; ++q) {
    wire.AppendLookup(q, {"email", q % 3 == 0 ? "nobody@example.com" : " Ann@Example.com"});
  }
  const std::vector<uint32_t> found = SendAndReceive(wire, kCalls);
  for (uint32_t q = 2; q < 2 + kCalls; ++q) EXPECT_EQ(found[q], q % 3 == 0 ? 0u : 1u) << q;
  EXPECT_EQ(FastLookupCount(), before + kCalls);
}

TEST(FastLookup, LookupsAfterAMessageLargerThanTheBufferAreAnswered) {
  TestServer s;
  AddPeople(s);
  rpc::detail::LookupWire wire = ReaderWire(s);
  // A lookup of 20 KB (more than the read-ahead buffer: read the usual way, then answered
  // here too), then 300 small ones behind it in the same write.
  constexpr uint32_t kCalls = 301;
  wire.AppendLookup(2, {"email", "bob@example.com"}, 20'003);
  for (uint32_t q = 3; q < 2 + kCalls; ++q) wire.AppendLookup(q, {"email", "ann@example.com"});
  const std::vector<uint32_t> found = SendAndReceive(wire, kCalls);
  for (uint32_t q = 2; q < 2 + kCalls; ++q) EXPECT_EQ(found[q], 1u) << q;
}

TEST(FastLookup, AMessageCutShortEndsOnlyItsConnection) {
  TestServer s;
  AddPeople(s);
  rpc::Client reader = s.Connect(kReaderToken);
  rpc::detail::LookupWire wire = ReaderWire(s);
  // A frame announcing one segment of 100 words, then 2 of them and the end of the stream.
  const uint32_t frame[6] = {0, 100, 1, 2, 3, 4};
  ASSERT_EQ(::write(wire.fd(), frame, sizeof frame), ssize_t(sizeof frame));
  ::shutdown(wire.fd(), SHUT_WR);
  // The server closes the connection (after an abort message, at most).
  char buf[4096];
  ssize_t n = 1;
  for (int reads = 0; n > 0 && reads < 100; ++reads) {
    ASSERT_TRUE(Readable(wire));
    n = ::read(wire.fd(), buf, sizeof buf);
  }
  EXPECT_LE(n, 0);
  EXPECT_EQ(reader.Lookup("email", "ann@example.com").profiles.size(), 1u);
}

}  // namespace
}  // namespace idg
