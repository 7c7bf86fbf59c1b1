#include "gen/generator.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "gen/example_config.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

namespace fs = std::filesystem;

// Spans three generator blocks (49,152 records each), so ids and ordering cross boundaries.
constexpr uint64_t kRecords = 120'000;
const char* const kFiles[] = {"crm.csv",   "pos.csv",   "support.csv",
                              "web.jsonl", "truth.csv", "idgraph.toml"};

using test::ReadFile;
using test::TempDir;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// One RFC 4180 row that holds no line break. Sets *ok to false on a stray or unbalanced quote.
std::vector<std::string> SplitCsv(const std::string& line, char delimiter, bool* ok) {
  std::vector<std::string> fields(1);
  size_t i = 0;
  bool at_field_start = true;
  while (i < line.size()) {
    const char c = line[i];
    if (at_field_start && c == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) {
          *ok = false;  // unterminated
          return fields;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            fields.back().push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        fields.back().push_back(line[i++]);
      }
      if (i < line.size() && line[i] != delimiter) *ok = false;  // text after closing quote
      at_field_start = false;
      continue;
    }
    if (c == delimiter) {
      fields.emplace_back();
      at_field_start = true;
    } else {
      if (c == '"') *ok = false;  // quote inside an unquoted field
      fields.back().push_back(c);
      at_field_start = false;
    }
    ++i;
  }
  return fields;
}

std::string Digits(const std::string& s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  if (d.size() == 11 && d[0] == '1') d.erase(0, 1);
  return d;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The value of "key":"..." in a JSON line, or "" when absent or not a string.
std::string JsonString(const std::string& line, const std::string& key) {
  const std::string needle = "\"" + key + "\":\"";
  const size_t at = line.find(needle);
  if (at == std::string::npos) return "";
  const size_t start = at + needle.size();
  return line.substr(start, line.find('"', start) - start);
}

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Table ReadCsv(const fs::path& path, char delimiter) {
  Table table;
  const std::vector<std::string> lines = Lines(ReadFile(path));
  EXPECT_FALSE(lines.empty()) << path;
  if (lines.empty()) return table;
  bool ok = true;
  table.header = SplitCsv(lines[0], delimiter, &ok);
  for (size_t i = 1; i < lines.size(); ++i) {
    table.rows.push_back(SplitCsv(lines[i], delimiter, &ok));
    EXPECT_TRUE(ok) << path << " line " << i + 1 << ": " << lines[i];
    EXPECT_EQ(table.rows.back().size(), table.header.size())
        << path << " line " << i + 1 << ": " << lines[i];
    ok = true;
  }
  return table;
}

// One generated data set shared by the tests that only read it.
class GeneratedData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    summary_ = Generate({.records = kRecords, .seed = 7, .out_dir = dir_->str()},
                        [](uint64_t done, uint64_t total) {
                          EXPECT_LE(done, total);
                          last_progress_ = done;
                        });
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string Path(const char* file) { return dir_->Path(file); }

  static TempDir* dir_;
  static GenSummary summary_;
  static uint64_t last_progress_;
};
TempDir* GeneratedData::dir_ = nullptr;
GenSummary GeneratedData::summary_;
uint64_t GeneratedData::last_progress_ = 0;

TEST_F(GeneratedData, SummaryCountsAreExact) {
  EXPECT_EQ(summary_.records, kRecords);
  EXPECT_EQ(last_progress_, kRecords);
  uint64_t sum = 0, bytes = 0;
  for (uint64_t n : summary_.per_source) {
    EXPECT_GT(n, kRecords / 20);  // every source well represented
    sum += n;
  }
  EXPECT_EQ(sum, kRecords);
  EXPECT_GT(summary_.people, kRecords / 4);
  EXPECT_LT(summary_.people, kRecords / 2);
  for (const char* file : kFiles) bytes += fs::file_size(Path(file));
  EXPECT_EQ(summary_.bytes, bytes);
  EXPECT_EQ(ReadFile(Path("idgraph.toml")), std::string(kExampleConfig));
}

