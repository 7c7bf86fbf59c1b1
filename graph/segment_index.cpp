// Segment indexes: columns and value bitmaps per field, and the evaluation of queries over
// them (graph/segment_index.h).
#include "graph/segment_index.h"

#include <roaring/roaring.hh>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>

#include "base/error.h"
#include "graph/live_graph.h"

namespace idg {
namespace {

constexpr int64_t kNull = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr size_t kParallelMin = 1 << 16;  // fewer ids than this: one thread

struct Hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// One value per ProfileId, 32 bits wide while every value fits (string codes, dates, small
// integers, masks of up to 31 bits), 64 from the first value that does not.
class Column {
 public:
  explicit Column(int64_t fill) : fill_(fill) {}
  size_t size() const { return wide_ ? w_.size() : n_.size(); }
  bool wide() const { return wide_; }
  int64_t Get(size_t i) const {
    if (i >= size()) return fill_;
    return wide_ ? w_[i] : Widen(n_[i]);
  }
  void Set(size_t i, int64_t v) {
    if (i >= size()) {
      const size_t n = std::max(i + 1, size() * 3 / 2);
      wide_ ? w_.resize(n, fill_) : n_.resize(n, Narrow(fill_));
    }
    if (!wide_ && !Fits(v)) {
      w_.assign(n_.size(), 0);
      for (size_t j = 0; j < n_.size(); ++j) w_[j] = Widen(n_[j]);
      n_ = {};
      wide_ = true;
    }
    if (wide_) {
      w_[i] = v;
    } else {
      n_[i] = Narrow(v);
    }
  }
  size_t bytes() const { return n_.capacity() * sizeof(int32_t) + w_.capacity() * sizeof(int64_t); }
  // Calls f(values, widen) with the column's array and the function that reads one value.
  template <class F>
  decltype(auto) Visit(F&& f) const {
    if (wide_) return f(w_, [](int64_t v) { return v; });
    return f(n_, [](int32_t v) { return Widen(v); });
  }

 private:
  static constexpr int32_t kNarrowNull = std::numeric_limits<int32_t>::min();
  static bool Fits(int64_t v) {
    return v == kNull || (v > kNarrowNull && v <= std::numeric_limits<int32_t>::max());
  }
  static int32_t Narrow(int64_t v) { return v == kNull ? kNarrowNull : static_cast<int32_t>(v); }
  static int64_t Widen(int32_t v) { return v == kNarrowNull ? kNull : v; }

  int64_t fill_;
  bool wide_ = false;
  std::vector<int32_t> n_;
  std::vector<int64_t> w_;
};

struct Bitmap {
  Roaring bits;
  uint64_t count = 0;
};

// One field of every profile: a column, and bitmaps while the field has few values. Set
// fields (source, has) hold a bit mask in the column and one bitmap per bit, always.
struct Field {
  explicit Field(FieldSpec s) : spec(std::move(s)), column(is_set() ? 0 : kNull) {}
  FieldSpec spec;
  Column column;  // per ProfileId; kNull: absent (set fields: 0)
  // Strings: a dictionary of the values some profile holds now.
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> codes;
  std::vector<std::string_view> dict;  // code -> value (a key of `codes`); empty when free
  std::vector<uint32_t> refs;          // code -> profiles holding it
  std::vector<int64_t> free_codes;
  bool bitmapped = true;
  std::map<int64_t, Bitmap> bitmaps;  // value, string code or set bit -> profiles
  Roaring present;                    // profiles with a value (bitmapped, not set fields)

  bool is_set() const { return spec.type == FieldType::kSet; }

  int64_t Code(std::string_view v) {
    if (auto it = codes.find(v); it != codes.end()) return it->second;
    int64_t c;
    if (!free_codes.empty()) {
      c = free_codes.back();
      free_codes.pop_back();
    } else {
      c = static_cast<int64_t>(dict.size());
      dict.emplace_back();
      refs.push_back(0);
    }
    const auto it = codes.emplace(std::string(v), c).first;
    dict[c] = it->first;
    return c;
  }

