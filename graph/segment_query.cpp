// Segment query parsing: a hand-written recursive-descent parser over a small lexer; every
// error names the byte position and what was expected there.
#include "graph/segment_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <ctime>

#include "match/normalize.h"

namespace idg {

QueryError::QueryError(size_t pos, const std::string& message)
    : Error("position " + std::to_string(pos) + ": " + message), position(pos) {}

std::vector<FieldSpec> SegmentFields(const Config& config) {
  std::vector<FieldSpec> out;
  for (const AttributeConfig& a : config.attributes) {
    FieldType t = FieldType::kString;
    switch (a.type) {
      case AttrType::kString: t = FieldType::kString; break;
      case AttrType::kInteger: t = FieldType::kInteger; break;
      case AttrType::kDate: t = FieldType::kDate; break;
      case AttrType::kBoolean: t = FieldType::kBoolean; break;
    }
    out.push_back({a.name, t, a.normalizer, a.segment});
  }
  out.push_back({"records", FieldType::kInteger});
  out.push_back({"first_seen", FieldType::kDate});
  out.push_back({"last_seen", FieldType::kDate});
  out.push_back({"source", FieldType::kSet});
  out.push_back({"has", FieldType::kSet});
  return out;
}

std::optional<int64_t> ParseInteger(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int64_t> ParseDateDays(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto y = ParseInteger(s.substr(0, 4)), m = ParseInteger(s.substr(5, 2)),
             d = ParseInteger(s.substr(8, 2));
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(*y)),
                                        std::chrono::month(static_cast<unsigned>(*m)),
                                        std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

std::optional<int64_t> ParseBoolean(std::string_view s) {
  std::string l(s);
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "true" || l == "t" || l == "yes" || l == "y" || l == "1") return 1;
  if (l == "false" || l == "f" || l == "no" || l == "n" || l == "0") return 0;
  return std::nullopt;
}

int64_t DaysOf(int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);
}

int64_t TodayUtc() { return DaysOf(static_cast<int64_t>(std::time(nullptr))); }

size_t SegmentQuery::predicates() const {
  size_t n = 0;
  auto walk = [&](auto& self, const QueryNode& q) -> void {
    if (q.type == QueryNode::Type::kPredicate) ++n;
    for (const QueryNode& c : q.children) self(self, c);
  };
  walk(walk, root_);
  return n;
}

namespace {

struct Token {
  enum class Kind : uint8_t { kEnd, kWord, kString, kNumber, kSymbol };
  Kind kind = Kind::kEnd;
  std::string_view text;  // word, digits or symbol: a view of the query text
  std::string str;        // a string without its quotes and escapes
  size_t pos = 0;
};

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Token::Kind::kEnd: return "the end of the query";
    case Token::Kind::kString: return "\"" + t.str + "\"";
    default: return "'" + std::string(t.text) + "'";
  }
}

bool IsKeyword(const Token& t, std::string_view kw) {
  if (t.kind != Token::Kind::kWord || t.text.size() != kw.size()) return false;
  for (size_t i = 0; i < kw.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(t.text[i])) != kw[i]) return false;
  }
  return true;
}

std::vector<Token> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    Token t;
    t.pos = i;
    if (i == s.size()) {
      out.push_back(t);
      return out;
    }
    const char c = s[i];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' ||
                              s[j] == '.')) {
        ++j;
      }
      t.kind = Token::Kind::kWord;
      t.text = s.substr(i, j - i);
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      t.kind = Token::Kind::kNumber;
      t.text = s.substr(i, j - i);
      i = j;
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      std::string text;
      while (j < s.size() && s[j] != c) {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;
        text += s[j++];
      }
      if (j == s.size()) throw QueryError(i, "unterminated string: expected a closing " + std::string(1, c));
      t.kind = Token::Kind::kString;
      t.str = std::move(text);
      i = j + 1;
    } else {
      t.kind = Token::Kind::kSymbol;
      const std::string_view rest = s.substr(i);
      size_t len = 0;
      for (std::string_view op : {"!=", "<=", ">=", "^="}) {
        if (rest.starts_with(op)) len = 2;
      }
      if (len == 0 && std::string_view("()=<>,+-").find(c) != std::string_view::npos) len = 1;
      if (len == 0) throw QueryError(i, "unexpected character '" + std::string(rest.substr(0, 1)) + "'");
      t.text = rest.substr(0, len);
      i += len;
    }
    out.push_back(std::move(t));
  }
}

class Parser {
 public:
  Parser(std::string_view text, const Config& config, const Normalizers& norm)
      : tokens_(Lex(text)), config_(config), norm_(norm), fields_(SegmentFields(config)) {}

