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

std::vector<Event> ParseJsonl(const std::string& content, const std::vector<std::string>& columns,
                              size_t chunk_bytes = 8 << 20) {
  TempFile file(content);
  return ParseAll(*OpenJsonl(file.path(), columns, chunk_bytes));
}


// The error events of `content`'s single line, as (field, reason).
std::pair<std::string, std::string> LineError(const std::string& line,
                                              const std::vector<std::string>& columns = {"a"}) {
  const auto events = ParseJsonl(line + "\n", columns);
  if (events.size() != 1 || !events[0].error) return {"", "no error"};
  EXPECT_EQ(events[0].raw, line);
  return {events[0].field, events[0].reason};
}

TEST(JsonlReader, ValuesByPath) {
  const std::string line =
      R"({"userId":"u\"1\u00e9","n":1.50,"big":123456789012345678901234567890,)"
      R"("b":true ,"z":null,"traits":{"email":"a@b.c","age":-0,"x":[1,{"y":2}]}})";
  EXPECT_EQ(ParseJsonl(line + "\n",
                       {"userId", "n", "big", "b", "z", "missing", "traits.email", "traits.age",
                        "userId.deeper", "traits.email"}),
            (std::vector<Event>{Row(1,
                                    {"u\"1\xC3\xA9", "1.50", "123456789012345678901234567890",
                                     "true", std::nullopt, std::nullopt, "a@b.c", "-0",
                                     std::nullopt, "a@b.c"},
                                    line)}));
}

TEST(JsonlReader, LinesBlanksCrlfAndBom) {
  const std::string text = "\xEF\xBB\xBF{\"a\":\"1\"}\r\n\n  \t\r\n{\"a\":2}\n{\"a\":{\"b\":1}}";
  EXPECT_EQ(ParseJsonl(text, {"a.b", "a"}),
            (std::vector<Event>{Row(1, {std::nullopt, "1"}, "{\"a\":\"1\"}"),
                                Row(4, {std::nullopt, "2"}, "{\"a\":2}"),
                                {true, 5, {}, "a", "expected a string or number, got an object",
                                 "{\"a\":{\"b\":1}}"}}));
}

TEST(JsonlReader, DuplicateKeysLastWins) {
  EXPECT_EQ(ParseJsonl("{\"a\":\"x\",\"a\":\"y\"}\n{\"a\":\"x\",\"a\":null}\n", {"a"}),
            (std::vector<Event>{Row(1, {"y"}, "{\"a\":\"x\",\"a\":\"y\"}"),
                                Row(2, {std::nullopt}, "{\"a\":\"x\",\"a\":null}")}));
}

TEST(JsonlReader, RowErrors) {
  EXPECT_EQ(LineError(R"({"a":[1]})").second, "expected a string or number, got an array");
  EXPECT_EQ(LineError(R"({"a":[1]})").first, "a");
  EXPECT_EQ(LineError("[1,2]").second, "expected a JSON object, got an array");
  EXPECT_EQ(LineError("\"s\"").second, "expected a JSON object, got a string");
  for (const std::string bad :
       {R"({"a":)", R"({"a":1)", R"({"a":1} x)", R"({"a":1}{"b":2})", R"({"b":tru})",
        R"({"b":"\q"})", R"({"b":[1,]})", R"({"b":01})", R"({"b":{"c":nul}})", R"({"a" 1})",
        "{\"b\":\"\xFF\"}", R"({"a":"x",})", R"({"a":-})"}) {
    const auto [field, reason] = LineError(bad);
    EXPECT_EQ(reason.rfind("invalid JSON: ", 0), 0u) << bad << " -> " << reason;
  }
  EXPECT_NE(LineError("{\"b\":\"\xFF\"}").second.find("UTF-8"), std::string::npos);
  EXPECT_EQ(LineError(std::string(300, '[') + std::string(300, ']')).second,
            "expected a JSON object, got an array");
  const std::string deep = "{\"b\":" + std::string(300, '[') + std::string(300, ']') + "}";
  EXPECT_NE(LineError(deep).second, "no error");
}

TEST(JsonlReader, OpenErrors) {
  TempFile file("{}\n");
  EXPECT_THROW(OpenJsonl(file.path(), {"a..b"}), Error);
  EXPECT_THROW(OpenJsonl(file.path(), {""}), Error);
  EXPECT_THROW(OpenJsonl("/nonexistent/idg/x.jsonl", {}), Error);
  EXPECT_EQ(ParseJsonl("", {"a"}), std::vector<Event>{});
}

