// The benchmark load generator, which speaks the RPC protocol by hand: closed loop keeps its
// requests answered and counted, one per connection or several pipelined on each; paced sends
// on schedule, rate x seconds requests, and says how late it sent them; any role's session
// gives it the reader; a failed call, a refused login and a missing server are errors.
#include "rpc/load.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rpc/client.h"
#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::Contains;
using test::kAdminToken;
using test::kReaderToken;
using test::kWriterToken;
using test::Rec;
using test::TestServer;

TEST(LookupLoad, ClosedLoopAndPacedAnswerEveryRequest) {
  TestServer s;
  std::vector<IncomingRecord> people;
  std::vector<rpc::Identifier> keys;
  for (int i = 0; i < 20; ++i) {
    const std::string email = "p" + std::to_string(i) + "@example.com";
    people.push_back(Rec("crm", "c" + std::to_string(i), {{"email", email}}));
    keys.push_back({"email", " " + email});  // raw: normalized by the server
  }
  s.Connect(kWriterToken).Ingest(people);

  const rpc::LoadReport closed = rpc::RunLookupLoad({s.address(), kReaderToken, keys, 4, 0, 0.2});
  EXPECT_GT(closed.requests, 0u);
  EXPECT_EQ(closed.not_found, 0u);
  EXPECT_LE(closed.max_in_flight, 4u);
  EXPECT_GT(closed.p99_us, 0);
  EXPECT_LE(closed.p50_us, closed.p99_us);

  rpc::LookupLoad paced{s.address(), kReaderToken, keys, 0, 0, 0.5};
  paced.rate = 2000;
  const rpc::LoadReport r = rpc::RunLookupLoad(paced);
  EXPECT_EQ(r.requests, 1000u);  // rate x seconds, however late the ticks came
  EXPECT_EQ(r.not_found, 0u);
  EXPECT_GE(r.send_lag_p99_us, 0);

  // Paced over one connection, a request every 500 µs, each answered long before the next:
  // a finish waits for the next request and goes in its write, not in a write of its own.
  paced.connections = 1;
  const rpc::LoadReport one = rpc::RunLookupLoad(paced);
  EXPECT_EQ(one.requests, 1000u);
  EXPECT_GE(one.writes, 500u);
  EXPECT_LE(one.writes, one.requests + 1);  // + the last finishes

  std::vector<rpc::Identifier> unknown = {{"email", "nobody@example.com"}};
  const rpc::LoadReport missing =
      rpc::RunLookupLoad({s.address(), kReaderToken, unknown, 2, 0, 0.1});
  EXPECT_EQ(missing.not_found, missing.requests);
  EXPECT_THROW(rpc::RunLookupLoad({s.address(), "wrong", keys, 1, 0, 0.1}), Error);
}

std::string LoadError(const rpc::LookupLoad& load) {
  return test::ErrorOf([&] { rpc::RunLookupLoad(load); });
}

TEST(LookupLoad, PipelinesOverFewerConnectionsWithAnyRole) {
  TestServer s;
  const std::vector<IncomingRecord> people = {Rec("crm", "c1", {{"email", "a@example.com"}}),
                                              Rec("crm", "c2", {{"email", "b@example.com"}})};
  s.Connect(kWriterToken).Ingest(people);
  const std::vector<rpc::Identifier> keys = {
      {"email", "A@example.com"}, {"email", "b@example.com"}, {"email", "nobody@example.com"}};
  // An admin's session holds three capabilities; the lookups go to its reader.
  const rpc::LoadReport r = rpc::RunLookupLoad({s.address(), kAdminToken, keys, 8, 2, 0.3});
  EXPECT_GT(r.requests, 30u);
  EXPECT_EQ(r.max_in_flight, 8u);
  // Each connection sends its four together, and four more only when all four are answered.
  EXPECT_EQ(r.requests % 4, 0u);
  // Every third key is unknown, looked up in turn.
  EXPECT_NEAR(double(r.not_found), double(r.requests) / 3, 8);
}

TEST(LookupLoad, PacedPipelineGroupsRequestsDueTogetherOnOneConnection) {
  TestServer s;
  const std::vector<IncomingRecord> people = {Rec("crm", "c1", {{"email", "a@example.com"}})};
  s.Connect(kWriterToken).Ingest(people);
  const std::vector<rpc::Identifier> keys = {{"email", "a@example.com"}};
  // Eight requests all due within a microsecond (2^-20 s): at most the first leaves alone, the
  // rest in the next turn. Over eight connections one at a time, each goes in a write of its
  // own; pipelined eight deep, all go on the first connection, in at most two writes and one
  // more for the last finishes.
  rpc::LookupLoad load{s.address(), kReaderToken, keys, 0, 8, 1.0 / (1 << 20)};
  load.rate = 8 << 20;
  const rpc::LoadReport spread = rpc::RunLookupLoad(load);
  load.pipeline = 8;
  const rpc::LoadReport grouped = rpc::RunLookupLoad(load);
  EXPECT_EQ(spread.requests, 8u);
  EXPECT_EQ(grouped.requests, 8u);
  EXPECT_EQ(grouped.not_found, 0u);
  EXPECT_GE(spread.writes, 8u) << spread.writes;
  EXPECT_LE(grouped.writes, 3u);
  load.pipeline = 0;
  EXPECT_TRUE(Contains(LoadError(load), "pipeline is at least 1"));
}

TEST(LookupLoad, ReadsAnswersLargerThanItsBuffer) {
  // 400 records of one person, each with a device of its own: each answer carries all 401
  // identifiers, tens of kilobytes, read in several pieces into a buffer that starts at 8 KiB.
  TestServer s;
  std::vector<IncomingRecord> records;
  for (int i = 0; i < 400; ++i) {
    std::string id = "r";  // not "r" + to_string(i): GCC 12 warns wrongly (-Wrestrict) here
    id += std::to_string(i);
    records.push_back(Rec("crm", id, {{"email", "big@example.com"}, {"device_id", id}}));
  }
  rpc::Client writer = s.Connect(kWriterToken);
  for (size_t i = 0; i < records.size(); i += 50) {  // the test server's max_batch
    writer.Ingest(std::span<const IncomingRecord>(records).subspan(i, 50));
  }
  const rpc::LookupReply one = writer.Lookup("email", "big@example.com");
  ASSERT_EQ(one.profiles.size(), 1u);
  ASSERT_EQ(one.profiles[0].identifiers.size(), 401u);
  const std::vector<rpc::Identifier> keys = {{"email", "big@example.com"}};
  const rpc::LoadReport r = rpc::RunLookupLoad({s.address(), kReaderToken, keys, 4, 2, 0.2});
  EXPECT_GT(r.requests, 4u);
  EXPECT_EQ(r.not_found, 0u);
}

TEST(LookupLoad, FailuresAreErrors) {
  TestServer s;
  const std::vector<rpc::Identifier> bad_kind = {{"shoe_size", "42"}};
  EXPECT_TRUE(Contains(LoadError({s.address(), kReaderToken, bad_kind, 1, 0, 0.1}),
                       "unknown identifier kind 'shoe_size'"));
  const std::vector<rpc::Identifier> keys = {{"email", "a@example.com"}};
  EXPECT_TRUE(Contains(LoadError({s.address(), "wrong", keys, 1, 0, 0.1}), "unknown token"));
  const std::string address = s.address();
  s.server().Stop();
  EXPECT_TRUE(Contains(LoadError({address, kReaderToken, keys, 1, 0, 0.1}), "cannot connect"));
}

}  // namespace
}  // namespace idg