  void Set(uint32_t id, int64_t v, uint32_t max_bitmaps) {
    column.Set(id, v);
    if (is_set()) {
      for (uint64_t m = static_cast<uint64_t>(v); m != 0; m &= m - 1) {
        Bitmap& b = bitmaps[std::countr_zero(m)];
        b.count += b.bits.addChecked(id);
      }
      return;
    }
    if (v == kNull) return;
    if (spec.type == FieldType::kString) ++refs[v];
    if (!bitmapped) return;
    Bitmap& b = bitmaps[v];
    b.count += b.bits.addChecked(id);
    present.add(id);
    if (bitmaps.size() > max_bitmaps) {  // too many values: columns only from now on
      bitmapped = false;
      bitmaps.clear();
      present = Roaring();
    }
  }

  void Unset(uint32_t id) {
    const int64_t v = column.Get(id);
    if (is_set()) {
      column.Set(id, 0);
      for (uint64_t m = static_cast<uint64_t>(v); m != 0; m &= m - 1) {
        const auto it = bitmaps.find(std::countr_zero(m));
        it->second.count -= it->second.bits.removeChecked(id);
      }
      return;
    }
    if (v == kNull) return;
    column.Set(id, kNull);
    if (bitmapped) {
      const auto it = bitmaps.find(v);
      it->second.count -= it->second.bits.removeChecked(id);
      if (it->second.count == 0) bitmaps.erase(it);
      present.remove(id);
    }
    if (spec.type == FieldType::kString && --refs[v] == 0) {  // no profile holds it: forget it
      codes.erase(codes.find(dict[v]));
      dict[v] = {};
      free_codes.push_back(v);
    }
  }
};

// A predicate bound to a field: the column values it accepts.
struct Leaf {
  const Field* f = nullptr;
  bool negate = false;  // `!=`: values other than those in `ranges` (set fields: no bit)
  std::vector<std::pair<int64_t, int64_t>> ranges;  // sorted, disjoint, inclusive
  uint64_t mask = 0;                                // set fields

  bool Test(int64_t v) const {
    if (f->is_set()) return ((static_cast<uint64_t>(v) & mask) != 0) != negate;
    if (v == kNull) return false;
    const auto it = std::upper_bound(ranges.begin(), ranges.end(), v,
                                     [](int64_t x, const auto& r) { return x < r.first; });
    const bool in = it != ranges.begin() && v <= std::prev(it)->second;
    return in != negate;
  }
};

}  // namespace

struct SegmentIndex::Impl {
  uint32_t max_bitmaps;
  std::vector<Field> fields;
  Roaring live;