TEST_F(GeneratedData, CsvHeadersAndFieldCounts) {
  const Table crm = ReadCsv(Path("crm.csv"), ',');
  EXPECT_EQ(crm.header,
            (std::vector<std::string>{"customer_id", "email", "phone", "first_name", "last_name",
                                      "dob", "street", "city", "zip", "country", "updated_at"}));
  const Table pos = ReadCsv(Path("pos.csv"), ';');
  EXPECT_EQ(pos.header, (std::vector<std::string>{"txn_id", "loyalty_id", "phone", "first_name",
                                                  "last_name", "zip", "ts"}));
  const Table support = ReadCsv(Path("support.csv"), ',');
  EXPECT_EQ(support.header, (std::vector<std::string>{"ticket_id", "email", "phone", "first_name",
                                                      "last_name", "created_at"}));
  const Table truth = ReadCsv(Path("truth.csv"), ',');
  EXPECT_EQ(truth.header, (std::vector<std::string>{"source", "record_id", "entity"}));
  EXPECT_EQ(crm.rows.size(), summary_.per_source[0]);
  EXPECT_EQ(pos.rows.size(), summary_.per_source[1]);
  EXPECT_EQ(support.rows.size(), summary_.per_source[2]);
  EXPECT_EQ(truth.rows.size(), kRecords);
}

TEST_F(GeneratedData, WebLinesAreIdentifyOrSkippableEvents) {
  uint64_t identify = 0, other = 0;
  for (const std::string& line : Lines(ReadFile(Path("web.jsonl")))) {
    ASSERT_EQ(line.front(), '{');
    ASSERT_EQ(line.back(), '}');
    ASSERT_FALSE(JsonString(line, "messageId").empty()) << line;
    ASSERT_FALSE(JsonString(line, "anonymousId").empty()) << line;
    ASSERT_FALSE(JsonString(line, "timestamp").empty()) << line;
    if (JsonString(line, "type") == "identify") {
      ++identify;
      EXPECT_NE(line.find("\"traits\":{"), std::string::npos) << line;
    } else {
      ++other;
    }
  }
  EXPECT_EQ(identify, summary_.per_source[3]);
  EXPECT_GT(other, 0u);
  EXPECT_LT(other, identify / 10);
}

// truth.csv lists every record of every source once, in each source's file order.
TEST_F(GeneratedData, TruthHasOneRowPerRecord) {
  std::map<std::string, std::vector<std::string>> ids;
  for (const auto& row : ReadCsv(Path("crm.csv"), ',').rows) ids["crm"].push_back(row[0]);
  for (const auto& row : ReadCsv(Path("pos.csv"), ';').rows) ids["pos"].push_back(row[0]);
  for (const auto& row : ReadCsv(Path("support.csv"), ',').rows) ids["support"].push_back(row[0]);
  for (const std::string& line : Lines(ReadFile(Path("web.jsonl")))) {
    if (JsonString(line, "type") == "identify") ids["web"].push_back(JsonString(line, "messageId"));
  }
  std::map<std::string, std::vector<std::string>> truth_ids;
  for (const auto& row : ReadCsv(Path("truth.csv"), ',').rows) {
    truth_ids[row[0]].push_back(row[1]);
    EXPECT_EQ(row[2][0], 'P');
  }
  EXPECT_EQ(truth_ids.size(), 4u);
  for (const auto& [source, list] : ids) {
    EXPECT_EQ(truth_ids[source], list) << source;
    EXPECT_EQ(std::set<std::string>(list.begin(), list.end()).size(), list.size())
        << source << " record ids are not unique";
  }
}

