#include "io/record_lines.h"

#include <simdjson.h>

#include <optional>
#include <utility>

#include "base/error.h"
#include "io/mapped_file.h"
#include "match/normalize.h"

namespace idg {
namespace {

namespace dom = simdjson::dom;

// A line's problem: which field and why.
struct LineError {
  std::string field;
  std::string reason;
};

// A string or a number as text; nullopt for other types.
std::optional<std::string> Scalar(dom::element e) {
  std::string_view s;
  int64_t i = 0;
  uint64_t u = 0;
  switch (e.type()) {
    case dom::element_type::STRING:
      if (e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
      return std::nullopt;
    case dom::element_type::INT64:
      if (e.get_int64().get(i) == simdjson::SUCCESS) return std::to_string(i);
      return std::nullopt;
    case dom::element_type::UINT64:
      if (e.get_uint64().get(u) == simdjson::SUCCESS) return std::to_string(u);
      return std::nullopt;
    case dom::element_type::DOUBLE:
      return simdjson::minify(e);
    default:
      return std::nullopt;
  }
}

std::optional<LineError> Values(dom::element obj, const char* key, bool arrays,
                                std::vector<std::pair<std::string, std::string>>& out) {
  dom::object o;
  if (obj.get_object().get(o) != simdjson::SUCCESS) {
    return LineError{key, "expected an object of name: value"};
  }
  for (dom::key_value_pair kv : o) {
    const std::string name(kv.key);
    const std::string field = std::string(key) + "." + name;
    if (kv.value.is_null()) continue;
    dom::array values;
    if (arrays && kv.value.get_array().get(values) == simdjson::SUCCESS) {
      for (dom::element v : values) {
        if (v.is_null()) continue;
        auto s = Scalar(v);
        if (!s) return LineError{field, "expected strings in the array"};
        out.emplace_back(name, std::move(*s));
      }
      continue;
    }
    auto s = Scalar(kv.value);
    if (!s) {
      return LineError{field,
                       arrays ? "expected a string or an array of strings" : "expected a string"};
    }
    out.emplace_back(name, std::move(*s));
  }
  return std::nullopt;
}

std::optional<LineError> ParseLine(dom::parser& parser, std::string_view line, IncomingRecord& r) {
  dom::element doc;
  if (auto err = parser.parse(line.data(), line.size()).get(doc); err != simdjson::SUCCESS) {
    return LineError{"", std::string("not valid JSON: ") + simdjson::error_message(err)};
  }
  dom::object o;
  if (doc.get_object().get(o) != simdjson::SUCCESS) return LineError{"", "expected a JSON object"};
  bool has_source = false, has_id = false;
  for (dom::key_value_pair kv : o) {
    const std::string_view key = kv.key;
    if (key == "source") {
      std::string_view s;
      if (kv.value.get_string().get(s) != simdjson::SUCCESS || s.empty()) {
        return LineError{"source", "expected a non-empty string"};
      }
      r.source = std::string(s);
      has_source = true;
    } else if (key == "id") {
      auto s = Scalar(kv.value);
      if (!s || s->empty()) return LineError{"id", "expected a non-empty string"};
      r.id = std::move(*s);
      has_id = true;
    } else if (key == "timestamp") {
      if (kv.value.is_null()) continue;
      auto s = Scalar(kv.value);
      std::optional<int64_t> t = s ? ParseTimestamp(*s) : std::nullopt;
      if (!t) return LineError{"timestamp", "expected Unix seconds or an ISO 8601 time"};
      r.timestamp = *t;
    } else if (key == "identifiers") {
      if (auto e = Values(kv.value, "identifiers", true, r.identifiers)) return e;
    } else if (key == "attributes") {
      if (auto e = Values(kv.value, "attributes", false, r.attributes)) return e;
    } else {
      return LineError{std::string(key),
                       "unknown key (expected source, id, timestamp, identifiers, attributes)"};
    }
  }
  if (!has_source) return LineError{"source", "missing"};
  if (!has_id) return LineError{"id", "missing"};
  return std::nullopt;
}

}  // namespace

RecordLines ParseRecordLines(std::string_view text) {
  RecordLines out;
  dom::parser parser;
  uint64_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    IncomingRecord r;
    if (auto e = ParseLine(parser, line, r)) {
      out.issues.push_back({line_no, std::move(e->field), std::move(e->reason)});
      continue;
    }
    out.records.push_back(std::move(r));
    out.lines.push_back(line_no);
  }
  return out;
}

RecordLines ReadRecordLines(const std::string& path) {
  detail::MappedFile file(path);
  return ParseRecordLines(file.bytes());
}

}  // namespace idg
