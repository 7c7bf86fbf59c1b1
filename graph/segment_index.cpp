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
  // Calls f with the cheapest function that tells whether a column value is accepted.
  template <class F>
  decltype(auto) WithTest(F&& f) const {
    if (f_is_set()) {
      const uint64_t m = mask;
      const bool neg = negate;
      return f([m, neg](int64_t v) { return ((static_cast<uint64_t>(v) & m) != 0) != neg; });
    }
    if (ranges.size() == 1 && !negate) {  // null (the smallest value) is below every range
      const int64_t lo = ranges[0].first, hi = ranges[0].second;
      return f([lo, hi](int64_t v) { return v >= lo && v <= hi; });
    }
    return f([this](int64_t v) { return Test(v); });
  }
  bool f_is_set() const;

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

bool Leaf::f_is_set() const { return f->is_set(); }

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

// Rough costs, in "element operations", of the ways to answer a predicate: probing a profile's
// column value, testing a bitmap member against another bitmap, and a container-level
// operation on a dense bitmap per member of the smaller side.
constexpr double kProbeCost = 3.0;
constexpr double kTestCost = 1.0;
constexpr double kDenseCost = 0.1;
constexpr double kFixedCost = 500.0;

// Evaluates a query over the index (under its read lock). An AND runs its predicates one at a
// time, cheapest next, each restricted to the profiles the earlier ones left (the scope): a
// predicate is answered there either from its value bitmaps or by probing its column for each
// profile in scope, whichever costs less. Counting never builds the last step's bitmap.
class Evaluator {
 public:
  Evaluator(const SegmentIndex::Impl& ix, int64_t today) : ix_(ix), today_(today) {}

  Roaring Run(const QueryNode& q, const Roaring* scope) const {
    switch (q.type) {
      case QueryNode::Type::kPredicate: return RunLeaf(Prepare(q), scope);
      case QueryNode::Type::kNot: {
        Roaring base = scope ? *scope : ix_.live;
        base -= Run(q.children[0], scope);
        return base;
      }
      case QueryNode::Type::kOr: {
        std::vector<Roaring> parts(q.children.size());
        tbb::parallel_for(size_t{0}, parts.size(),
                          [&](size_t i) { parts[i] = Run(q.children[i], scope); });
        return Union(parts);
      }
      case QueryNode::Type::kAnd: {
        Roaring cur;
        RunAnd(q, scope, /*count_last=*/false, &cur);
        return cur;
      }
    }
    return Roaring();
  }

  uint64_t Count(const QueryNode& q, const Roaring* scope) const {
    switch (q.type) {
      case QueryNode::Type::kPredicate: return CountLeaf(Prepare(q), scope);
      case QueryNode::Type::kNot:
        return (scope ? scope->cardinality() : ix_.live.cardinality()) - Count(q.children[0], scope);
      case QueryNode::Type::kOr: return Run(q, scope).cardinality();
      case QueryNode::Type::kAnd: {
        Roaring cur;
        return RunAnd(q, scope, /*count_last=*/true, &cur);
      }
    }
    return 0;
  }

 private:
  // A predicate bound to its field, with the bitmaps of the values it accepts.
  struct Pred {
    Leaf leaf;
    std::vector<const Bitmap*> bms;  // bitmapped fields: the accepted values (before negation)
    uint64_t members = 0;            // their members, summed
    // Whether the values' bitmaps are disjoint (one value per profile), so counts add up.
    bool disjoint() const { return !leaf.f->is_set() || bms.size() <= 1; }
    bool single() const { return bms.size() == 1 && !leaf.negate; }
  };

  Pred Prepare(const QueryNode& q) const { return Prepare(Bind(q)); }
  Pred Prepare(Leaf leaf) const {
    Pred p;
    p.leaf = std::move(leaf);
    if (p.leaf.f->bitmapped) {
      p.bms = Bitmaps(p.leaf);
      for (const Bitmap* b : p.bms) p.members += b->count;
    }
    return p;
  }

  // Profiles a predicate holds for, as far as bitmaps tell without work; all when unknown.
  uint64_t Estimate(const Pred& p) const {
    const uint64_t n = ix_.live.cardinality();
    if (!p.leaf.f->bitmapped) return n;
    if (!p.leaf.negate) return std::min(n, p.members);
    const uint64_t base = p.leaf.f->is_set() ? n : p.leaf.f->present.cardinality();
    return base - std::min(base, p.members);
  }

  // The cost of restricting a scope of `s` profiles by the predicate, and whether probing
  // the column is the cheaper way.
  std::pair<double, bool> Cost(const Pred& p, uint64_t s) const {
    const double probe = kProbeCost * static_cast<double>(s);
    if (!p.leaf.f->bitmapped) return {probe, true};
    double bitmaps;
    if (p.single()) {
      bitmaps = kDenseCost * static_cast<double>(std::min(s, p.members)) + kFixedCost;
    } else {
      bitmaps = kTestCost * static_cast<double>(p.members) + kDenseCost * static_cast<double>(s) +
                kFixedCost;
    }
    return probe < bitmaps ? std::pair{probe, true} : std::pair{bitmaps, false};
  }

