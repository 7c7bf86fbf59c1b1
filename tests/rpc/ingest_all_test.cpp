// Client::IngestAll: batches in flight together give what one batch at a time gives, reported
// in order; a batch the server refuses stops the sending and is named, and the batches already
// in flight are still reported.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "rpc/client.h"
#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::Contains;
using test::kWriterToken;
using test::Rec;
using test::TestServer;

// People who share emails and phones across records, so that later batches merge profiles
// that earlier ones made.
std::vector<IncomingRecord> Chain(int n) {
  std::vector<IncomingRecord> out;
  for (int i = 0; i < n; ++i) {
    const std::string me = std::to_string(i);
    const std::string phone = "+1 415 555 " + std::to_string(1000 + i / 4);  // 4 records a phone
    out.push_back(Rec(i % 2 ? "web" : "crm", "r" + me,
                      {{"email", "p" + me + "@example.com"}, {"phone", phone}},
                      {{"first_name", "N" + me}}, 1700000000 + i));
  }
  return out;
}

TEST(IngestAll, InFlightTogetherEqualsOneAtATime) {
  const std::vector<IncomingRecord> records = Chain(40);
  TestServer one, many;
  rpc::Client a = one.Connect(kWriterToken);
  std::vector<ProfileId> sequential;
  for (size_t i = 0; i < records.size(); i += 3) {
    const size_t n = std::min<size_t>(3, records.size() - i);
    const IngestResult r = a.Ingest(std::span<const IncomingRecord>(records).subspan(i, n));
    sequential.insert(sequential.end(), r.profiles.begin(), r.profiles.end());
  }

  rpc::Client b = many.Connect(kWriterToken);
  std::vector<ProfileId> pipelined;
  std::vector<size_t> firsts;
  b.IngestAll(records, 3, [&](size_t first, IngestResult&& r) {
    firsts.push_back(first);
    pipelined.insert(pipelined.end(), r.profiles.begin(), r.profiles.end());
  }, 4);
  std::vector<size_t> expected_firsts;
  for (size_t i = 0; i < records.size(); i += 3) expected_firsts.push_back(i);
  EXPECT_EQ(firsts, expected_firsts);
  EXPECT_EQ(pipelined, sequential);
  EXPECT_EQ(many.graph().Stats().profiles, 10u);  // merged across batches of 3
  EXPECT_EQ(one.graph().Stats().profiles, 10u);
  EXPECT_EQ(many.graph().Stats().ingested_records, records.size());
}

TEST(IngestAll, ARefusedBatchIsNamedAndTheOnesInFlightAreReported) {
  Config config = test::TestConfig();
  config.server.max_batch = 5;
  TestServer s(config);
  rpc::Client c = s.Connect(kWriterToken);
  const std::vector<IncomingRecord> records = Chain(20);
  // Batches of 6 are over the limit; the last (records 18 and 19) is not.
  const auto last_two = std::span<const IncomingRecord>(records).subspan(12);
  std::vector<size_t> reported;
  try {
    c.IngestAll(last_two, 6, [&](size_t first, IngestResult&&) { reported.push_back(first); }, 2);
    ADD_FAILURE() << "no error";
  } catch (const rpc::IngestFailed& e) {
    EXPECT_EQ(e.first, 0u);
    EXPECT_EQ(e.count, 6u);
    EXPECT_TRUE(Contains(e.what(), "at most 5")) << e.what();
  }
  // The second batch (records 6 and 7 of the span) was already in flight, and went in.
  EXPECT_EQ(reported, std::vector<size_t>{6});
  EXPECT_EQ(s.graph().Stats().ingested_records, 2u);
  // One batch in flight: nothing after the refused batch is sent.
  try {
    c.IngestAll(records, 6, [&](size_t, IngestResult&&) { ADD_FAILURE(); }, 1);
    ADD_FAILURE() << "no error";
  } catch (const rpc::IngestFailed& e) {
    EXPECT_EQ(e.first, 0u);
  }
  EXPECT_EQ(s.graph().Stats().ingested_records, 2u);
}

}  // namespace
}  // namespace idg
