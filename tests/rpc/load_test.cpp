// The benchmark load generator: closed loop keeps its requests answered and counted; paced
// sends on schedule, rate x seconds requests, and says how late it sent them.
#include "rpc/load.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rpc/client.h"
#include "tests/rpc/test_service.h"

namespace idg {
namespace {

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

  std::vector<rpc::Identifier> unknown = {{"email", "nobody@example.com"}};
  const rpc::LoadReport missing =
      rpc::RunLookupLoad({s.address(), kReaderToken, unknown, 2, 0, 0.1});
  EXPECT_EQ(missing.not_found, missing.requests);
  EXPECT_THROW(rpc::RunLookupLoad({s.address(), "wrong", keys, 1, 0, 0.1}), Error);
}

}  // namespace
}  // namespace idg