  // Accepted values of two predicates on one field, both required: the intersection.
  static std::vector<std::pair<int64_t, int64_t>> Intersect(
      const std::vector<std::pair<int64_t, int64_t>>& a,
      const std::vector<std::pair<int64_t, int64_t>>& b) {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
      const int64_t lo = std::max(a[i].first, b[j].first), hi = std::min(a[i].second, b[j].second);
      if (lo <= hi) out.push_back({lo, hi});
      a[i].second < b[j].second ? ++i : ++j;
    }
    return out;
  }

  // Runs the AND's children cheapest first, each within what the earlier ones left; with
  // `count_last`, the last one is only counted. The result goes to `cur`; returns its count.
  uint64_t RunAnd(const QueryNode& q, const Roaring* scope, bool count_last, Roaring* cur) const {
    struct Child {
      const QueryNode* node;
      std::optional<Pred> pred;  // predicates; other nodes are evaluated whole
      uint64_t estimate;
    };
    const uint64_t n = ix_.live.cardinality();
    std::vector<Child> todo;
    for (const QueryNode& c : q.children) {
      if (c.type != QueryNode::Type::kPredicate) {
        todo.push_back({&c, std::nullopt, n});
        continue;
      }
      Leaf leaf = Bind(c);
      // Two bounds on one field (age >= 30 AND age <= 45) are one range.
      const auto same = std::find_if(todo.begin(), todo.end(), [&](const Child& t) {
        return t.pred && t.pred->leaf.f == leaf.f && !leaf.f->is_set() && !leaf.negate &&
               !t.pred->leaf.negate;
      });
      if (same != todo.end()) {
        leaf.ranges = Intersect(same->pred->leaf.ranges, leaf.ranges);
        same->pred = Prepare(std::move(leaf));
        same->estimate = Estimate(*same->pred);
        continue;
      }
      Pred p = Prepare(std::move(leaf));
      const uint64_t est = Estimate(p);
      todo.push_back({&c, std::move(p), est});
    }
    uint64_t s = scope ? scope->cardinality() : n;
    Roaring step;
    while (!todo.empty()) {
      // The cheapest next step; one that narrows more wins a tie. Without a scope yet, a
      // single value's bitmap costs nothing: it becomes the scope as it is.
      size_t best = 0;
      double best_cost = 0;
      for (size_t i = 0; i < todo.size(); ++i) {
        const Child& t = todo[i];
        double cost = static_cast<double>(n);
        if (t.pred && scope) {
          cost = Cost(*t.pred, s).first;
        } else if (t.pred && t.pred->leaf.f->bitmapped) {
          cost = t.pred->single() ? 0 : static_cast<double>(t.pred->members);
        }
        if (i == 0 || cost < best_cost ||
            (cost == best_cost && t.estimate < todo[best].estimate)) {
          best = i;
          best_cost = cost;
        }
      }
      const Child ch = std::move(todo[best]);
      todo.erase(todo.begin() + static_cast<ptrdiff_t>(best));
      if (todo.empty() && count_last) {
        return ch.pred ? CountLeaf(*ch.pred, scope) : Count(*ch.node, scope);
      }
      if (!scope && ch.pred && ch.pred->single()) {
        scope = &ch.pred->bms[0]->bits;  // the index's own bitmap, read under the lock
        s = ch.pred->members;
      } else {
        step = ch.pred ? RunLeaf(*ch.pred, scope) : Run(*ch.node, scope);
        *cur = std::move(step);
        scope = cur;
        s = cur->cardinality();
      }
      if (s == 0) {
        *cur = Roaring();
        return 0;
      }
    }
    if (scope != cur) *cur = *scope;
    return s;
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
      hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
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

  static Roaring Union(const std::vector<Roaring>& parts) {
    std::vector<const Roaring*> ptrs;
    for (const Roaring& p : parts) {
      if (!p.isEmpty()) ptrs.push_back(&p);
    }
    if (ptrs.empty()) return Roaring();
    if (ptrs.size() == 1) return *ptrs[0];
    return Roaring::fastunion(ptrs.size(), ptrs.data());
  }

  // The profiles the (bitmapped) predicate holds for, before negation, within `scope`.
  Roaring Accepted(const Pred& p, const Roaring* scope) const {
    if (p.bms.empty()) return Roaring();
    if (p.bms.size() == 1) return scope ? p.bms[0]->bits & *scope : p.bms[0]->bits;
    std::vector<Roaring> parts(p.bms.size());
    if (scope) {
      tbb::parallel_for(size_t{0}, parts.size(), [&](size_t i) { parts[i] = p.bms[i]->bits & *scope; });
      return Union(parts);
    }
    std::vector<const Roaring*> ptrs;
    for (const Bitmap* b : p.bms) ptrs.push_back(&b->bits);
    return Roaring::fastunion(ptrs.size(), ptrs.data());
  }

  const Roaring& Base(const Leaf& leaf) const { return leaf.f->is_set() ? ix_.live : leaf.f->present; }

  Roaring RunLeaf(const Pred& p, const Roaring* scope) const {
    const Leaf& leaf = p.leaf;
    if (!leaf.f->bitmapped) return scope ? Probe(leaf, *scope, nullptr) : Scan(leaf, nullptr);
    if (scope && Cost(p, scope->cardinality()).second) return Probe(leaf, *scope, nullptr);
    Roaring r = Accepted(p, scope);
    if (!leaf.negate) return r;
    Roaring base = scope ? Base(leaf) & *scope : Base(leaf);
    base -= r;
    return base;
  }

  uint64_t CountLeaf(const Pred& p, const Roaring* scope) const {
    const Leaf& leaf = p.leaf;
    uint64_t n = 0;
    if (!leaf.f->bitmapped) {
      scope ? Probe(leaf, *scope, &n) : Scan(leaf, &n);
      return n;
    }
    if (scope && Cost(p, scope->cardinality()).second) {
      Probe(leaf, *scope, &n);
      return n;
    }
    uint64_t accepted = 0;
    if (!p.disjoint()) {
      accepted = Accepted(p, scope).cardinality();
    } else if (!scope) {
      accepted = p.members;
    } else {
      std::vector<uint64_t> each(p.bms.size());
      tbb::parallel_for(size_t{0}, each.size(),
                        [&](size_t i) { each[i] = p.bms[i]->bits.and_cardinality(*scope); });
      for (uint64_t c : each) accepted += c;
    }
    if (!leaf.negate) return accepted;
    const uint64_t base = scope ? Base(leaf).and_cardinality(*scope) : Base(leaf).cardinality();
    return base - accepted;
  }

  // The profiles of `scope` whose column value the leaf accepts; only counted when `count`.
  Roaring Probe(const Leaf& leaf, const Roaring& scope, uint64_t* count) const {
    // Chunks of 16 containers' worth of ids, walked with an iterator, in parallel.
    constexpr uint64_t kSpan = uint64_t{1} << 20;
    const uint64_t top = scope.isEmpty() ? 0 : uint64_t{scope.maximum()} + 1;
    const size_t chunks = static_cast<size_t>((top + kSpan - 1) / kSpan);
    std::vector<Roaring> parts(count ? 0 : chunks);
    std::vector<uint64_t> counts(chunks);
    leaf.f->column.Visit([&](const auto& col, auto widen) {
     leaf.WithTest([&](auto test) {
      const int64_t fill = leaf.f->column.Get(col.size());
      tbb::parallel_for(size_t{0}, chunks, [&](size_t c) {
        const uint64_t lo = c * kSpan, hi = std::min(top, lo + kSpan);
        roaring_uint32_iterator_t it;
        roaring_init_iterator(&scope.roaring, &it);
        if (!roaring_move_uint32_iterator_equalorlarger(&it, static_cast<uint32_t>(lo))) return;
        uint32_t buf[1024];
        std::vector<uint32_t> hit;
        uint64_t found = 0;
        bool more = true;
        while (more) {
          const uint32_t got = roaring_read_uint32_iterator(&it, buf, 1024);
          for (uint32_t i = 0; i < got; ++i) {
            if (buf[i] >= hi) {
              more = false;
              break;
            }
            const uint32_t id = buf[i];
            if (test(id < col.size() ? widen(col[id]) : fill)) {
              ++found;
              if (!count) hit.push_back(id);
            }
          }
          if (got < 1024) more = false;
        }
        counts[c] = found;
        if (!count) parts[c] = Roaring(hit.size(), hit.data());
      });
     });
    });
    if (count) {
      for (uint64_t c : counts) *count += c;
      return Roaring();
    }
    return Union(parts);
  }

  // Every live profile whose column value the leaf accepts (columns-only fields).
  Roaring Scan(const Leaf& leaf, uint64_t* count) const {
    std::vector<Roaring> parts;
    std::vector<uint64_t> counts;
    leaf.f->column.Visit([&](const auto& col, auto widen) {
     leaf.WithTest([&](auto test) {
      const size_t chunks = (col.size() + kParallelMin - 1) / kParallelMin;
      counts.resize(chunks);
      if (!count) parts.resize(chunks);
      tbb::parallel_for(size_t{0}, chunks, [&](size_t c) {
        std::vector<uint32_t> hit;
        uint64_t found = 0;
        const size_t hi = std::min(col.size(), (c + 1) * kParallelMin);
        for (size_t i = c * kParallelMin; i < hi; ++i) {
          if (test(widen(col[i]))) {
            ++found;
            if (!count) hit.push_back(static_cast<uint32_t>(i));
          }
        }
        counts[c] = found;
        if (!count) parts[c] = Roaring(hit.size(), hit.data());
      });
     });
    });
    if (count) {
      for (uint64_t c : counts) *count += c;
      return Roaring();
    }
    return Union(parts);
  }

  const SegmentIndex::Impl& ix_;
  int64_t today_;
};

}  // namespace

uint64_t SegmentIndex::Count(const SegmentQuery& query, int64_t today) const {
  tbb::queuing_rw_mutex::scoped_lock lock(mu_, /*write=*/false);
  return tbb::this_task_arena::isolate(
      [&] { return Evaluator(*impl_, today).Count(query.root(), nullptr); });
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