  QueryNode Query() {
    QueryNode q = Or();
    if (Peek().kind != Token::Kind::kEnd) Fail("AND, OR or the end of the query");
    return q;
  }

 private:
  const Token& Peek() const { return tokens_[at_]; }
  const Token& Next() { return tokens_[at_ < tokens_.size() - 1 ? at_++ : at_]; }
  bool Symbol(std::string_view s) const {
    return Peek().kind == Token::Kind::kSymbol && Peek().text == s;
  }
  [[noreturn]] void Fail(const std::string& expected) const {
    throw QueryError(Peek().pos, "expected " + expected + ", found " + Describe(Peek()));
  }
  void Expect(std::string_view symbol) {
    if (!Symbol(symbol)) Fail("'" + std::string(symbol) + "'");
    Next();
  }

  QueryNode Join(QueryNode::Type type, std::vector<QueryNode> parts) {
    if (parts.size() == 1) return std::move(parts[0]);
    QueryNode q;
    q.type = type;
    q.children = std::move(parts);
    return q;
  }

  QueryNode Or() {
    std::vector<QueryNode> parts{And()};
    while (IsKeyword(Peek(), "or")) {
      Next();
      parts.push_back(And());
    }
    return Join(QueryNode::Type::kOr, std::move(parts));
  }

  QueryNode And() {
    std::vector<QueryNode> parts{Unary()};
    while (IsKeyword(Peek(), "and")) {
      Next();
      parts.push_back(Unary());
    }
    return Join(QueryNode::Type::kAnd, std::move(parts));
  }

  QueryNode Unary() {
    if (IsKeyword(Peek(), "not")) {
      Next();
      QueryNode q;
      q.type = QueryNode::Type::kNot;
      q.children.push_back(Unary());
      return q;
    }
    if (Symbol("(")) {
      Next();
      QueryNode q = Or();
      Expect(")");
      return q;
    }
    return Predicate();
  }

