// JSON Lines reader: chunks split at '\n' (JSON strings cannot hold a raw newline); each
// line is copied into a padded buffer and walked once with simdjson On-Demand. The walk
// visits every value, so a line is accepted only when it is fully valid JSON (what a DOM
// parse would accept), while requested numbers and booleans keep their exact source text.
// When a key repeats, its last value wins (as in JavaScript's JSON.parse).
#include <simdjson.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "io/chunks.h"
#include "io/mapped_file.h"
#include "io/mapped_input.h"
#include "io/reader.h"
#include "io/utf8.h"

namespace idg {
namespace {

namespace od = simdjson::ondemand;
using detail::ChunkSpan;
using detail::kMaxRowBytes;

constexpr int kMaxDepth = 256;

// The requested dotted paths as a tree of keys; node 0 is the root object.
struct PathNode {
  std::string key;
  std::string path;                  // dotted path from the root
  std::vector<size_t> columns;       // requested columns ending here (repeats allowed)
  std::vector<uint32_t> children;    // indices into the tree
};

std::vector<PathNode> BuildPathTree(const std::string& file,
                                    const std::vector<std::string>& columns) {
  std::vector<PathNode> tree(1);
  for (size_t c = 0; c < columns.size(); ++c) {
    uint32_t node = 0;
    size_t pos = 0;
    for (;;) {
      const size_t dot = columns[c].find('.', pos);
      const std::string key = columns[c].substr(pos, dot == std::string::npos ? dot : dot - pos);
      IDG_REQUIRE(!key.empty(), file + ": invalid JSON path '" + columns[c] +
                                    "' (an empty key; paths look like \"traits.email\")");
      uint32_t next = 0;
      for (uint32_t child : tree[node].children) {
        if (tree[child].key == key) next = child;
      }
      if (next == 0) {
        next = static_cast<uint32_t>(tree.size());
        tree[node].children.push_back(next);
        tree.push_back({key, columns[c].substr(0, dot), {}, {}});
      }
      node = next;
      if (dot == std::string::npos) break;
      pos = dot + 1;
    }
    tree[node].columns.push_back(c);
  }
  return tree;
}

const char* TypeName(od::json_type t) {
  switch (t) {
    case od::json_type::object: return "an object";
    case od::json_type::array: return "an array";
    case od::json_type::string: return "a string";
    case od::json_type::number: return "a number";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "an unknown value";
}

// Whether `s` is a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?. simdjson's own
// number parsing rejects valid numbers it cannot represent (huge integers).
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::string_view TrimJsonSpace(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' ||
                        s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses lines one at a time; values() are valid until the next Parse. One per thread.
class LineParser {
 public:
  explicit LineParser(const std::vector<PathNode>& tree, size_t column_count)
      : tree_(tree), values_(column_count) {}

  // True when `line` is a valid object; else error_field()/error_reason() say why.
  bool Parse(std::string_view line) {
    std::fill(values_.begin(), values_.end(), std::string_view());
    error_field_.clear();
    error_reason_.clear();
    const size_t capacity = line.size() + simdjson::SIMDJSON_PADDING;
    if (capacity > buffer_capacity_) {
      buffer_ = std::make_unique<char[]>(capacity);
      buffer_capacity_ = capacity;
    }
    std::memcpy(buffer_.get(), line.data(), line.size());
    std::memset(buffer_.get() + line.size(), 0, simdjson::SIMDJSON_PADDING);

    od::document doc;
    if (!Ok(parser_.iterate(buffer_.get(), line.size(), capacity).get(doc), "")) return false;
    od::json_type type{};
    if (!Ok(doc.type().get(type), "")) return false;
    if (type != od::json_type::object) {
      return Fail("", std::string("expected a JSON object, got ") + TypeName(type));
    }
    od::object object;
    if (!Ok(doc.get_object().get(object), "") || !WalkObject(object, tree_[0], 1)) return false;
    if (doc.current_location().error() == simdjson::SUCCESS) {
      return Ok(simdjson::TRAILING_CONTENT, "");
    }
    return true;
  }

  const std::vector<std::string_view>& values() const { return values_; }
  const std::string& error_field() const { return error_field_; }
  const std::string& error_reason() const { return error_reason_; }

 private:
  bool Fail(const std::string& field, std::string reason) {
    error_field_ = field;
    error_reason_ = std::move(reason);
    return false;
  }
  bool Ok(simdjson::error_code code, const std::string& field) {
    return code == simdjson::SUCCESS ||
           Fail(field, std::string("invalid JSON: ") + simdjson::error_message(code));
  }

  // `node` holds the requested paths below this object.
  bool WalkObject(od::object& object, const PathNode& node, int depth) {
    if (depth > kMaxDepth) return Fail("", "nested deeper than " + std::to_string(kMaxDepth));
    for (auto result : object) {
      od::field field;
      std::string_view key;
      if (!Ok(std::move(result).get(field), "") || !Ok(field.unescaped_key().get(key), "")) {
        return false;
      }
      const PathNode* child = nullptr;
      for (uint32_t c : node.children) {
        if (tree_[c].key == key) child = &tree_[c];
      }
      od::value value = field.value();
      if (!(child != nullptr ? WalkRequested(value, *child, depth) : Validate(value, depth))) {
        return false;
      }
    }
    return true;
  }

  bool WalkRequested(od::value& value, const PathNode& node, int depth) {
    od::json_type type{};
    if (!Ok(value.type().get(type), node.path)) return false;
    if (node.columns.empty() || type == od::json_type::object) {
      if (type != od::json_type::object) return Validate(value, depth);  // path not present
      if (!node.columns.empty()) {
        return Fail(node.path, "expected a string or number, got an object");
      }
      od::object object;
      return Ok(value.get_object().get(object), node.path) &&
             WalkObject(object, node, depth + 1);
    }
    std::string_view text;
    switch (type) {
      case od::json_type::string:
        if (!Ok(value.get_string().get(text), node.path)) return false;
        break;
      case od::json_type::number:
        text = TrimJsonSpace(value.raw_json_token());
        if (!IsJsonNumber(text)) return Ok(simdjson::NUMBER_ERROR, node.path);
        break;
      case od::json_type::boolean:
        text = TrimJsonSpace(value.raw_json_token());
        if (!Ok(value.get_bool().error(), node.path)) return false;
        break;
      case od::json_type::null:
        if (!Validate(value, depth)) return false;
        break;
      default:
        return Fail(node.path, std::string("expected a string or number, got ") + TypeName(type));
    }
    for (size_t c : node.columns) values_[c] = text;
    return true;
  }

  // Checks that `value` is valid JSON, consuming it.
  bool Validate(od::value& value, int depth) {
    if (depth > kMaxDepth) return Fail("", "nested deeper than " + std::to_string(kMaxDepth));
    od::json_type type{};
    if (!Ok(value.type().get(type), "")) return false;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (!Ok(value.get_object().get(object), "")) return false;
        for (auto result : object) {
          od::field field;
          std::string_view key;
          if (!Ok(std::move(result).get(field), "") || !Ok(field.unescaped_key().get(key), "")) {
            return false;
          }
          od::value child = field.value();
          if (!Validate(child, depth + 1)) return false;
        }
        return true;
      }
      case od::json_type::array: {
        od::array array;
        if (!Ok(value.get_array().get(array), "")) return false;
        for (auto result : array) {
          od::value child;
          if (!Ok(std::move(result).get(child), "") || !Validate(child, depth + 1)) return false;
        }
        return true;
      }
      case od::json_type::string:
        return Ok(value.get_string().error(), "");
      case od::json_type::number:
        return IsJsonNumber(TrimJsonSpace(value.raw_json_token())) ||
               Ok(simdjson::NUMBER_ERROR, "");
      case od::json_type::boolean:
        return Ok(value.get_bool().error(), "");
      case od::json_type::null: {
        bool is_null = false;
        return Ok(value.is_null().get(is_null), "") &&
               (is_null || Ok(simdjson::INCORRECT_TYPE, ""));
      }
    }
    return Ok(simdjson::TAPE_ERROR, "");
  }

  const std::vector<PathNode>& tree_;
  od::parser parser_;
  std::unique_ptr<char[]> buffer_;
  size_t buffer_capacity_ = 0;
  std::vector<std::string_view> values_;
  std::string error_field_;
  std::string error_reason_;
};

class JsonlInput final : public detail::MappedChunkedInput {
 public:
  JsonlInput(detail::MappedFile file, std::vector<PathNode> tree, size_t column_count,
             std::vector<ChunkSpan> chunks)
      : MappedChunkedInput(std::move(file), std::move(chunks)),
        tree_(std::move(tree)),
        column_count_(column_count) {}

