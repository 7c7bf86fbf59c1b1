// Segment queries: a small predicate language over profiles (DESIGN.md "segment"), parsed
// against a config. The grammar (keywords in any case, README "Segments"):
//
//   query     := and { OR and }
//   and       := unary { AND unary }
//   unary     := NOT unary | "(" query ")" | predicate
//   predicate := has "(" KIND ")"
//              | FIELD op value              op: = != < <= > >=
//              | FIELD IN "(" value { "," value } ")"
//              | FIELD "^=" STRING           prefix match (strings)
//   value     := STRING | INTEGER | true | false | now [ ("+" | "-") INTEGER ("d" | "w") ]
//
// FIELD is an attribute of the config (typed there: string, integer, date, boolean) or a
// built-in: `records` (member records, integer), `first_seen` / `last_seen` (dates of the
// earliest / latest member timestamp), `source` (a source some member comes from; `=`, `!=`
// and IN only). Dates are days: "YYYY-MM-DD" strings or `now` (today, UTC) plus or minus days
// or weeks. String values are normalized with the attribute's normalizer, as at ingest.
//
// Semantics: a comparison holds only for profiles that have the value (`!=` too); NOT is the
// complement over all profiles, so `NOT country = "DE"` also holds without a country.
// `source != "pos"`: no member record comes from pos.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/config.h"
#include "base/error.h"

namespace idg {

class Normalizers;

// A query that does not parse or type-check. `position`: byte offset into the text.
class QueryError : public Error {
 public:
  QueryError(size_t position, const std::string& message);
  size_t position;
};

enum class FieldType : uint8_t { kString, kInteger, kDate, kBoolean, kSet };

// What a query can name. Field indices: the config's attributes first (AttrId order), then
// the built-ins in this order.
enum class Builtin : uint8_t { kRecords, kFirstSeen, kLastSeen, kSource, kHas };
inline constexpr uint32_t kBuiltins = 5;

struct FieldSpec {
  std::string name;
  FieldType type;
  Normalizer normalizer = Normalizer::kNone;  // string attributes
  bool indexed = true;                        // false: `segment = false` in the config
};

// Attributes, then records, first_seen, last_seen, source (a set of sources) and has (a set
// of identifier kinds).
std::vector<FieldSpec> SegmentFields(const Config& config);
inline uint32_t BuiltinField(const Config& config, Builtin b) {
  return static_cast<uint32_t>(config.attributes.size()) + static_cast<uint32_t>(b);
}

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kPrefix };

// A typed value: strings (normalized) in `text`; integers, booleans (0/1), dates (days since
// the epoch) and set members (source or kind index) in `number`. `relative`: a date given as
// now ± days, `number` days from today.
struct QueryValue {
  std::string text;
  int64_t number = 0;
  bool relative = false;
};

struct QueryNode {
  enum class Type : uint8_t { kAnd, kOr, kNot, kPredicate };
  Type type = Type::kPredicate;
  std::vector<QueryNode> children;  // kAnd, kOr (two or more), kNot (one)
  uint32_t field = 0;               // kPredicate: index into SegmentFields
  CompareOp op = CompareOp::kEq;
  std::vector<QueryValue> values;   // one, or several for kIn
};

class SegmentQuery {
 public:
  // Throws QueryError naming the position and what was expected there.
  static SegmentQuery Parse(std::string_view text, const Config& config,
                            const Normalizers& norm);

  const QueryNode& root() const { return root_; }
  const std::string& text() const { return text_; }
  size_t predicates() const;

 private:
  QueryNode root_;
  std::string text_;
};

// Typed golden values (the same parsing for the index and for anyone checking it).
// Integers: optional sign and digits. Dates: "YYYY-MM-DD" -> days since 1970-01-01. Booleans:
// true/false, yes/no, 1/0, t/f, y/n in any case. nullopt: not a value of the type.
std::optional<int64_t> ParseInteger(std::string_view s);
std::optional<int64_t> ParseDateDays(std::string_view s);
std::optional<int64_t> ParseBoolean(std::string_view s);
// Days since the epoch of a Unix time in seconds (UTC), and of now.
int64_t DaysOf(int64_t unix_seconds);
int64_t TodayUtc();

}  // namespace idg
