// Shared by the CSV and JSONL reader suites: every callback of a parse as a plain value.
#pragma once

#include <tbb/parallel_for.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "io/reader.h"
#include "tests/temp_dir.h"

namespace idg::test {

// A file holding `content` in a fresh temp folder, removed on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& content) : path_(dir_.Write("input", content)) {}
  const std::string& path() const { return path_; }

 private:
  TempDir dir_;
  std::string path_;
};

// One callback, row or error.
struct Event {
  bool error = false;
  uint64_t line = 0;
  std::vector<std::optional<std::string>> values;
  std::string field, reason, raw;
  bool operator==(const Event&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Event& e) {
  os << (e.error ? "error" : "row") << " line " << e.line << " raw [" << e.raw << "]";
  if (e.error) return os << " field [" << e.field << "] reason [" << e.reason << "]";
  for (const auto& v : e.values) os << " [" << (v ? *v : "<absent>") << "]";
  return os;
}

inline Event Row(uint64_t line, std::vector<std::optional<std::string>> values, std::string raw) {
  return {false, line, std::move(values), "", "", std::move(raw)};
}

// Parses every chunk (in parallel when asked) and returns the events in file order.
inline std::vector<Event> ParseAll(const ChunkedInput& input, bool parallel = false) {
  std::vector<std::vector<Event>> per_chunk(input.chunk_count());
  auto parse = [&](size_t k) {
    input.ParseChunk(
        k,
        [&](const RowView& row) {
          Event e{false, row.line, {}, "", "", std::string(row.raw)};
          for (std::string_view v : row.values) {
            e.values.push_back(v.data() ? std::optional<std::string>(v) : std::nullopt);
          }
          per_chunk[k].push_back(std::move(e));
        },
        [&](const RowError& err) {
          per_chunk[k].push_back({true, err.line, {}, err.field, err.reason, std::string(err.raw)});
        });
  };
  if (parallel) {
    tbb::parallel_for(size_t{0}, input.chunk_count(), parse);
  } else {
    for (size_t k = 0; k < input.chunk_count(); ++k) parse(k);
  }
  std::vector<Event> all;
  for (auto& events : per_chunk) all.insert(all.end(), events.begin(), events.end());
  return all;
}

}  // namespace idg::test