  QueryNode Predicate() {
    const Token& name = Peek();
    if (name.kind != Token::Kind::kWord) Fail("a field name, has(...), NOT or '('");
    QueryNode q;
    if (IsKeyword(name, "has")) {
      Next();
      Expect("(");
      const Token& kind = Peek();
      const auto k = kind.kind == Token::Kind::kWord ? config_.FindKind(kind.text) : std::nullopt;
      if (!k) Fail("an identifier kind (" + KindNames() + ")");
      Next();
      Expect(")");
      q.field = BuiltinField(config_, Builtin::kHas);
      q.values.push_back({"", static_cast<int64_t>(*k), false});
      return q;
    }
    const auto f = std::find_if(fields_.begin(), fields_.end() - 1,
                                [&](const FieldSpec& s) { return s.name == name.text; });
    if (f == fields_.end() - 1) {
      Fail("a field name (" + FieldNames() + ") or has(...)");
    }
    if (!f->indexed) {
      throw QueryError(name.pos, f->name + " is not indexed for segments (segment = false in the config)");
    }
    q.field = static_cast<uint32_t>(f - fields_.begin());
    Next();
    const FieldSpec& spec = *f;
    const Token& op = Peek();
    if (IsKeyword(op, "in")) {
      Next();
      q.op = CompareOp::kIn;
      Expect("(");
      q.values.push_back(Value(spec));
      while (Symbol(",")) {
        Next();
        q.values.push_back(Value(spec));
      }
      Expect(")");
      return q;
    }
    static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
        {"=", CompareOp::kEq},  {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},
        {"<=", CompareOp::kLe}, {">", CompareOp::kGt},  {">=", CompareOp::kGe},
        {"^=", CompareOp::kPrefix}};
    const auto o = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& p) {
      return op.kind == Token::Kind::kSymbol && op.text == p.first;
    });
    if (o == std::end(kOps)) Fail("an operator (= != < <= > >= ^= IN) after " + spec.name);
    q.op = o->second;
    const bool ordered = q.op != CompareOp::kEq && q.op != CompareOp::kNe;
    if (q.op == CompareOp::kPrefix && spec.type != FieldType::kString) {
      throw QueryError(op.pos, "'^=' (prefix) needs a string field; " + spec.name + " is " +
                                   TypeName(spec.type));
    }
    if (ordered && (spec.type == FieldType::kBoolean || spec.type == FieldType::kSet)) {
      throw QueryError(op.pos, "'" + std::string(op.text) + "' does not apply to " + spec.name + " (" +
                                   TypeName(spec.type) + "): use = != or IN");
    }
    Next();
    q.values.push_back(Value(spec, q.op == CompareOp::kPrefix));
    return q;
  }

  // One literal of the field's type.
  QueryValue Value(const FieldSpec& spec, bool prefix = false) {
    const Token t = Peek();
    QueryValue v;
    switch (spec.type) {
      case FieldType::kString: {
        if (t.kind != Token::Kind::kString) Fail("a string in quotes for " + spec.name);
        std::string out;
        const NormResult r = norm_.Normalize(spec.normalizer, t.str, out);
        // A prefix need not be a whole valid value ("jo" of an email): keep it as written,
        // lowercased when the normalizer folds case.
        if (r.status == NormStatus::kOk) {
          v.text = std::move(out);
        } else if (prefix || r.status == NormStatus::kEmpty) {
          v.text = t.str;
        } else {
          throw QueryError(t.pos, "\"" + t.str + "\" is not a valid " + spec.name + ": " +
                                      (r.reason ? r.reason : "invalid"));
        }
        Next();
        return v;
      }
      case FieldType::kInteger: {
        bool negative = false;
        if (Symbol("-")) {
          negative = true;
          Next();
        }
        if (Peek().kind != Token::Kind::kNumber) Fail("an integer for " + spec.name);
        const auto n = ParseInteger(Peek().text);
        if (!n) throw QueryError(Peek().pos, "integer out of range");
        v.number = negative ? -*n : *n;
        Next();
        return v;
      }
      case FieldType::kBoolean: {
        if (IsKeyword(t, "true") || IsKeyword(t, "false")) {
          v.number = IsKeyword(t, "true") ? 1 : 0;
          Next();
          return v;
        }
        Fail("true or false for " + spec.name);
      }
      case FieldType::kDate: {
        if (t.kind == Token::Kind::kString) {
          const auto d = ParseDateDays(t.str);
          if (!d) throw QueryError(t.pos, "expected a date as \"YYYY-MM-DD\", found \"" + t.str + "\"");
          v.number = *d;
          Next();
          return v;
        }
        if (!IsKeyword(t, "now")) Fail("a date (\"YYYY-MM-DD\" or now - 30d) for " + spec.name);
        Next();
        v.relative = true;
        if (Symbol("+") || Symbol("-")) {
          const bool minus = Peek().text == "-";
          Next();
          if (Peek().kind != Token::Kind::kNumber) Fail("a number of days or weeks (30d, 2w)");
          const auto n = ParseInteger(Peek().text);
          if (!n || *n > 1000000) throw QueryError(Peek().pos, "offset out of range");
          Next();
          const Token& unit = Peek();
          if (!IsKeyword(unit, "d") && !IsKeyword(unit, "w")) Fail("a unit: d (days) or w (weeks)");
          const int64_t days = *n * (IsKeyword(unit, "w") ? 7 : 1);
          Next();
          v.number = minus ? -days : days;
        }
        return v;
      }
      case FieldType::kSet: {
        if (t.kind != Token::Kind::kString) Fail("a source name in quotes");
        const auto s = config_.FindSource(t.str);
        if (!s) throw QueryError(t.pos, "unknown source \"" + t.str + "\" (" + SourceNames() + ")");
        v.number = *s;
        v.text = t.str;
        Next();
        return v;
      }
    }
    Fail("a value");
  }

  static std::string TypeName(FieldType t) {
    switch (t) {
      case FieldType::kString: return "a string";
      case FieldType::kInteger: return "an integer";
      case FieldType::kDate: return "a date";
      case FieldType::kBoolean: return "a boolean";
      case FieldType::kSet: return "a set";
    }
    return "";
  }
  std::string FieldNames() const {
    std::string s;
    for (size_t i = 0; i + 1 < fields_.size(); ++i) s += (i ? ", " : "") + fields_[i].name;
    return s;
  }
  std::string KindNames() const {
    std::string s;
    for (const KindConfig& k : config_.kinds) s += (s.empty() ? "" : ", ") + k.name;
    return s;
  }
  std::string SourceNames() const {
    std::string s;
    for (const SourceConfig& k : config_.sources) s += (s.empty() ? "" : ", ") + k.name;
    return s;
  }

  std::vector<Token> tokens_;
  size_t at_ = 0;
  const Config& config_;
  const Normalizers& norm_;
  std::vector<FieldSpec> fields_;
};

}  // namespace

SegmentQuery SegmentQuery::Parse(std::string_view text, const Config& config,
                                 const Normalizers& norm) {
  SegmentQuery q;
  q.root_ = Parser(text, config, norm).Query();
  q.text_ = text;
  return q;
}

}  // namespace idg
