#include "io/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/config_loader.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;


using test::Contains;
using test::TempDir;

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

constexpr const char* kKinds =
    "[kinds.email]\nnormalizer = \"email\"\n"
    "[kinds.phone]\nnormalizer = \"phone\"\n"
    "[kinds.customer_id]\n"
    "[kinds.device_id]\nnormalizer = \"lower\"\n"
    "[attributes]\nfirst_name = { normalizer = \"name\" }\n";

// Loads the sources of `sources_toml` (paths relative to `dir`) and keeps what a test asks.
struct Loaded {
  Config config;
  Interner interner;
  LoadResult result;
  std::vector<std::string> rejects;  // reject file lines, header first

  // The record with this source record id, or kNoRecord.
  RecordId Find(std::string_view id) const {
    for (RecordId r = 0; r < result.records.size(); ++r) {
      if (result.records.source_record_id(r) == id) return r;
    }
    return kNoRecord;
  }
  // "kind:value" of every identifier of record r, sorted.
  std::vector<std::string> Idents(RecordId r) const {
    std::vector<std::string> out;
    for (IdentifierId id : result.records.identifiers(r)) {
      out.push_back(config.kinds[interner.kind(id)].name + ":" + std::string(interner.value(id)));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::string> Attrs(RecordId r) const {
    std::vector<std::string> out;
    for (const AttrValue& a : result.records.attributes(r)) {
      out.push_back(config.attributes[a.attr].name + ":" + std::string(a.value));
    }
    return out;
  }
  // Reject lines (without the header) that start with `location` ("path:line").
  std::vector<std::string> RejectsAt(const std::string& location) const {
    std::vector<std::string> out;
    for (size_t i = 1; i < rejects.size(); ++i) {
      if (rejects[i].rfind(location + "\t", 0) == 0) out.push_back(rejects[i]);
    }
    return out;
  }
};

std::unique_ptr<Loaded> LoadWith(const TempDir& dir, const std::string& sources_toml,
                                 const std::string& kinds = kKinds) {
  auto l = std::make_unique<Loaded>();
  l->config = ParseConfig(kinds + sources_toml, "t.toml", dir.str());
  LoadOptions options;
  options.reject_path = dir.Path("rejects.tsv");
  l->result = Load(l->config, l->interner, options);
  l->rejects = ReadLines(options.reject_path);
  EXPECT_FALSE(l->rejects.empty());
  if (!l->rejects.empty()) {
    EXPECT_EQ(l->rejects[0], "location\tfield\treason\taction\trow");
  }
  // Every rejected row and dropped value has one line in the reject file.
  EXPECT_EQ(l->rejects.size(), 1 + l->result.rejected_rows() + l->result.dropped_values());
  uint64_t records = 0;
  for (const SourceStats& s : l->result.sources) records += s.records;
  EXPECT_EQ(records, l->result.records.size());
  return l;
}

constexpr const char* kCrmSource =
    "[sources.crm]\npath = \"crm.csv\"\nid = \"id\"\n"
    "fields = { email = \"email\", phone = \"phone\", name = \"first_name\" }\n";

TEST(Load, CsvQuotedFieldsEmbeddedDelimiterAndNewline) {
  TempDir dir;
  dir.Write("crm.csv",
            "id,email,phone,name\r\n"
            "1,\"A@X.com\",\"(415) 555-2671\",\"Smith, John\"\r\n"
            "2,b@x.com,,\"multi\nline\"\r\n"
            "\"3\",\"c@x.com\",\"\",\"say \"\"hi\"\"\"\r\n");
  auto l = LoadWith(dir, kCrmSource);
  ASSERT_EQ(l->result.records.size(), 3u);
  EXPECT_EQ(l->result.rejected_rows(), 0u);
  const RecordId r1 = l->Find("1"), r2 = l->Find("2"), r3 = l->Find("3");
  ASSERT_NE(r1, kNoRecord);
  ASSERT_NE(r2, kNoRecord);
  ASSERT_NE(r3, kNoRecord);
  EXPECT_EQ(l->Idents(r1), (std::vector<std::string>{"email:a@x.com", "phone:+14155552671"}));
  EXPECT_EQ(l->Attrs(r1), (std::vector<std::string>{"first_name:smith john"}));
  EXPECT_EQ(l->Idents(r2), (std::vector<std::string>{"email:b@x.com"}));
  EXPECT_EQ(l->Attrs(r2), (std::vector<std::string>{"first_name:multi line"}));
  EXPECT_EQ(l->Idents(r3), (std::vector<std::string>{"email:c@x.com"}));
  EXPECT_EQ(l->Attrs(r3), (std::vector<std::string>{"first_name:say \"hi\""}));
  ASSERT_EQ(l->result.sources.size(), 1u);
  EXPECT_EQ(l->result.sources[0].name, "crm");
  EXPECT_EQ(l->result.sources[0].path, dir.Path("crm.csv"));
  EXPECT_GT(l->result.sources[0].bytes, 0u);
}

TEST(Load, MultiCharacterAndSemicolonDelimiters) {
  TempDir dir;
  dir.Write("febrl.csv",
            "rec_id, given_name, email\n"
            "rec-1-org, john, j@x.com\n"
            "rec-1-dup-0, jon, J@X.COM\n");
  dir.Write("pos.csv", "txn;phone;email\nt1;4155552671;p@x.com\nt2;+1 415 555 2671;\n");
  auto l = LoadWith(dir,
                    "[sources.febrl]\npath = \"febrl.csv\"\ndelimiter = \", \"\nid = \"rec_id\"\n"
                    "fields = { given_name = \"first_name\", email = \"email\" }\n"
                    "[sources.pos]\npath = \"pos.csv\"\ndelimiter = \";\"\nid = \"txn\"\n"
                    "fields = { phone = \"phone\", email = \"email\" }\n");
  ASSERT_EQ(l->result.records.size(), 4u);
  EXPECT_EQ(l->result.rejected_rows(), 0u);
  EXPECT_EQ(l->Idents(l->Find("rec-1-org")), (std::vector<std::string>{"email:j@x.com"}));
  EXPECT_EQ(l->Attrs(l->Find("rec-1-dup-0")), (std::vector<std::string>{"first_name:jon"}));
  EXPECT_EQ(l->Idents(l->Find("t1")),
            (std::vector<std::string>{"email:p@x.com", "phone:+14155552671"}));
  EXPECT_EQ(l->Idents(l->Find("t2")), (std::vector<std::string>{"phone:+14155552671"}));
  const auto phone = l->interner.Find(1, "+14155552671");
  ASSERT_TRUE(phone.has_value());
  EXPECT_EQ(l->interner.count(*phone), 2u);
  const auto email = l->interner.Find(0, "j@x.com");
  ASSERT_TRUE(email.has_value());
  EXPECT_EQ(l->interner.count(*email), 2u);
  ASSERT_EQ(l->result.sources.size(), 2u);
  EXPECT_EQ(l->result.sources[0].records, 2u);
  EXPECT_EQ(l->result.sources[1].records, 2u);
}

TEST(Load, BadRowsGoToTheRejectFileAndLaterRowsStillLoad) {
  TempDir dir;
  const std::string path = dir.Write("crm.csv",
                                     "id,email,phone,name\n"  // 1
                                     "1,a@x.com,,Ann\n"       // 2
                                     "2,b@x.com,\n"           // 3: 3 fields
                                     "3,c@x.com,,Cy,extra\n"  // 4: 5 fields
                                     ",d@x.com,,Dee\n"        // 5: no id
                                     "  ,d2@x.com,,Dee\n"     // 6: blank id
                                     "7,e\xff@x.com,,Eve\n"   // 7: invalid UTF-8
                                     "8,f@x.com,,Fay\n");     // 8
  auto l = LoadWith(dir, kCrmSource);
  EXPECT_EQ(l->result.records.size(), 2u);
  EXPECT_NE(l->Find("1"), kNoRecord);
  EXPECT_NE(l->Find("8"), kNoRecord);
  EXPECT_EQ(l->Find("2"), kNoRecord);
  EXPECT_EQ(l->Find("3"), kNoRecord);
  EXPECT_EQ(l->Find("7"), kNoRecord);
  EXPECT_EQ(l->Idents(l->Find("8")), (std::vector<std::string>{"email:f@x.com"}));
  EXPECT_EQ(l->result.sources[0].rejected_rows, 5u);
  EXPECT_EQ(l->result.sources[0].dropped_values, 0u);
  EXPECT_FALSE(l->interner.Find(0, "b@x.com").has_value());

  auto one = [&](int line) {
    auto lines = l->RejectsAt(path + ":" + std::to_string(line));
    EXPECT_EQ(lines.size(), 1u) << "line " << line;
    return lines.empty() ? std::string() : lines[0];
  };
  std::string r = one(3);
  EXPECT_TRUE(Contains(r, "expected 4 fields, got 3"));
  EXPECT_TRUE(Contains(r, "\trow rejected\t2,b@x.com,"));
  EXPECT_TRUE(Contains(one(4), "expected 4 fields, got 5"));
  r = one(5);
  EXPECT_TRUE(Contains(r, "\tid\tmissing source record id\trow rejected\t"));
  EXPECT_TRUE(Contains(one(6), "missing source record id"));
  r = one(7);
  EXPECT_TRUE(Contains(r, "invalid UTF-8"));
  EXPECT_TRUE(Contains(r, "\temail\t"));
}

TEST(Load, BadValueDroppedOrRowRejected) {
  TempDir dir;
  const std::string csv =
      "id,email,phone,name\n"
      "1,a@x.com,not a phone,Ann\n"  // 2
      "2,b@x.com,4155552671,Bo\n";   // 3
  const std::string path = dir.Write("crm.csv", csv);
  {
    auto l = LoadWith(dir, kCrmSource);
    ASSERT_EQ(l->result.records.size(), 2u);
    const RecordId r1 = l->Find("1");
    ASSERT_NE(r1, kNoRecord);
    EXPECT_EQ(l->Idents(r1), (std::vector<std::string>{"email:a@x.com"}));
    EXPECT_EQ(l->Attrs(r1), (std::vector<std::string>{"first_name:ann"}));
    EXPECT_EQ(l->result.sources[0].dropped_values, 1u);
    EXPECT_EQ(l->result.sources[0].rejected_rows, 0u);
    const auto lines = l->RejectsAt(path + ":2");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_TRUE(Contains(lines[0], "\tphone\t"));
    EXPECT_TRUE(Contains(lines[0], "\tvalue dropped\t1,a@x.com,not a phone,Ann"));
  }
  {
    auto l = LoadWith(dir, std::string(kCrmSource) + "on_bad_value = \"reject_row\"\n");
    ASSERT_EQ(l->result.records.size(), 1u);
    EXPECT_EQ(l->Find("1"), kNoRecord);
    EXPECT_NE(l->Find("2"), kNoRecord);
    EXPECT_EQ(l->result.sources[0].dropped_values, 0u);
    EXPECT_EQ(l->result.sources[0].rejected_rows, 1u);
    // The rejected row interned nothing that counts.
    const auto email = l->interner.Find(0, "a@x.com");
    EXPECT_TRUE(!email.has_value() || l->interner.count(*email) == 0);
    const auto lines = l->RejectsAt(path + ":2");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_TRUE(Contains(lines[0], "\tphone\t"));
    EXPECT_TRUE(Contains(lines[0], "\trow rejected\t"));
  }
}

TEST(Load, RequiredColumnsAndBadTimestamp) {
  TempDir dir;
  const std::string path = dir.Write("crm.csv",
                                     "id,email,name,ts\n"
                                     "1,a@x.com,,2024-01-02T03:04:05Z\n"  // 2: no name
                                     "2,b@x.com,Bo,yesterday\n"           // 3: bad timestamp
                                     "3,c@x.com,Cy,1704164645\n");        // 4
  auto l = LoadWith(dir,
                    "[sources.crm]\npath = \"crm.csv\"\nid = \"id\"\ntimestamp = \"ts\"\n"
                    "required = [\"name\"]\n"
                    "fields = { email = \"email\", name = \"first_name\" }\n");
  ASSERT_EQ(l->result.records.size(), 2u);
  EXPECT_EQ(l->Find("1"), kNoRecord);
  const RecordId r2 = l->Find("2"), r3 = l->Find("3");
  ASSERT_NE(r2, kNoRecord);
  ASSERT_NE(r3, kNoRecord);
  EXPECT_EQ(l->result.records.timestamp(r2), 0);
  EXPECT_EQ(l->result.records.timestamp(r3), 1704164645);
  EXPECT_EQ(l->result.sources[0].rejected_rows, 1u);
  EXPECT_EQ(l->result.sources[0].dropped_values, 1u);
  ASSERT_EQ(l->RejectsAt(path + ":2").size(), 1u);
  EXPECT_TRUE(Contains(l->RejectsAt(path + ":2")[0], "\tname\tmissing required field\t"));
  ASSERT_EQ(l->RejectsAt(path + ":3").size(), 1u);
  EXPECT_TRUE(Contains(l->RejectsAt(path + ":3")[0], "\tts\t"));
  EXPECT_TRUE(Contains(l->RejectsAt(path + ":3")[0], "value dropped"));
}

TEST(Load, IdentifyEvents) {
  TempDir dir;
  const std::string path = dir.Write(
      "web.jsonl",
      "{\"type\":\"identify\",\"messageId\":\"m1\",\"userId\":123,\"anonymousId\":\"ABC-1\","
      "\"traits\":{\"email\":\"W@X.com\",\"firstName\":\"Ann\"},"
      "\"timestamp\":\"2024-01-02T03:04:05Z\"}\n"                                         // 1
      "{\"type\":\"track\",\"messageId\":\"m2\",\"userId\":\"u2\"}\n"                     // 2
      "{\"type\":\"identify\",\"messageId\":\"m3\",\"userId\":\n"                         // 3
      "\n"                                                                                // 4
      "{\"type\":\"page\",\"messageId\":\"m5\"}\n"                                        // 5
      "{\"type\":\"identify\",\"messageId\":\"m6\",\"userId\":\"u6\",\"traits\":null}\n"  // 6
      "[1,2]\n"                                                                           // 7
      "{\"type\":\"identify\",\"messageId\":\"m8\",\"traits\":{\"phone\":\"bad\"}}\n");   // 8
  auto l = LoadWith(dir, "[sources.web]\nformat = \"identify\"\npath = \"web.jsonl\"\n");
  const SourceStats& st = l->result.sources[0];
  EXPECT_EQ(st.records, 3u);
  EXPECT_EQ(st.skipped_events, 2u);
  EXPECT_EQ(st.rejected_rows, 2u);
  EXPECT_EQ(st.dropped_values, 1u);
  const RecordId m1 = l->Find("m1");
  ASSERT_NE(m1, kNoRecord);
  EXPECT_EQ(l->Idents(m1),
            (std::vector<std::string>{"customer_id:123", "device_id:abc-1", "email:w@x.com"}));
  EXPECT_EQ(l->Attrs(m1), (std::vector<std::string>{"first_name:ann"}));
  EXPECT_EQ(l->result.records.timestamp(m1), 1704164645);
  EXPECT_EQ(l->Idents(l->Find("m6")), (std::vector<std::string>{"customer_id:u6"}));
  EXPECT_TRUE(l->Idents(l->Find("m8")).empty());
  EXPECT_EQ(l->Find("m2"), kNoRecord);
  EXPECT_EQ(l->Find("m3"), kNoRecord);
  EXPECT_EQ(l->RejectsAt(path + ":3").size(), 1u);
  EXPECT_EQ(l->RejectsAt(path + ":7").size(), 1u);
  ASSERT_EQ(l->RejectsAt(path + ":8").size(), 1u);
  EXPECT_TRUE(Contains(l->RejectsAt(path + ":8")[0], "\ttraits.phone\t"));
}

TEST(Load, MissingColumnOrFileIsAnErrorNamingIt) {
  TempDir dir;
  const std::string path = dir.Write("crm.csv", "id,email,name\n1,a@x.com,Ann\n");
  try {
    LoadWith(dir, kCrmSource);  // needs a phone column
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), path));
    EXPECT_TRUE(Contains(e.what(), "phone"));
  }
  try {
    LoadWith(dir, "[sources.crm]\npath = \"nosuch.csv\"\nid = \"id\"\n");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), dir.Path("nosuch.csv")));
  }
}

