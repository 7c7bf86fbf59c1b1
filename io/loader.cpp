#include "io/loader.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "base/error.h"
#include "io/reader.h"
#include "match/normalize.h"

namespace idg {
namespace {

// The columns a source needs, each once, and where each mapping finds its value.
struct ColumnPlan {
  std::vector<std::string> columns;
  int id = -1, timestamp = -1, type = -1;
  std::vector<int> field;     // per SourceConfig::fields entry
  std::vector<int> required;  // per SourceConfig::required entry

  int Add(const std::string& name) {
    auto it = std::find(columns.begin(), columns.end(), name);
    if (it != columns.end()) return static_cast<int>(it - columns.begin());
    columns.push_back(name);
    return static_cast<int>(columns.size() - 1);
  }
};

ColumnPlan PlanColumns(const SourceConfig& s) {
  ColumnPlan p;
  p.id = p.Add(s.id_column);
  if (!s.timestamp_column.empty()) p.timestamp = p.Add(s.timestamp_column);
  if (s.format == InputFormat::kIdentify) p.type = p.Add("type");
  for (const auto& f : s.fields) p.field.push_back(p.Add(f.column));
  for (const auto& r : s.required) p.required.push_back(p.Add(r));
  return p;
}

bool Present(std::string_view v) {
  if (v.data() == nullptr) return false;
  return v.find_first_not_of(" \t\r\n") != std::string_view::npos;
}

// Reject file lines: location, field, reason, what happened, the raw row (shortened).
void AddReject(std::string& out, const std::string& file, uint64_t line, std::string_view field,
               std::string_view reason, std::string_view action, std::string_view raw) {
  constexpr size_t kMaxRaw = 300;
  out += file;
  out += ':';
  out += std::to_string(line);
  out += '\t';
  out += field;
  out += '\t';
  out += reason;
  out += '\t';
  out += action;
  out += '\t';
  for (char ch : raw.substr(0, kMaxRaw)) out += (ch == '\t' || ch == '\n' || ch == '\r') ? ' ' : ch;
  if (raw.size() > kMaxRaw) out += "...";
  out += '\n';
}

struct ChunkOutput {
  RecordBatch batch;
  std::string rejects;
  uint64_t rejected_rows = 0, dropped_values = 0, skipped_events = 0;
};

class ChunkLoader {
 public:
  ChunkLoader(const Config& config, SourceId source, const ColumnPlan& plan,
              const Normalizers& norm, Interner& interner, bool keep_attributes, ChunkOutput& out)
      : config_(config), src_(config.sources[source]), source_(source), plan_(plan),
        norm_(norm), interner_(interner), keep_attributes_(keep_attributes), out_(out) {}

