#include "io/profile_files.h"

#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <tbb/parallel_sort.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <atomic>
#include <unordered_map>

#include "base/error.h"
#include "graph/golden.h"
#include "graph/record_keys.h"
#include "io/reader.h"

namespace idg {
namespace {

void AppendCsvField(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// Record ids are trimmed at load; files joined onto them are trimmed the same way.
std::string_view TrimSpace(std::string_view v) {
  const size_t b = v.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return v.substr(0, 0);
  return v.substr(b, v.find_last_not_of(" \t\r\n") - b + 1);
}

std::string JoinKey(std::string_view source, std::string_view id) {
  std::string k(source);
  k += '\x1f';
  k += id;
  return k;
}

}  // namespace

namespace {

// Writes `blocks` text blocks in order to `f`: a TBB pipeline formats blocks in parallel while
// one thread writes finished ones, with a bounded number of buffers in flight that are reused
// (no fresh pages to fault in per block). format(b, out) appends block b's text to `out`.
template <typename Format>
void WriteBlocks(FILE* f, const std::string& path, size_t blocks, Format format) {
  struct Slot {
    size_t block;
    std::string* text;
  };
  const size_t tokens = 2 * tbb::this_task_arena::max_concurrency() + 2;
  std::vector<std::string> buffers(tokens);
  std::vector<std::string*> free_list;
  for (auto& b : buffers) free_list.push_back(&b);
  std::mutex free_mu;
  size_t next = 0;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, Slot>(tbb::filter_mode::serial_in_order,
                                   [&](tbb::flow_control& fc) -> Slot {
                                     if (next == blocks) {
                                       fc.stop();
                                       return {};
                                     }
                                     std::lock_guard lock(free_mu);
                                     std::string* text = free_list.back();
                                     free_list.pop_back();
                                     return {next++, text};
                                   }) &
          tbb::make_filter<Slot, Slot>(tbb::filter_mode::parallel,
                                       [&](Slot s) {
                                         s.text->clear();
                                         format(s.block, *s.text);
                                         return s;
                                       }) &
          tbb::make_filter<Slot, void>(tbb::filter_mode::serial_in_order, [&](Slot s) {
            IDG_REQUIRE(std::fwrite(s.text->data(), 1, s.text->size(), f) == s.text->size(),
                        path + ": write failed");
            std::lock_guard lock(free_mu);
            free_list.push_back(s.text);
          }));
  IDG_REQUIRE(std::fflush(f) == 0, path + ": write failed");
}

}  // namespace

void WriteProfiles(const std::string& path, const Config& config, const RecordStore& records,
                   const Profiles& profiles) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  IDG_REQUIRE(f != nullptr, path + ": cannot write the profiles file");
  std::fputs("source,record_id,profile_id\n", f.get());
  constexpr size_t kBlock = 1 << 16;  // records per formatted block
  const size_t n = records.size();
  // Source names, quoted once.
  std::vector<std::string> names;
  for (const auto& s : config.sources) {
    names.emplace_back();
    AppendCsvField(names.back(), s.name);
    names.back() += ',';
  }
  WriteBlocks(f.get(), path, (n + kBlock - 1) / kBlock, [&](size_t b, std::string& out) {
    const size_t end = std::min(n, (b + 1) * kBlock);
    // Formatted straight into the buffer: a line is the source, the id and up to 20 digits.
    size_t used = 0;
    for (size_t i = b * kBlock; i < end; ++i) {
      if (i + 16 < end) profiles.Prefetch(static_cast<RecordId>(i + 16));
      const auto r = static_cast<RecordId>(i);
      const std::string& name = names[records.source(r)];
      const std::string_view id = records.source_record_id(r);
      const size_t worst = name.size() + 2 * id.size() + 2 + 24;
      if (out.size() < used + worst) out.resize(std::max(2 * out.size(), used + worst));
      char* p = out.data() + used;
      std::memcpy(p, name.data(), name.size());
      p += name.size();
      if (id.find_first_of(",\"\r\n") == std::string_view::npos) {
        std::memcpy(p, id.data(), id.size());
        p += id.size();
      } else {
        std::string quoted;
        AppendCsvField(quoted, id);
        std::memcpy(p, quoted.data(), quoted.size());
        p += quoted.size();
      }
      *p++ = ',';
      p = std::to_chars(p, p + 20, profiles.profile_of(r)).ptr;
      *p++ = '\n';
      used = static_cast<size_t>(p - out.data());
    }
    out.resize(used);
  });
}