  void ParseChunk(size_t chunk, const RowCallback& on_row,
                  const ErrorCallback& on_error) const override {
    const ChunkSpan& span = this->span(chunk);
    const std::string_view file = file_.bytes();
    LineParser parser(tree_, column_count_);
    uint64_t line = span.first_line;
    for (size_t pos = span.begin; pos < span.end; ++line) {
      const void* nl = std::memchr(file.data() + pos, '\n', span.end - pos);
      const size_t next =
          nl == nullptr ? span.end : static_cast<size_t>(static_cast<const char*>(nl) - file.data());
      std::string_view raw = file.substr(pos, next - pos);
      pos = next + 1;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      if (raw.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      if (raw.size() > kMaxRowBytes) {
        on_error(RowError{line, "", "row longer than " + std::to_string(kMaxRowBytes) + " bytes",
                          raw.substr(0, kMaxRowBytes)});
      } else if (parser.Parse(raw)) {
        on_row(RowView{line, parser.values(), raw});
      } else {
        on_error(RowError{line, parser.error_field(), parser.error_reason(), raw});
      }
    }
    file_.Evict(span.begin, span.end - span.begin);  // views died with the callbacks
  }

 private:
  std::vector<PathNode> tree_;
  size_t column_count_;
};

}  // namespace

std::unique_ptr<ChunkedInput> OpenJsonl(const std::string& path,
                                        const std::vector<std::string>& columns,
                                        size_t target_chunk_bytes) {
  std::vector<PathNode> tree = BuildPathTree(path, columns);
  detail::MappedFile file(path);
  const std::string_view bytes = file.bytes();
  std::vector<ChunkSpan> chunks = detail::SplitLineChunks(
      bytes, detail::Utf8BomLength(bytes), 1, target_chunk_bytes);
  file.Evict(0, file.size());  // the scan touched every page; parsing brings back a chunk at a time
  return std::make_unique<JsonlInput>(std::move(file), std::move(tree), columns.size(),
                                      std::move(chunks));
}

}  // namespace idg