  void OnRow(const RowView& row) {
    if (plan_.type >= 0 && row.values[plan_.type] != "identify") {
      ++out_.skipped_events;  // other event types carry no identity; not an error
      return;
    }
    const std::string_view id = row.values[plan_.id];
    if (!Present(id)) return RejectRow(row, src_.id_column, "missing source record id");
    for (size_t i = 0; i < plan_.required.size(); ++i) {
      if (!Present(row.values[plan_.required[i]])) {
        return RejectRow(row, src_.required[i], "missing required field");
      }
    }
    int64_t ts = 0;
    if (plan_.timestamp >= 0 && Present(row.values[plan_.timestamp])) {
      auto parsed = ParseTimestamp(row.values[plan_.timestamp]);
      if (parsed) {
        ts = *parsed;
      } else if (!BadValue(row, src_.timestamp_column, "unparseable timestamp")) {
        return;
      }
    }
    idents_.clear();
    attrs_.clear();
    scratch_.clear();
    for (size_t f = 0; f < src_.fields.size(); ++f) {
      const FieldMapping& m = src_.fields[f];
      if (!m.is_identifier && !keep_attributes_) continue;
      const std::string_view raw = row.values[plan_.field[f]];
      if (raw.data() == nullptr) continue;
      const Normalizer n = m.is_identifier ? config_.kinds[m.target].normalizer
                                           : config_.attributes[m.target].normalizer;
      const NormResult r = norm_.Normalize(n, raw, value_);
      if (r.status == NormStatus::kEmpty) continue;
      if (r.status == NormStatus::kInvalid) {
        if (!BadValue(row, m.column, r.reason)) return;
        continue;
      }
      Pending p{m.target, static_cast<uint32_t>(scratch_.size()), static_cast<uint32_t>(value_.size())};
      scratch_ += value_;
      (m.is_identifier ? idents_ : attrs_).push_back(p);
    }
    // The row is good: commit it.
    RecordBatch& b = out_.batch;
    b.source.push_back(source_);
    b.source_record_id.push_back(b.arena.Add(Trim(id)));
    b.timestamp.push_back(ts);
    std::sort(idents_.begin(), idents_.end(), [&](const Pending& x, const Pending& y) {
      return x.target != y.target ? x.target < y.target : View(x) < View(y);
    });
    for (size_t i = 0; i < idents_.size(); ++i) {
      if (i > 0 && idents_[i].target == idents_[i - 1].target && View(idents_[i]) == View(idents_[i - 1])) {
        continue;  // the same identifier twice in one record counts once
      }
      // Interned in one batch at the end of the chunk, where lookups can be prefetched.
      keys_.push_back({idents_[i].target, key_arena_.Add(View(idents_[i]))});
      b.idents.push_back(kNoIdentifier);
    }
    for (const Pending& a : attrs_) b.attrs.push_back({a.target, b.arena.Add(View(a))});
    b.EndRecord();
  }

  // Interns the chunk's identifiers; call once, after the last row.
  void Finish() {
    IDG_ASSERT(keys_.size() == out_.batch.idents.size());
    interner_.InternBatch(keys_, out_.batch.idents);
  }

  void OnError(const RowError& e) {
    ++out_.rejected_rows;
    AddReject(out_.rejects, src_.path, e.line, e.field, e.reason, "row rejected", e.raw);
  }

 private:
  struct Pending {
    uint16_t target;
    uint32_t offset, size;  // in scratch_
  };
  std::string_view View(const Pending& p) const {
    return std::string_view(scratch_).substr(p.offset, p.size);
  }
  static std::string_view Trim(std::string_view v) {
    const size_t b = v.find_first_not_of(" \t\r\n");
    const size_t e = v.find_last_not_of(" \t\r\n");
    return v.substr(b, e - b + 1);
  }

  void RejectRow(const RowView& row, std::string_view field, std::string_view reason) {
    ++out_.rejected_rows;
    AddReject(out_.rejects, src_.path, row.line, field, reason, "row rejected", row.raw);
  }

  // Records a bad value. Returns true when the row goes on without it.
  bool BadValue(const RowView& row, std::string_view field, std::string_view reason) {
    if (src_.on_bad_value == BadValuePolicy::kRejectRow) {
      RejectRow(row, field, reason);
      return false;
    }
    ++out_.dropped_values;
    AddReject(out_.rejects, src_.path, row.line, field, reason, "value dropped", row.raw);
    return true;
  }

