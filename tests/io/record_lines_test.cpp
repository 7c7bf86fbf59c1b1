#include "io/record_lines.h"

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(RecordLines, ParsesRecordsAndKeepsTheirLines) {
  const RecordLines r = ParseRecordLines(
      R"({"source":"crm","id":"c1","timestamp":1700000000,"identifiers":{"email":"a@x.com"},)"
      R"("attributes":{"first_name":"Ann"}})"
      "\n\n"
      R"({"id":42,"source":"web","timestamp":"2024-03-05T10:11:12Z",)"
      R"("identifiers":{"phone":["+1 415 555 2671","+1 415 555 0000"],"customer_id":7,"device_id":null}})"
      "\r\n"
      R"({"source":"web","id":"w2"})");
  ASSERT_TRUE(r.issues.empty()) << r.issues[0].reason;
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 3, 4}));
  EXPECT_EQ(r.records[0].source, "crm");
  EXPECT_EQ(r.records[0].id, "c1");
  EXPECT_EQ(r.records[0].timestamp, 1700000000);
  EXPECT_EQ(r.records[0].identifiers, (Pairs{{"email", "a@x.com"}}));
  EXPECT_EQ(r.records[0].attributes, (Pairs{{"first_name", "Ann"}}));
  EXPECT_EQ(r.records[1].id, "42");
  EXPECT_EQ(r.records[1].timestamp, 1709633472);
  EXPECT_EQ(
      r.records[1].identifiers,
      (Pairs{{"phone", "+1 415 555 2671"}, {"phone", "+1 415 555 0000"}, {"customer_id", "7"}}));
  EXPECT_EQ(r.records[2].timestamp, 0);
  EXPECT_TRUE(r.records[2].identifiers.empty());
}

TEST(RecordLines, MalformedLinesAreReportedAndTheRestRead) {
  const RecordLines r = ParseRecordLines(
      "{\"source\":\"crm\",\"id\":\"ok1\"}\n"
      "not json\n"
      "[1,2]\n"
      "{\"id\":\"x\"}\n"
      "{\"source\":\"crm\"}\n"
      "{\"source\":\"crm\",\"id\":\"x\",\"identifiers\":{\"email\":{\"a\":1}}}\n"
      "{\"source\":\"crm\",\"id\":\"x\",\"attributes\":{\"city\":[\"a\"]}}\n"
      "{\"source\":\"crm\",\"id\":\"x\",\"timestamp\":\"yesterday\"}\n"
      "{\"source\":\"crm\",\"id\":\"x\",\"identifers\":{}}\n"
      "{\"source\":\"crm\",\"id\":\"ok2\"}\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].id, "ok2");
  EXPECT_EQ(r.lines, (std::vector<uint64_t>{1, 10}));
  ASSERT_EQ(r.issues.size(), 8u);
  const std::pair<uint64_t, std::string> want[] = {{2, ""},
                                                   {3, ""},
                                                   {4, "source"},
                                                   {5, "id"},
                                                   {6, "identifiers.email"},
                                                   {7, "attributes.city"},
                                                   {8, "timestamp"},
                                                   {9, "identifers"}};
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(r.issues[i].line, want[i].first) << i;
    EXPECT_EQ(r.issues[i].field, want[i].second) << i;
    EXPECT_FALSE(r.issues[i].reason.empty());
  }
  EXPECT_TRUE(test::Contains(r.issues[8 - 1].reason, "unknown key"));
}

TEST(RecordLines, ReadsFilesAndNamesUnreadableOnes) {
  test::TempDir dir;
  const std::string path = dir.Write("in.jsonl", "{\"source\":\"crm\",\"id\":\"c1\"}\n");
  EXPECT_EQ(ReadRecordLines(path).records.size(), 1u);
  try {
    ReadRecordLines(dir.Path("missing.jsonl"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(test::Contains(e.what(), "missing.jsonl"));
  }
}

}  // namespace
}  // namespace idg