// Identifiers that belong to one person never appear on another person's records, and the
// planted junk and shared values are there.
TEST_F(GeneratedData, IdentifiersJunkAndSharedValues) {
  std::map<std::string, std::string> entity_of;  // source + ":" + id -> entity
  for (const auto& row : ReadCsv(Path("truth.csv"), ',').rows) {
    entity_of[row[0] + ":" + row[1]] = row[2];
  }
  std::map<std::string, std::set<std::string>> email_people, phone_people;
  std::map<std::string, int> pos_phones, support_emails, devices;
  const std::set<std::string> junk_emails = {"test@test.com", "none@none.com",
                                             "noemail@example.com", "a@a.com"};
  int junk_email = 0, junk_phone = 0;
  auto phone = [&](const std::string& raw, const std::string& entity, bool check) {
    const std::string d = Digits(raw);
    if (d == "5555555555" || d == "0000000000" || d == "1111111111" || d == "2345678900") {
      ++junk_phone;
    } else if (d.size() == 10 && check) {
      EXPECT_GE(d[0], '2') << raw;
      EXPECT_GE(d[3], '2') << raw;
      EXPECT_NE(d.substr(3, 3), "555") << raw;
      phone_people[d].insert(entity);
    }
  };
  auto email = [&](const std::string& raw, const std::string& entity) {
    const std::string e = Lower(raw);
    if (junk_emails.count(e))
      ++junk_email;
    else if (e.find('@') != std::string::npos && e.find('.', e.find('@')) != std::string::npos)
      email_people[e].insert(entity);  // well formed: malformed ones are few and shared
  };
  for (const auto& row : ReadCsv(Path("crm.csv"), ',').rows) {
    const std::string& entity = entity_of["crm:" + row[0]];
    email(row[1], entity);
    phone(row[2], entity, true);
  }
  for (const auto& row : ReadCsv(Path("pos.csv"), ';').rows) {
    phone(row[2], entity_of["pos:" + row[0]], false);
    if (!row[2].empty()) ++pos_phones[Digits(row[2])];
  }
  for (const auto& row : ReadCsv(Path("support.csv"), ',').rows) {
    phone(row[2], entity_of["support:" + row[0]], true);
    ++support_emails[Lower(row[1])];
  }
  for (const std::string& line : Lines(ReadFile(Path("web.jsonl")))) {
    if (JsonString(line, "type") != "identify") continue;
    const std::string& entity = entity_of["web:" + JsonString(line, "messageId")];
    email(JsonString(line, "email"), entity);
    ++devices[JsonString(line, "anonymousId")];
  }
  // Personal emails (all but the shared office ones, which live only in support.csv) are unique
  // to one person.
  for (const auto& [value, people] : email_people) EXPECT_EQ(people.size(), 1u) << value;
  // Phones are shared only within a household (a landline): at most 4 people.
  for (const auto& [value, people] : phone_people) EXPECT_LE(people.size(), 4u) << value;
  EXPECT_GT(junk_email, 0);
  EXPECT_GT(junk_phone, 0);
  auto most = [](const std::map<std::string, int>& counts, const std::string& skip) {
    int best = 0;
    for (const auto& [value, n] : counts) {
      if (value != skip && !value.empty()) best = std::max(best, n);
    }
    return best;
  };
  EXPECT_GT(most(pos_phones, "5555555555"), 25);         // store phone over the phone cap
  EXPECT_GT(most(support_emails, "test@test.com"), 50);  // office mailbox over the email cap
  EXPECT_GT(most(devices, "unknown"), 40);               // kiosk over the device cap
}

TEST(Generate, SameSeedSameBytesWhateverTheThreadCount) {
  TempDir one, two;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    Generate({.records = kRecords, .seed = 11, .out_dir = one.str()});
  }
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    Generate({.records = kRecords, .seed = 11, .out_dir = two.str()});
  }
  for (const char* file : kFiles) {
    EXPECT_TRUE(ReadFile(one.Path(file)) == ReadFile(two.Path(file))) << file;
  }
}

TEST(Generate, DifferentSeedsDiffer) {
  TempDir a, b;
  Generate({.records = 2'000, .seed = 1, .out_dir = a.str()});
  Generate({.records = 2'000, .seed = 2, .out_dir = b.str()});
  for (const char* file : {"crm.csv", "pos.csv", "support.csv", "web.jsonl", "truth.csv"}) {
    EXPECT_NE(ReadFile(a.Path(file)), ReadFile(b.Path(file))) << file;
  }
}

TEST(Generate, ExactRecordCountsAcrossBlockBoundaries) {
  TempDir dir;
  for (uint64_t records : {0, 1, 7, 49'153}) {
    const GenSummary s = Generate({.records = records, .seed = 3, .out_dir = dir.str()});
    EXPECT_EQ(s.records, records);
    EXPECT_EQ(Lines(ReadFile(dir.Path("truth.csv"))).size(), records + 1);
  }
}

TEST(Generate, UnwritableDirectoryThrowsWithPath) {
  TempDir dir;
  std::ofstream(dir.Path("file")) << "x";
  const std::string target = dir.Path("file") + "/sub";
  try {
    Generate({.records = 10, .seed = 1, .out_dir = target});
    FAIL() << "expected idg::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(target), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace idg
