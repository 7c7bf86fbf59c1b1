#include <gtest/gtest.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/reader.h"
#include "tests/io/reader_events.h"

namespace idg {
namespace {

using test::Event;
using test::ParseAll;
using test::Row;
using test::TempFile;

std::vector<Event> ParseCsv(const std::string& content, const std::vector<std::string>& columns,
                            const CsvOptions& options = {}, size_t chunk_bytes = 8 << 20) {
  TempFile file(content);
  return ParseAll(*OpenCsv(file.path(), options, columns, chunk_bytes));
}

Event Err(uint64_t line, std::string field, std::string reason, std::string raw) {
  return {true, line, {}, std::move(field), std::move(reason), std::move(raw)};
}

std::string OpenError(const std::string& content, const std::vector<std::string>& columns,
                      const CsvOptions& options = {}) {
  TempFile file(content);
  try {
    OpenCsv(file.path(), options, columns);
  } catch (const Error& e) {
    std::string msg = e.what();
    const size_t at = msg.find(file.path());
    if (at != std::string::npos) msg.replace(at, file.path().size(), "FILE");
    return msg;
  }
  return "no error";
}

TEST(CsvReader, ReadsRequestedColumnsInTheirOrder) {
  const auto events = ParseCsv("id,name,city\n1,ann,paris\n2,bob,rome\n", {"city", "id"});
  EXPECT_EQ(events, (std::vector<Event>{Row(2, {"paris", "1"}, "1,ann,paris"),
                                        Row(3, {"rome", "2"}, "2,bob,rome")}));
}

TEST(CsvReader, TrimsHeaderNamesAndSkipsBom) {
  const auto events = ParseCsv("\xEF\xBB\xBF id ,\"na\"\"me\" \nx,y\n", {"id", "na\"me"});
  EXPECT_EQ(events, (std::vector<Event>{Row(2, {"x", "y"}, "x,y")}));
}

TEST(CsvReader, OpenErrorsNameTheFile) {
  EXPECT_EQ(OpenError("a,b, c\n1,2,3\n", {"b", "d"}),
            "FILE: no column 'd' in the header (columns: a, b, c)");
  EXPECT_EQ(OpenError("", {}), "FILE: the file is empty (no header row)");
  EXPECT_EQ(OpenError("\n\r\n", {}), "FILE: the file is empty (no header row)");
  EXPECT_EQ(OpenError("a,\"b\n", {}), "FILE: header (line 1) has an unterminated quote");
  try {
    OpenCsv("/nonexistent/idg/x.csv", {}, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent/idg/x.csv: cannot open: No such file or directory");
  }
}

TEST(CsvReader, RejectsAmbiguousDelimiters) {
  EXPECT_NE(OpenError("a||b\n", {}, {"||", '"'}).find("overlaps itself"), std::string::npos);
  EXPECT_NE(OpenError("a\n", {}, {"a\"", '"'}).find("must not contain"), std::string::npos);
  EXPECT_NE(OpenError("a\n", {}, {"", '"'}).find("empty"), std::string::npos);
}

TEST(CsvReader, QuotedFieldsCrlfBlankLinesAndLineNumbers) {
  const std::string csv =
      "a,b\r\n"
      "\"x,1\",\"say \"\"hi\"\"\"\r\n"
      "\r\n"
      "\n"
      "\"multi\nline\r\nvalue\",\"\"\r\n"
      ",\n"
      "last,row";  // no final newline
  EXPECT_EQ(ParseCsv(csv, {"a", "b"}),
            (std::vector<Event>{
                Row(2, {"x,1", "say \"hi\""}, "\"x,1\",\"say \"\"hi\"\"\""),
                Row(5, {"multi\nline\r\nvalue", ""}, "\"multi\nline\r\nvalue\",\"\""),
                Row(8, {"", ""}, ","),
                Row(9, {"last", "row"}, "last,row"),
            }));
}

TEST(CsvReader, OtherDelimiters) {
  const CsvOptions febrl{", ", '"'};
  EXPECT_EQ(ParseCsv("rec_id, given_name, surname\nrec-1-org, ann, o,neil\n",
                     {"surname", "given_name"}, febrl),
            (std::vector<Event>{Row(2, {"o,neil", "ann"}, "rec-1-org, ann, o,neil")}));
  for (const char* d : {";", "\t", "|"}) {
    const std::string dl = d;
    EXPECT_EQ(ParseCsv("a" + dl + "b\n'x" + dl + "y'" + dl + "2\n", {"a", "b"}, {dl, '\''}),
              (std::vector<Event>{Row(2, {"x" + dl + "y", "2"}, "'x" + dl + "y'" + dl + "2")}));
  }
}

TEST(CsvReader, LenientQuotes) {
  // A quote inside an unquoted field is literal; text after a closing quote is appended.
  EXPECT_EQ(ParseCsv("a,b\n12\" tv,\"ab\"c\"d\n", {"a", "b"}),
            (std::vector<Event>{Row(2, {"12\" tv", "abc\"d"}, "12\" tv,\"ab\"c\"d")}));
}

TEST(CsvReader, RowErrorsAreReportedAndSkipped) {
  const std::string long_field(1 << 20, 'x');
  const std::string csv = "a,b,c\n1,2\n1,2,3,4\n\xC3\xA9,ok,\xFF\n" + long_field +
                          ",1,2\nok,1,2\n\"open,1,2\nmore\n";
  EXPECT_EQ(ParseCsv(csv, {"a"}),
            (std::vector<Event>{
                Err(2, "", "expected 3 fields, got 2", "1,2"),
                Err(3, "", "expected 3 fields, got 4", "1,2,3,4"),
                Err(4, "c", "invalid UTF-8", "\xC3\xA9,ok,\xFF"),
                Err(5, "", "row longer than 1048576 bytes", long_field.substr(0, 1 << 20)),
                Row(6, {"ok"}, "ok,1,2"),
                Err(7, "", "unterminated quote", "\"open,1,2\nmore\n"),
            }));
}

// A random table and its CSV text, written by a minimal RFC 4180 writer; `expected` holds
// the events a correct reader must produce when every column is requested in order.
struct RandomCsv {
  std::string text;
  std::vector<std::string> columns;
  std::vector<Event> expected;
};

std::string RandomField(std::mt19937_64& rng, const std::string& delimiter, char quote) {
  const std::vector<std::string> pieces = {"a", "Z", "7", " ", delimiter, std::string(1, quote),
                                           "\n", "\r\n", "\r", "\xC3\xA9", "\xE6\x97\xA5",
                                           "\xF0\x9F\x98\x80", ",", "x y"};
  std::string f;
  for (size_t n = rng() % 7; n > 0; --n) f += pieces[rng() % pieces.size()];
  return f;
}

std::string WriteField(const std::string& f, const std::string& delimiter, char quote,
                       bool force_quote) {
  const bool needs = f.find(delimiter) != std::string::npos ||
                     f.find_first_of(std::string{quote, '\r', '\n'}) != std::string::npos;
  if (!needs && !force_quote) return f;
  std::string out(1, quote);
  for (char c : f) out += c == quote ? std::string(2, quote) : std::string(1, c);
  return out + quote;
}

RandomCsv MakeRandomCsv(uint64_t seed, const std::string& delimiter, char quote) {
  std::mt19937_64 rng(seed);
  RandomCsv out;
  const size_t ncols = 1 + rng() % 5;
  for (size_t c = 0; c < ncols; ++c) {
    out.columns.push_back("col" + std::to_string(c));
    if (c > 0) out.text += delimiter;
    out.text += WriteField(out.columns.back(), delimiter, quote, rng() % 2 == 0);
  }
  const size_t nrows = rng() % 300;
  for (size_t r = 0; r < nrows; ++r) {
    out.text += rng() % 2 ? "\n" : "\r\n";
    while (rng() % 10 == 0) out.text += rng() % 2 ? "\n" : "\r\n";  // blank lines
    const uint64_t line = 1 + std::count(out.text.begin(), out.text.end(), '\n');
    std::string raw;
    std::vector<std::optional<std::string>> values;
    for (size_t c = 0; c < ncols; ++c) {
      values.push_back(RandomField(rng, delimiter, quote));
      if (c > 0) raw += delimiter;
      raw += WriteField(*values.back(), delimiter, quote,
                        rng() % 4 == 0 || (ncols == 1 && values.back()->empty()));
    }
    out.text += raw;
    out.expected.push_back(Row(line, std::move(values), raw));
  }
  if (rng() % 2) out.text += "\n";
  return out;
}

const std::vector<size_t> kChunkSizes = {1, 2, 3, 7, 64, 100, 4096, 8 << 20};

TEST(CsvReader, RandomTablesParseExactlyForEveryChunkSize) {
  for (const std::string delimiter : {",", ", ", "\t", "|"}) {
    for (uint64_t seed = 0; seed < 25; ++seed) {
      const RandomCsv csv = MakeRandomCsv(seed, delimiter, seed % 3 ? '"' : '\'');
      TempFile file(csv.text);
      for (size_t chunk : kChunkSizes) {
        const auto input = OpenCsv(file.path(), {delimiter, seed % 3 ? '"' : '\''}, csv.columns,
                                   chunk);
        ASSERT_EQ(ParseAll(*input, chunk == 64), csv.expected)
            << "delimiter [" << delimiter << "] seed " << seed << " chunk " << chunk;
      }
    }
  }
}

// Any bytes: Open either throws idg::Error or gives the same events for every chunk size.
TEST(CsvReader, FuzzNeverCrashesAndIgnoresChunkSize) {
  const std::vector<std::string> alphabet = {"\"", "\"", "'", ",", ", ", "\t", "\n", "\n",
                                             "\r", "\r\n", "a", "b", " ", "\xC3\xA9", "\xC3",
                                             "\xFF", std::string(1, '\0'), "\"\""};
  std::mt19937_64 rng(42);
  int opened = 0;
  for (int trial = 0; trial < 600; ++trial) {
    const std::string delimiter = trial % 3 == 0 ? "," : trial % 3 == 1 ? ", " : "\t";
    const char quote = trial % 5 == 4 ? '\'' : '"';
    std::string text = rng() % 4 ? "a" + delimiter + "b" + delimiter + "c\n" : "";
    for (size_t n = rng() % 400; n > 0; --n) text += alphabet[rng() % alphabet.size()];
    TempFile file(text);
    std::vector<Event> reference;
    try {
      reference = ParseAll(*OpenCsv(file.path(), {delimiter, quote}, {}, 8 << 20));
    } catch (const Error&) {
      continue;
    }
    ++opened;
    for (size_t chunk : kChunkSizes) {
      ASSERT_EQ(ParseAll(*OpenCsv(file.path(), {delimiter, quote}, {}, chunk)), reference)
          << "trial " << trial << " chunk " << chunk;
    }
  }
  EXPECT_GT(opened, 300);
}

}  // namespace
}  // namespace idg