TEST(Load, SameIdentifierTwiceInOneRecordCountsOnce) {
  TempDir dir;
  dir.Write("crm.csv",
            "id,email,email2,phone,alt\n"
            "1,a@x.com,A@X.COM ,4155552671,+1 (415) 555-2671\n"
            "2,a@x.com,,,\n");
  auto l = LoadWith(dir,
                    "[sources.crm]\npath = \"crm.csv\"\nid = \"id\"\n"
                    "fields = { email = \"email\", email2 = \"email\", phone = \"phone\", "
                    "alt = \"phone\" }\n");
  ASSERT_EQ(l->result.records.size(), 2u);
  EXPECT_EQ(l->Idents(l->Find("1")),
            (std::vector<std::string>{"email:a@x.com", "phone:+14155552671"}));
  const auto email = l->interner.Find(0, "a@x.com");
  const auto phone = l->interner.Find(1, "+14155552671");
  ASSERT_TRUE(email && phone);
  EXPECT_EQ(l->interner.count(*email), 2u);  // once per record
  EXPECT_EQ(l->interner.count(*phone), 1u);
}

TEST(Load, JunkIsInternedWithoutCounting) {
  TempDir dir;
  dir.Write("crm.csv", "id,email\n1,test@test.com\n");
  auto l = LoadWith(dir,
                    "[sources.crm]\npath = \"crm.csv\"\nid = \"id\"\n"
                    "fields = { email = \"email\" }\n",
                    "[kinds.email]\nnormalizer = \"email\"\njunk = [\"TEST@test.com\"]\n");
  ASSERT_EQ(l->result.junk.size(), 1u);
  EXPECT_EQ(l->interner.value(l->result.junk[0]), "test@test.com");
  EXPECT_EQ(l->interner.count(l->result.junk[0]), 1u);  // the record, not the junk list
  EXPECT_EQ(l->result.records.identifiers(0).front(), l->result.junk[0]);
}