// A random JSON string literal and its decoded value.
std::pair<std::string, std::string> RandomString(std::mt19937_64& rng) {
  static const std::vector<std::pair<std::string, std::string>> pieces = {
      {"a", "a"},       {" ", " "},         {"\\\"", "\""},          {"\\\\", "\\"},
      {"\\n", "\n"},    {"\\u00e9", "\xC3\xA9"}, {"\xE6\x97\xA5", "\xE6\x97\xA5"},
      {"\\ud83d\\ude00", "\xF0\x9F\x98\x80"},    {"{}[],:", "{}[],:"}, {"\\/", "/"}};
  std::string literal = "\"", value;
  for (size_t n = rng() % 6; n > 0; --n) {
    const auto& p = pieces[rng() % pieces.size()];
    literal += p.first;
    value += p.second;
  }
  return {literal + "\"", value};
}

// Random objects over keys k0..k3 (nested under "o"); columns are paths into them.
struct RandomJsonl {
  std::string text;
  std::vector<std::string> columns = {"k0", "k1", "o.k2", "o.k3", "k3"};
  std::vector<Event> expected;
};

RandomJsonl MakeRandomJsonl(uint64_t seed) {
  std::mt19937_64 rng(seed);
  RandomJsonl out;
  uint64_t line = 1;
  for (size_t r = rng() % 200; r > 0; --r) {
    while (rng() % 8 == 0) {
      out.text += rng() % 2 ? "\n" : " \r\n";
      ++line;
    }
    std::vector<std::optional<std::string>> values(out.columns.size());
    std::string top = "{", nested = "{";
    auto add = [&](std::string& obj, const std::string& key, std::optional<std::string>* slot,
                   bool requested) {
      if (obj.size() > 1) obj += rng() % 2 ? "," : " , ";
      obj += "\"" + key + "\":";
      switch (rng() % (requested ? 3 : 4)) {
        case 0: {
          auto [lit, val] = RandomString(rng);
          obj += lit;
          *slot = val;
          break;
        }
        case 1: {
          const std::string num = std::to_string(static_cast<int64_t>(rng() % 2000) - 1000) +
                                  (rng() % 2 ? ".25e3" : "");
          obj += num + (rng() % 2 ? " " : "");
          *slot = num;
          break;
        }
        case 2:
          obj += "null";
          *slot = std::nullopt;
          break;
        default:
          obj += "[1,\"x\",{\"q\":false},123456789012345678901234567890]";
          break;
      }
    };
    std::optional<std::string> ignored;
    for (int k = 0; k < 4; ++k) {
      if (rng() % 3 == 0) continue;
      add(k < 2 ? top : nested, "k" + std::to_string(k), &values[k], true);
    }
    add(top, "other", &ignored, false);
    top += ",\"o\":" + nested + "}";
    top += "}";
    out.text += top + (rng() % 2 ? "\n" : "\r\n");
    out.expected.push_back(Row(line++, std::move(values), top));
  }
  if (!out.text.empty() && rng() % 2) out.text.pop_back();  // no final '\n'
  return out;
}

const std::vector<size_t> kChunkSizes = {1, 2, 3, 7, 64, 100, 4096, 8 << 20};

TEST(JsonlReader, RandomLinesParseExactlyForEveryChunkSize) {
  for (uint64_t seed = 0; seed < 60; ++seed) {
    const RandomJsonl jsonl = MakeRandomJsonl(seed);
    TempFile file(jsonl.text);
    for (size_t chunk : kChunkSizes) {
      ASSERT_EQ(ParseAll(*OpenJsonl(file.path(), jsonl.columns, chunk), chunk == 64),
                jsonl.expected)
          << "seed " << seed << " chunk " << chunk;
    }
  }
}

TEST(JsonlReader, FuzzNeverCrashesAndIgnoresChunkSize) {
  const std::vector<std::string> alphabet = {"{", "}", "[", "]", "\"", ":", ",", "\\", "\n",
                                             "\r", " ", "1", "-", "e", "t", "n", "\xC3\xA9",
                                             "\xFF", std::string(1, '\0'), "\"a\":"};
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 400; ++trial) {
    std::string text = MakeRandomJsonl(trial).text.substr(0, 600);
    for (size_t n = rng() % 30; n > 0 && !text.empty(); --n) {
      const size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, alphabet[rng() % alphabet.size()]); break;
        default: text.replace(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    TempFile file(text);
    const std::vector<std::string> columns = {"k0", "o.k2", "o"};
    const auto reference = ParseAll(*OpenJsonl(file.path(), columns));
    for (size_t chunk : kChunkSizes) {
      ASSERT_EQ(ParseAll(*OpenJsonl(file.path(), columns, chunk)), reference)
          << "trial " << trial << " chunk " << chunk;
    }
  }
}

}  // namespace
}  // namespace idg
