// Segment indexes: columns and value bitmaps per field, kept up to date one write at a time
// (graph/segment_index.h); queries are evaluated in segment_eval.cpp.
#include "graph/segment_index.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "base/error.h"
#include "graph/live_graph.h"
#include "graph/segment_store.h"

namespace idg {

using segments::IdSet;
using segments::kNewString;
using segments::kNull;

int64_t SegmentIndex::Impl::ValueOf(size_t f, const SegmentRow& row, bool intern) {
  const size_t attrs = fields.size() - kBuiltins;
  if (f < attrs) {
    const std::string_view s = f < row.golden.size() ? row.golden[f] : std::string_view();
    if (s.empty()) return kNull;
    std::optional<int64_t> v;
    switch (fields[f].spec.type) {
      case FieldType::kString: {
        if (intern) return fields[f].Code(s);
        const auto it = fields[f].codes.find(s);
        return it == fields[f].codes.end() ? kNewString : it->second;
      }
      case FieldType::kInteger: v = ParseInteger(s); break;
      case FieldType::kDate: v = ParseDateDays(s); break;
      case FieldType::kBoolean: v = ParseBoolean(s); break;
      case FieldType::kSet: break;
    }
    return v && *v != kNull ? *v : kNull;
  }
  switch (static_cast<Builtin>(f - attrs)) {
    case Builtin::kRecords: return row.records;
    case Builtin::kFirstSeen: return row.first_seen != 0 ? DaysOf(row.first_seen) : kNull;
    case Builtin::kLastSeen: return row.last_seen != 0 ? DaysOf(row.last_seen) : kNull;
    case Builtin::kSource: return static_cast<int64_t>(row.sources);
    case Builtin::kHas: return static_cast<int64_t>(row.kinds);
  }
  return kNull;
}

SegmentRow SegmentRowOf(const Config& config, const ProfileView& view) {
  SegmentRow row;
  row.id = view.id;
  row.golden.resize(config.attributes.size());
  for (const ProfileField& g : view.golden) {
    if (const auto a = config.FindAttribute(g.name)) row.golden[*a] = g.value;
  }
  for (const ProfileField& i : view.identifiers) {
    if (const auto k = config.FindKind(i.name)) row.kinds |= uint64_t{1} << *k;
  }
  row.records = static_cast<uint32_t>(view.records.size());
  for (const ProfileRecord& r : view.records) {
    if (const auto s = config.FindSource(r.source)) row.sources |= uint64_t{1} << *s;
    if (r.timestamp == 0) continue;
    row.first_seen = row.first_seen == 0 ? r.timestamp : std::min(row.first_seen, r.timestamp);
    row.last_seen = std::max(row.last_seen, r.timestamp);
  }
  return row;
}

SegmentIndex::SegmentIndex(const Config& config, uint64_t dense_divisor)
    : impl_(std::make_unique<Impl>()) {
  IDG_REQUIRE(config.kinds.size() <= 64 && config.sources.size() <= 64,
              "segments: at most 64 identifier kinds and 64 sources are supported");
  impl_->max_bitmaps = config.segments.max_bitmap_values;
  impl_->dense_divisor = dense_divisor;
  for (FieldSpec& s : SegmentFields(config)) impl_->fields.emplace_back(std::move(s));
}

SegmentIndex::~SegmentIndex() = default;

void SegmentIndex::Apply(std::span<const ProfileId> removed, std::span<const SegmentRow> rows) {
  for (const SegmentRow& r : rows) {
    IDG_REQUIRE(r.id < (uint64_t{1} << 32) - 1, "segments: profile id " + std::to_string(r.id) +
                                                    " is past the 32-bit range of the index");
  }
  tbb::queuing_rw_mutex::scoped_lock lock(mu_, /*write=*/true);
  Impl& ix = *impl_;
  auto held = [&](ProfileId id) {
    return id < (uint64_t{1} << 32) && ix.live.bits.contains(static_cast<uint32_t>(id));
  };
  std::vector<uint8_t> gone(removed.size()), had(rows.size());  // which ids the index holds
  for (size_t i = 0; i < removed.size(); ++i) gone[i] = held(removed[i]);
  for (size_t i = 0; i < rows.size(); ++i) had[i] = held(rows[i].id);
  auto field = [&](size_t f) {
    Field& fd = ix.fields[f];
    if (!fd.spec.indexed) return;
    const bool strings = fd.spec.type == FieldType::kString;
    for (size_t i = 0; i < removed.size(); ++i) {
      if (gone[i]) fd.Unset(static_cast<uint32_t>(removed[i]));
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      const SegmentRow& r = rows[i];
      const auto id = static_cast<uint32_t>(r.id);
      // Strings are interned only once they are known to be new to the profile.
      const int64_t value = strings ? kNewString : ix.ValueOf(f, r, /*intern=*/false);
      if (had[i]) {
        // A merge or a new record mostly leaves a profile's values as they were.
        const int64_t old = fd.column.Get(id);
        if (strings ? fd.Holds(old, f < r.golden.size() ? r.golden[f] : std::string_view())
                    : old == value) {
          continue;
        }
        fd.Unset(id);
      }
      fd.Set(id, strings ? ix.ValueOf(f, r, /*intern=*/true) : value, ix.max_bitmaps);
    }
  };
  tbb::this_task_arena::isolate([&] {
    if (removed.size() + rows.size() >= 64) {
      tbb::parallel_for(size_t{0}, ix.fields.size(), field);
    } else {
      for (size_t f = 0; f < ix.fields.size(); ++f) field(f);
    }
  });
  for (size_t i = 0; i < removed.size(); ++i) {
    if (gone[i]) ix.live.Remove(static_cast<uint32_t>(removed[i]));
  }
  for (const SegmentRow& r : rows) {
    ix.live.Add(static_cast<uint32_t>(r.id));
    ix.bound = std::max(ix.bound, r.id + 1);
  }
  ix.Reshape();
}

uint64_t SegmentIndex::Count(const SegmentQuery& query, int64_t today) const {
  tbb::queuing_rw_mutex::scoped_lock lock(mu_, /*write=*/false);
  return tbb::this_task_arena::isolate(
      [&] { return segments::CountQuery(*impl_, query.root(), today); });
}

SegmentPage SegmentIndex::Members(const SegmentQuery& query, int64_t today, ProfileId after,
                                  uint32_t limit) const {
  tbb::queuing_rw_mutex::scoped_lock lock(mu_, /*write=*/false);
  const IdSet r = tbb::this_task_arena::isolate(
      [&] { return segments::EvalQuery(*impl_, query.root(), today); });
  SegmentPage page;
  page.total = r.count();
  if (limit == 0) return page;
  bool more = false;
  r.ForEach(after + 1, uint64_t{1} << 32, [&](uint32_t id) {
    if (page.ids.size() == limit) {
      more = true;
      return false;
    }
    page.ids.push_back(id);
    return true;
  });
  if (more) page.next = page.ids.back();
  return page;
}

SegmentIndexStats SegmentIndex::Stats() const {
  tbb::queuing_rw_mutex::scoped_lock lock(mu_, /*write=*/false);
  SegmentIndexStats st;
  st.profiles = impl_->live.count;
  st.bytes = impl_->live.bytes();
  for (const Field& f : impl_->fields) {
    SegmentFieldStats fs;
    fs.name = f.spec.name;
    if (!f.spec.indexed) {  // `segment = false`: nothing kept
      st.fields.push_back(std::move(fs));
      continue;
    }
    fs.bitmaps = f.bitmapped;
    fs.bucket = uint64_t{1} << f.shift;
    fs.values = f.spec.type == FieldType::kString ? f.codes.size() : f.bitmaps.size();
    fs.bytes = f.column.bytes() + f.present.bytes();
    for (const auto& [v, b] : f.bitmaps) fs.bytes += b.bytes();
    for (const auto& [s, c] : f.codes) fs.bytes += s.capacity() + 64;
    st.bytes += fs.bytes;
    st.fields.push_back(std::move(fs));
  }
  return st;
}

}  // namespace idg