// Hostile input must never crash the loader: each file either loads (bad rows rejected, counts
// consistent) or fails with idg::Error.
TEST(Load, HostileBytesNeverCrash) {
  TempDir dir;
  std::mt19937_64 rng(12345);
  auto random_bytes = [&](size_t n, bool printable) {
    std::string s(n, '\0');
    const char alphabet[] = "ab,\"\n\r;{}[]:\\\t @.0123456789\xc3\xa9\xff";
    for (char& c : s) {
      c = printable ? alphabet[rng() % (sizeof alphabet - 1)] : static_cast<char>(rng());
    }
    return s;
  };
  std::vector<std::pair<std::string, std::string>> csvs = {
      {"random.csv", "id,email,phone,name\n" + random_bytes(1 << 16, false)},
      {"noisy.csv", "id,email,phone,name\n" + random_bytes(1 << 16, true)},
      {"huge.csv", "id,email,phone,name\n1,a@x.com,,Ann\n2," + std::string(3 << 20, 'z') +
                       ",,\n3,c@x.com,,Cy\n"},
      {"nul.csv", "id,email,phone,name\n1,a\0b@x.com,,N\0m\n2,b@x.com,,B\n"s},
      {"open_quote.csv", "id,email,phone,name\n1,a@x.com,,Ann\n2,\"b@x.com,,Bo\n3,c@x.com,,Cy\n"},
      {"binary_header.csv", random_bytes(4096, false)},
      {"empty.csv", ""},
  };
  for (const auto& [name, bytes] : csvs) {
    SCOPED_TRACE(name);
    dir.Write("crm.csv", bytes);
    try {
      auto l = LoadWith(dir, kCrmSource);
      if (name == "huge.csv") {
        EXPECT_EQ(l->result.records.size(), 2u);
        EXPECT_EQ(l->result.rejected_rows(), 1u);
      }
      if (name == "nul.csv") {
        EXPECT_NE(l->Find("2"), kNoRecord);
      }
      if (name == "open_quote.csv") {
        EXPECT_NE(l->Find("1"), kNoRecord);
        EXPECT_EQ(l->result.rejected_rows(), 1u);
      }
    } catch (const Error& e) {
      EXPECT_TRUE(name == "binary_header.csv" || name == "empty.csv") << e.what();
    }
  }
  std::vector<std::pair<std::string, std::string>> jsons = {
      {"random", random_bytes(1 << 16, false)},
      {"noisy", random_bytes(1 << 16, true)},
      {"huge", "{\"type\":\"identify\",\"messageId\":\"m1\",\"userId\":\"" +
                   std::string(3 << 20, 'u') +
                   "\"}\n{\"type\":\"identify\",\"messageId\":\"m2\"}\n"},
      {"deep", std::string(100000, '[') + "\n{\"type\":\"identify\",\"messageId\":\"m2\"}\n"},
      {"nul", "{\"type\":\"identify\",\"messageId\":\"m\0\"}\n"s},
  };
  for (const auto& [name, bytes] : jsons) {
    SCOPED_TRACE(name);
    dir.Write("web.jsonl", bytes);
    try {
      auto l = LoadWith(dir, "[sources.web]\nformat = \"identify\"\npath = \"web.jsonl\"\n");
      const SourceStats& st = l->result.sources[0];
      if (name == "huge" || name == "deep") {
        EXPECT_EQ(st.records, 1u);
        EXPECT_NE(l->Find("m2"), kNoRecord);
        EXPECT_EQ(st.rejected_rows, 1u);
      }
    } catch (const Error& e) {
      ADD_FAILURE() << "a JSON Lines file has no header to fail on: " << e.what();
    }
  }
}

// An event of another type without a messageId (common for track/page calls from some SDKs)
// is skipped and counted, not rejected.
TEST(Load, NonIdentifyEventWithoutMessageIdIsSkippedNotRejected) {
  TempDir dir;
  dir.Write("web.jsonl",
            "{\"type\":\"track\",\"event\":\"Clicked\"}\n"
            "{\"type\":\"identify\",\"messageId\":\"m2\",\"userId\":\"u2\"}\n");
  auto l = LoadWith(dir, "[sources.web]\nformat = \"identify\"\npath = \"web.jsonl\"\n");
  EXPECT_EQ(l->result.sources[0].records, 1u);
  EXPECT_EQ(l->result.sources[0].skipped_events, 1u);
  EXPECT_EQ(l->result.sources[0].rejected_rows, 0u);
}

}  // namespace
}  // namespace idg