  const Config& config_;
  const SourceConfig& src_;
  SourceId source_;
  const ColumnPlan& plan_;
  const Normalizers& norm_;
  Interner& interner_;
  bool keep_attributes_;
  ChunkOutput& out_;
  std::vector<Pending> idents_, attrs_;
  std::string scratch_, value_;
  std::vector<Interner::Key> keys_;  // one per entry of out_.batch.idents
  StringArena key_arena_{1 << 18};
};

}  // namespace

uint64_t LoadResult::rejected_rows() const {
  uint64_t n = 0;
  for (const auto& s : sources) n += s.rejected_rows;
  return n;
}

uint64_t LoadResult::dropped_values() const {
  uint64_t n = 0;
  for (const auto& s : sources) n += s.dropped_values;
  return n;
}

LoadResult Load(const Config& config, Interner& interner, const LoadOptions& options) {
  LoadResult result;
  for (KindId k = 0; k < config.kinds.size(); ++k) {
    for (const std::string& j : config.kinds[k].junk) {
      result.junk.push_back(interner.Intern(k, j, /*count=*/false));
    }
  }
  const Normalizers norm(config.engine);
  std::unique_ptr<FILE, int (*)(FILE*)> rejects(nullptr, &std::fclose);
  if (!options.reject_path.empty()) {
    rejects.reset(std::fopen(options.reject_path.c_str(), "wb"));
    IDG_REQUIRE(rejects != nullptr, options.reject_path + ": cannot write the reject file");
    std::fputs("location\tfield\treason\taction\trow\n", rejects.get());
  }
  // Open every input first, so that a missing file or column fails before any work.
  std::vector<ColumnPlan> plans;
  std::vector<std::unique_ptr<ChunkedInput>> inputs;
  uint64_t total_bytes = 0;
  for (const SourceConfig& s : config.sources) {
    IDG_REQUIRE(!s.path.empty(), "source '" + s.name + "': no input path");
    plans.push_back(PlanColumns(s));
    if (s.format == InputFormat::kCsv) {
      inputs.push_back(OpenCsv(s.path, CsvOptions{s.delimiter, s.quote}, plans.back().columns));
    } else {
      inputs.push_back(OpenJsonl(s.path, plans.back().columns));
    }
    total_bytes += inputs.back()->size_bytes();
  }
  // All chunks of all sources in one parallel loop: no idle core at the end of each source.
  struct Work {
    SourceId source;
    size_t chunk;
  };
  std::vector<Work> work;
  for (SourceId s = 0; s < config.sources.size(); ++s) {
    for (size_t c = 0; c < inputs[s]->chunk_count(); ++c) work.push_back({s, c});
  }
  std::vector<ChunkOutput> outs(work.size());
  std::vector<double> cpu_seconds(work.size());
  std::vector<uint64_t> inputs_bytes(work.size());
  std::atomic<uint64_t> done_bytes{0};
  tbb::parallel_for(size_t{0}, work.size(), [&](size_t w) {
    const auto start = std::chrono::steady_clock::now();
    const auto [s, c] = work[w];
    const ChunkedInput& input = *inputs[s];
    ChunkLoader loader(config, s, plans[s], norm, interner, options.keep_attributes, outs[w]);
    input.ParseChunk(
        c, [&](const RowView& row) { loader.OnRow(row); },
        [&](const RowError& e) { loader.OnError(e); });
    loader.Finish();
    cpu_seconds[w] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    inputs_bytes[w] = input.chunk_bytes(c);
    const uint64_t done = done_bytes.fetch_add(inputs_bytes[w]) + inputs_bytes[w];
    if (options.progress) options.progress(done, total_bytes);
  });
  inputs.clear();  // unmaps the files
  result.sources.resize(config.sources.size());
  for (SourceId s = 0; s < config.sources.size(); ++s) {
    result.sources[s].name = config.sources[s].name;
    result.sources[s].path = config.sources[s].path;
  }
  std::vector<RecordBatch> batches;
  batches.reserve(outs.size());
  for (size_t w = 0; w < work.size(); ++w) {
    ChunkOutput& o = outs[w];
    SourceStats& st = result.sources[work[w].source];
    st.bytes += inputs_bytes[w];
    st.records += o.batch.size();
    st.rejected_rows += o.rejected_rows;
    st.dropped_values += o.dropped_values;
    st.skipped_events += o.skipped_events;
    st.seconds += cpu_seconds[w];
    if (rejects && !o.rejects.empty()) {
      IDG_REQUIRE(std::fwrite(o.rejects.data(), 1, o.rejects.size(), rejects.get()) == o.rejects.size(),
                  options.reject_path + ": write failed");
    }
    batches.push_back(std::move(o.batch));
  }
  outs.clear();
  result.records.Append(std::move(batches));
  if (rejects) IDG_REQUIRE(std::fflush(rejects.get()) == 0, options.reject_path + ": write failed");
  return result;
}

}  // namespace idg