void WriteGoldenRecords(const std::string& path, const Config& config, const RecordStore& records,
                        const Profiles& profiles) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  IDG_REQUIRE(f != nullptr, path + ": cannot write the golden records file");
  std::string header = "profile_id,records";
  for (const auto& a : config.attributes) header += "," + a.name;
  header += '\n';
  std::fputs(header.c_str(), f.get());
  constexpr size_t kBlock = 1 << 14;  // profiles per formatted block
  const size_t n = profiles.size();
  WriteBlocks(f.get(), path, (n + kBlock - 1) / kBlock, [&](size_t b, std::string& out) {
    std::vector<std::string_view> values(config.attributes.size());
    for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
      const auto index = static_cast<uint32_t>(i);
      std::fill(values.begin(), values.end(), std::string_view());
      for (const GoldenField& g : GoldenRecord(config, records, profiles.members(index))) {
        values[g.attr] = g.value;
      }
      out += std::to_string(profiles.id(index));
      out += ',';
      out += std::to_string(profiles.members(index).size());
      for (std::string_view v : values) {
        out += ',';
        AppendCsvField(out, v);
      }
      out += '\n';
    }
  });
}

LabelTable ReadLabels(const std::string& path, const LabelColumns& cols) {
  std::vector<std::string> columns = {cols.id, cols.label};
  if (!cols.source.empty()) columns.push_back(cols.source);
  auto input = OpenCsv(path, CsvOptions{cols.delimiter, '"'}, columns);
  struct Row {
    std::string key, label;
  };
  std::vector<std::vector<Row>> chunks(input->chunk_count());
  std::vector<uint64_t> bad(input->chunk_count(), 0);
  tbb::parallel_for(size_t{0}, input->chunk_count(), [&](size_t c) {
    input->ParseChunk(
        c,
        [&](const RowView& row) {
          std::string_view id = TrimSpace(row.values[0]), label = TrimSpace(row.values[1]);
          std::string_view source = cols.source.empty() ? std::string_view(cols.fixed_source)
                                                        : row.values[2];
          if (id.empty() || label.empty() || source.data() == nullptr) {
            ++bad[c];
            return;
          }
          chunks[c].push_back({JoinKey(source, id), std::string(label)});
        },
        [&](const RowError&) { ++bad[c]; });
  });
  LabelTable t;
  std::unordered_map<std::string, uint64_t> label_ids;
  std::optional<std::regex> pattern;
  if (!cols.label_pattern.empty()) {
    try {
      pattern.emplace(cols.label_pattern);
    } catch (const std::regex_error& e) {
      throw Error("label pattern '" + cols.label_pattern + "': " + e.what());
    }
  }
  for (size_t c = 0; c < chunks.size(); ++c) {
    t.rejected_rows += bad[c];
    for (Row& r : chunks[c]) {
      if (pattern) {
        std::smatch m;
        if (!std::regex_search(r.label, m, *pattern) || m.size() < 2) {
          ++t.rejected_rows;
          continue;
        }
        r.label = m[1].str();
      }
      t.keys.push_back(t.arena.Add(r.key));
      auto [it, fresh] = label_ids.try_emplace(std::move(r.label), label_ids.size());
      t.labels.push_back(it->second);
    }
    chunks[c] = {};
  }
  return t;
}