  int64_t ValueOf(size_t f, const SegmentRow& row) {
    const size_t attrs = fields.size() - kBuiltins;
    if (f < attrs) {
      const std::string_view s = f < row.golden.size() ? row.golden[f] : std::string_view();
      if (s.empty()) return kNull;
      std::optional<int64_t> v;
      switch (fields[f].spec.type) {
        case FieldType::kString: return fields[f].Code(s);
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
};

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

SegmentIndex::SegmentIndex(const Config& config) : impl_(std::make_unique<Impl>()) {
  IDG_REQUIRE(config.kinds.size() <= 64 && config.sources.size() <= 64,
              "segments: at most 64 identifier kinds and 64 sources are supported");
  impl_->max_bitmaps = config.segments.max_bitmap_values;
  for (FieldSpec& s : SegmentFields(config)) impl_->fields.emplace_back(std::move(s));
}

SegmentIndex::~SegmentIndex() = default;

void SegmentIndex::Apply(std::span<const ProfileId> removed, std::span<const SegmentRow> rows) {
  for (const SegmentRow& r : rows) {
    IDG_REQUIRE(r.id < (uint64_t{1} << 32), "segments: profile id " + std::to_string(r.id) +
                                                 " is past the 32-bit range of the index");
  }
  tbb::queuing_rw_mutex::scoped_lock lock(mu_, /*write=*/true);
  Impl& ix = *impl_;
  auto field = [&](size_t f) {
    Field& fd = ix.fields[f];
    for (ProfileId id : removed) {
      if (id < (uint64_t{1} << 32) && ix.live.contains(static_cast<uint32_t>(id))) {
        fd.Unset(static_cast<uint32_t>(id));
      }
    }
    for (const SegmentRow& r : rows) {
      const auto id = static_cast<uint32_t>(r.id);
      if (ix.live.contains(id)) fd.Unset(id);
      fd.Set(id, ix.ValueOf(f, r), ix.max_bitmaps);
    }
  };
  tbb::this_task_arena::isolate([&] {
    if (removed.size() + rows.size() >= 1000) {
      tbb::parallel_for(size_t{0}, ix.fields.size(), field);
    } else {
      for (size_t f = 0; f < ix.fields.size(); ++f) field(f);
    }
  });
  for (ProfileId id : removed) {
    if (id < (uint64_t{1} << 32)) ix.live.remove(static_cast<uint32_t>(id));
  }
  for (const SegmentRow& r : rows) ix.live.add(static_cast<uint32_t>(r.id));
}

namespace {

// Evaluates a query over the index (under its read lock). Each node's result is restricted
// to a scope (the profiles the enclosing AND still has in question), so a predicate can be
// answered by probing the scope's column values instead of building its bitmap.
class Evaluator {
 public:
  Evaluator(const SegmentIndex::Impl& ix, int64_t today) : ix_(ix), today_(today) {}

  Roaring Run(const QueryNode& q, const Roaring* scope) const {
    switch (q.type) {
      case QueryNode::Type::kPredicate: return RunLeaf(Bind(q), scope);
      case QueryNode::Type::kNot: {
        Roaring base = scope ? *scope : ix_.live;
        base -= Run(q.children[0], scope);
        return base;
      }
      case QueryNode::Type::kOr: {
        std::vector<Roaring> parts(q.children.size());
        tbb::parallel_for(size_t{0}, parts.size(),
                          [&](size_t i) { parts[i] = Run(q.children[i], scope); });
        std::vector<const Roaring*> ptrs;
        for (const Roaring& p : parts) ptrs.push_back(&p);
        return Roaring::fastunion(ptrs.size(), ptrs.data());
      }
      case QueryNode::Type::kAnd: return RunAnd(q, scope);
    }
    return Roaring();
  }

 private:
  // Most selective first, so later predicates see a small scope.
  Roaring RunAnd(const QueryNode& q, const Roaring* scope) const {
    std::vector<std::pair<uint64_t, size_t>> order;
    for (size_t i = 0; i < q.children.size(); ++i) {
      const QueryNode& c = q.children[i];
      uint64_t est = ix_.live.cardinality();
      if (c.type == QueryNode::Type::kPredicate) {
        const Leaf leaf = Bind(c);
        if (leaf.f->bitmapped) est = Estimate(leaf);
      }
      order.push_back({est, i});
    }
    std::sort(order.begin(), order.end());
    Roaring cur;
    for (const auto& [est, i] : order) {
      cur = Run(q.children[i], scope);
      scope = &cur;
      if (cur.isEmpty()) break;
    }
    return cur;
  }

  Leaf Bind(const QueryNode& q) const {
    Leaf leaf;
    const Field& f = ix_.fields[q.field];
    leaf.f = &f;
    leaf.negate = q.op == CompareOp::kNe;
    if (f.is_set()) {
      for (const QueryValue& v : q.values) leaf.mask |= uint64_t{1} << v.number;
      return leaf;
    }
    if (f.spec.type == FieldType::kString) {
      std::vector<int64_t> hits;
      if (q.op == CompareOp::kEq || q.op == CompareOp::kNe || q.op == CompareOp::kIn) {
        for (const QueryValue& v : q.values) {
          if (auto it = f.codes.find(v.text); it != f.codes.end()) hits.push_back(it->second);
        }
      } else {
        const std::string_view x = q.values[0].text;
        auto match = [&](std::string_view s) {
          switch (q.op) {
            case CompareOp::kLt: return s < x;
            case CompareOp::kLe: return s <= x;
            case CompareOp::kGt: return s > x;
            case CompareOp::kGe: return s >= x;
            case CompareOp::kPrefix: return s.starts_with(x);
            default: return false;
          }
        };
        for (const auto& [s, code] : f.codes) {
          if (match(s)) hits.push_back(code);
        }
      }
      std::sort(hits.begin(), hits.end());
      for (int64_t c : hits) {
        if (!leaf.ranges.empty() && leaf.ranges.back().second + 1 == c) {
          leaf.ranges.back().second = c;
        } else {
          leaf.ranges.push_back({c, c});
        }
      }
      return leaf;
    }
    std::vector<int64_t> vals;
    for (const QueryValue& v : q.values) vals.push_back(v.relative ? today_ + v.number : v.number);
    const int64_t x = vals[0];
    switch (q.op) {
      case CompareOp::kEq:
      case CompareOp::kNe: leaf.ranges = {{x, x}}; break;
      case CompareOp::kLt: if (x > kNull + 1) leaf.ranges = {{kNull + 1, x - 1}}; break;
      case CompareOp::kLe: leaf.ranges = {{kNull + 1, x}}; break;
      case CompareOp::kGt: if (x < kMax) leaf.ranges = {{x + 1, kMax}}; break;
      case CompareOp::kGe: leaf.ranges = {{x, kMax}}; break;
      case CompareOp::kIn:
        std::sort(vals.begin(), vals.end());
        vals.erase(std::unique(vals.begin(), vals.end()), vals.end());
        for (int64_t v : vals) leaf.ranges.push_back({v, v});
        break;
      case CompareOp::kPrefix: break;
    }
    return leaf;
  }

  // The bitmaps of the values a (bitmapped) leaf accepts, before negation.
  std::vector<const Bitmap*> Bitmaps(const Leaf& leaf) const {
    std::vector<const Bitmap*> out;
    const auto& m = leaf.f->bitmaps;
    if (leaf.f->is_set()) {
      for (uint64_t b = leaf.mask; b != 0; b &= b - 1) {
        if (auto it = m.find(std::countr_zero(b)); it != m.end()) out.push_back(&it->second);
      }
      return out;
    }
    for (const auto& [lo, hi] : leaf.ranges) {
      for (auto it = m.lower_bound(lo); it != m.end() && it->first <= hi; ++it) {
        out.push_back(&it->second);
      }
    }
    return out;
  }

  uint64_t Estimate(const Leaf& leaf) const {
    uint64_t n = 0;
    for (const Bitmap* b : Bitmaps(leaf)) n += b->count;
    if (!leaf.negate) return n;
    const uint64_t base = leaf.f->is_set() ? ix_.live.cardinality() : leaf.f->present.cardinality();
    return base - std::min(base, n);
  }

  Roaring RunLeaf(const Leaf& leaf, const Roaring* scope) const {
    if (!leaf.f->bitmapped) return scope ? Probe(leaf, *scope) : Scan(leaf);
    const std::vector<const Bitmap*> bms = Bitmaps(leaf);
    if (scope) {
      // Probing costs a column read per profile in scope; bitmaps cost a union of their
      // members (when there are several) and an intersection.
      uint64_t members = 0;
      for (const Bitmap* b : bms) members += b->count;
      const uint64_t in_scope = scope->cardinality();
      const uint64_t bitmap_cost = (bms.size() > 1 ? members : 0) + std::min(members, in_scope) / 4;
      if (2 * in_scope < bitmap_cost) return Probe(leaf, *scope);
    }
    Roaring r;
    if (bms.size() == 1 && !leaf.negate && scope) return bms[0]->bits & *scope;
    if (bms.size() == 1) {
      r = bms[0]->bits;
    } else if (!bms.empty()) {
      std::vector<const Roaring*> ptrs;
      for (const Bitmap* b : bms) ptrs.push_back(&b->bits);
      r = Roaring::fastunion(ptrs.size(), ptrs.data());
    }
    if (leaf.negate) {
      Roaring base = leaf.f->is_set() ? ix_.live : leaf.f->present;
      base -= r;
      r = std::move(base);
    }
    if (scope) r &= *scope;
    return r;
  }

  // The profiles of `scope` whose column value the leaf accepts.
  Roaring Probe(const Leaf& leaf, const Roaring& scope) const {
    const uint64_t n = scope.cardinality();
    std::vector<uint32_t> ids(n);
    scope.toUint32Array(ids.data());
    std::vector<uint32_t> keep(n);
    const size_t chunks = n < kParallelMin ? 1 : (n + kParallelMin - 1) / kParallelMin;
    std::vector<size_t> kept(chunks);
    leaf.f->column.Visit([&](const auto& col, auto widen) {
      const int64_t fill = leaf.f->column.Get(col.size());
      tbb::parallel_for(size_t{0}, chunks, [&](size_t c) {
        const size_t lo = c * n / chunks, hi = (c + 1) * n / chunks;
        size_t out = lo;
        for (size_t i = lo; i < hi; ++i) {
          const uint32_t id = ids[i];
          if (leaf.Test(id < col.size() ? widen(col[id]) : fill)) keep[out++] = id;
        }
        kept[c] = out - lo;
      });
    });
    size_t total = 0;
    for (size_t c = 0; c < chunks; ++c) {
      const size_t lo = c * n / chunks;
      std::copy_n(keep.begin() + lo, kept[c], keep.begin() + total);
      total += kept[c];
    }
    return Roaring(total, keep.data());
  }

  // Every live profile whose column value the leaf accepts (columns-only fields).
  Roaring Scan(const Leaf& leaf) const {
    std::vector<Roaring> parts;
    leaf.f->column.Visit([&](const auto& col, auto widen) {
      parts.resize((col.size() + kParallelMin - 1) / kParallelMin);
      tbb::parallel_for(size_t{0}, parts.size(), [&](size_t c) {
        std::vector<uint32_t> hit;
        const size_t hi = std::min(col.size(), (c + 1) * kParallelMin);
        for (size_t i = c * kParallelMin; i < hi; ++i) {
          if (leaf.Test(widen(col[i]))) hit.push_back(static_cast<uint32_t>(i));
        }
        parts[c] = Roaring(hit.size(), hit.data());
      });
    });
    std::vector<const Roaring*> ptrs;
    for (const Roaring& p : parts) ptrs.push_back(&p);
    return ptrs.empty() ? Roaring() : Roaring::fastunion(ptrs.size(), ptrs.data());
  }

  const SegmentIndex::Impl& ix_;
  int64_t today_;
};

}  // namespace

uint64_t SegmentIndex::Count(const SegmentQuery& query, int64_t today) const {
  tbb::queuing_rw_mutex::scoped_lock lock(mu_, /*write=*/false);
  return tbb::this_task_arena::isolate(
      [&] { return Evaluator(*impl_, today).Run(query.root(), nullptr).cardinality(); });
}

SegmentPage SegmentIndex::Members(const SegmentQuery& query, int64_t today, ProfileId after,
                                  uint32_t limit) const {
  tbb::queuing_rw_mutex::scoped_lock lock(mu_, /*write=*/false);
  const Roaring r = tbb::this_task_arena::isolate(
      [&] { return Evaluator(*impl_, today).Run(query.root(), nullptr); });
  SegmentPage page;
  page.total = r.cardinality();
  if (after >= (uint64_t{1} << 32) - 1 || limit == 0) return page;
  auto it = r.begin();
  it.equalorlarger(static_cast<uint32_t>(after + 1));
  for (; it != r.end() && page.ids.size() < limit; ++it) page.ids.push_back(*it);
  if (it != r.end() && !page.ids.empty()) page.next = page.ids.back();
  return page;
}

SegmentIndexStats SegmentIndex::Stats() const {
  tbb::queuing_rw_mutex::scoped_lock lock(mu_, /*write=*/false);
  SegmentIndexStats st;
  st.profiles = impl_->live.cardinality();
  st.bytes = impl_->live.getSizeInBytes(false);
  for (const Field& f : impl_->fields) {
    SegmentFieldStats fs;
    fs.name = f.spec.name;
    fs.bitmaps = f.bitmapped;
    fs.values = f.spec.type == FieldType::kString ? f.codes.size() : f.bitmaps.size();
    fs.bytes = f.column.bytes() + f.present.getSizeInBytes(false);
    for (const auto& [v, b] : f.bitmaps) fs.bytes += b.bits.getSizeInBytes(false) + 64;
    for (const auto& [s, c] : f.codes) fs.bytes += s.capacity() + 64;
    st.bytes += fs.bytes;
    st.fields.push_back(std::move(fs));
  }
  return st;
}

}  // namespace idg