JoinedLabels JoinLabels(const LabelTable& a, const LabelTable& b) {
  auto order = [](const LabelTable& t) {
    std::vector<uint32_t> idx(t.keys.size());
    for (uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
    tbb::parallel_sort(idx.begin(), idx.end(), [&](uint32_t x, uint32_t y) {
      return t.keys[x] != t.keys[y] ? t.keys[x] < t.keys[y] : x < y;
    });
    return idx;
  };
  const auto ia = order(a), ib = order(b);
  JoinedLabels j;
  size_t x = 0, y = 0;
  while (x < ia.size() && y < ib.size()) {
    const std::string_view ka = a.keys[ia[x]], kb = b.keys[ib[y]];
    if (ka < kb) {
      ++j.a_only, ++x;
    } else if (kb < ka) {
      ++j.b_only, ++y;
    } else {
      j.a.push_back(a.labels[ia[x]]);
      j.b.push_back(b.labels[ib[y]]);
      ++x, ++y;
    }
  }
  j.a_only += ia.size() - x;
  j.b_only += ib.size() - y;
  return j;
}

namespace {

// Calls fn(record, row) for every row of a keyed CSV file whose (source, id) names a record.
template <typename Fn>
void ForEachKnownRow(const std::string& path, const LabelColumns& cols, const Config& config,
                     const RecordStore& records, Fn fn) {
  std::vector<std::string> columns = {cols.id, cols.label};
  if (!cols.source.empty()) columns.push_back(cols.source);
  auto input = OpenCsv(path, CsvOptions{cols.delimiter, '"'}, columns);
  const auto fixed = cols.source.empty() ? config.FindSource(cols.fixed_source) : std::nullopt;
  IDG_REQUIRE(!cols.source.empty() || fixed,
              path + ": source '" + cols.fixed_source + "' is not in the config");
  RecordKeys keys(records);
  tbb::parallel_for(size_t{0}, input->chunk_count(), [&](size_t c) {
    input->ParseChunk(
        c,
        [&](const RowView& row) {
          auto source = cols.source.empty() ? fixed : config.FindSource(row.values[2]);
          if (!source) return;
          if (auto r = keys.Find(*source, TrimSpace(row.values[0]))) fn(*r, row.values[1]);
        },
        [](const RowError&) {});
  });
}

}  // namespace

std::vector<ProfileId> ReadPreviousProfiles(const std::string& path, const Config& config,
                                            const RecordStore& records, uint64_t* matched) {
  std::vector<ProfileId> previous(records.size(), kNoProfile);
  std::atomic<uint64_t> found{0};
  ForEachKnownRow(path, LabelColumns{}, config, records, [&](RecordId r, std::string_view v) {
    ProfileId id = 0;
    if (std::from_chars(v.data(), v.data() + v.size(), id).ec != std::errc()) return;
    // A key repeated in the file (duplicate record ids in a source): any of its ids will do.
    std::atomic_ref<ProfileId>(previous[r]).store(id, std::memory_order_relaxed);
    found.fetch_add(1, std::memory_order_relaxed);
  });
  if (matched) *matched = found.load();
  return previous;
}

std::vector<uint64_t> ReadTruthLabels(const std::string& path, const LabelColumns& columns,
                                      const Config& config, const RecordStore& records) {
  std::vector<uint64_t> label_hash(records.size(), kNoLabel);
  std::optional<std::regex> pattern;
  if (!columns.label_pattern.empty()) pattern.emplace(columns.label_pattern);
  ForEachKnownRow(path, columns, config, records, [&](RecordId r, std::string_view v) {
    std::match_results<std::string_view::const_iterator> m;
    if (pattern) {
      if (!std::regex_search(v.begin(), v.end(), m, *pattern) || m.size() < 2) return;
      v = v.substr(static_cast<size_t>(m[1].first - v.begin()), static_cast<size_t>(m[1].length()));
    }
    // Distinct label texts only need distinct numbers; a 64-bit hash collides with
    // probability ~n^2/2^65, negligible for evaluation.
    label_hash[r] = std::hash<std::string_view>{}(v) >> 1;  // never kNoLabel
  });
  return label_hash;
}

}  // namespace idg
