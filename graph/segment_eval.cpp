// Segment query evaluation over the index (graph/segment_index.h): an AND runs its predicates
// one at a time, cheapest next, each within the profiles the earlier ones left (the scope). A
// predicate is answered there from its value bitmaps (word-at-a-time where both sides are
// dense, member by member otherwise) or by probing its column for each profile in scope,
// whichever is expected to cost less. Counting never builds the last step's set.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <optional>

#include "graph/segment_pred.h"
#include "graph/segment_store.h"

namespace idg::segments {
namespace {

// Rough relative costs of the ways to answer a predicate, measured on 10M profiles (a unit is
// about 1.7 ns there): testing one member of a sparse bitmap; reading a profile's column value
// out of order (a cache miss, mostly); reading a whole column in order, per id, either one
// value at a time, or 64 against a scope word, or 64 byte codes; one 64-bit word of a dense intersection; and
// walking into one more 65,536-id block of a sparse bitmap.
constexpr double kTestCost = 1.0;
constexpr double kProbeCost = 4.0;
constexpr double kScanCost = 0.6;
constexpr double kRangeScanCost = 0.08;
constexpr double kCodeScanCost = 0.03;
constexpr double kWordCost = 1.2;
constexpr double kContainerCost = 60.0;
constexpr double kFixedCost = 200.0;
constexpr size_t kChunkWords = 1024;  // 65,536 ids: the unit of parallel loops over ids

class Evaluator {
 public:
  Evaluator(const SegmentIndex::Impl& ix, int64_t today)
      : ix_(ix), today_(today), words_(WordsFor(ix.bound)) {}

  IdSet Run(const QueryNode& q, const IdSet* scope) const {
    switch (q.type) {
      case QueryNode::Type::kPredicate: return RunPred(Prepare(Bind(ix_.fields[q.field], q, today_)), scope);
      case QueryNode::Type::kNot: return Minus(scope ? *scope : ix_.live.View(), Run(q.children[0], scope));
      case QueryNode::Type::kOr: {
        std::vector<IdSet> parts(q.children.size());
        tbb::parallel_for(size_t{0}, parts.size(),
                          [&](size_t i) { parts[i] = Run(q.children[i], scope); });
        return Union(parts);
      }
      case QueryNode::Type::kAnd: return RunAnd(q, scope, /*count_last=*/false).second;
    }
    return IdSet();
  }

  uint64_t Count(const QueryNode& q, const IdSet* scope) const {
    switch (q.type) {
      case QueryNode::Type::kPredicate: return CountPred(Prepare(Bind(ix_.fields[q.field], q, today_)), scope);
      case QueryNode::Type::kNot:
        return (scope ? scope->count() : ix_.live.count) - Count(q.children[0], scope);
      case QueryNode::Type::kOr: return Run(q, scope).count();
      case QueryNode::Type::kAnd: return RunAnd(q, scope, /*count_last=*/true).first;
    }
    return 0;
  }

 private:
  const Bitmap& Base(const Leaf& leaf) const { return leaf.f->is_set() ? ix_.live : leaf.f->present; }

  // ---- costs ----------------------------------------------------------------------------

  // Profiles a predicate holds for, as far as bitmaps tell without work; all when unknown.
  uint64_t Estimate(const Pred& p) const {
    const uint64_t n = ix_.live.count;
    if (!p.leaf.f->bitmapped) return n;
    if (!p.leaf.negate) return std::min(n, p.members);
    const uint64_t base = Base(p.leaf).count;
    return base - std::min(base, p.members);
  }

  // Walking a sparse bitmap's members: per member, and per block of ids it has members in.
  double WalkCost(uint64_t members) const {
    const double blocks = static_cast<double>(std::min<uint64_t>(members, ix_.bound / 65536 + 1));
    return kTestCost * static_cast<double>(members) + kContainerCost * blocks + kFixedCost;
  }

  // Intersecting a scope with one value's bitmap.
  double IntersectCost(const IdSet& scope, const Bitmap& b) const {
    if (scope.dense() && !b.dense.empty()) return kWordCost * static_cast<double>(words_);
    if (scope.dense()) return WalkCost(b.count);
    if (!b.dense.empty()) return WalkCost(scope.count());
    return WalkCost(std::min(scope.count(), b.count));
  }

  // The ways to restrict a scope by a predicate: its value bitmaps, reading its column for
  // each profile in scope, or (a dense scope, a single range) reading the whole column in
  // order, 64 values against each scope word.
  enum class Way : uint8_t { kBitmaps, kProbe, kScan };

  static bool Scannable(const Leaf& leaf) {
    return !leaf.f->is_set() && !leaf.negate && leaf.ranges.size() == 1;
  }

  // The cheapest way to restrict `scope` by the predicate, and its cost.
  std::pair<double, Way> Cost(const Pred& p, const IdSet& scope) const {
    std::pair<double, Way> best{kProbeCost * static_cast<double>(scope.count()), Way::kProbe};
    if (scope.dense() && Scannable(p.leaf)) {
      const double per_id = p.leaf.f->column.codes() ? kCodeScanCost : kRangeScanCost;
      const double scan = per_id * static_cast<double>(ix_.bound);
      if (scan < best.first) best = {scan, Way::kScan};
    }
    if (!p.leaf.f->bitmapped) return best;
    double bitmaps = p.leaf.negate ? IntersectCost(scope, Base(p.leaf)) : 0;
    for (const Bitmap* b : p.bms) bitmaps += IntersectCost(scope, *b);
    for (const Bitmap* b : p.partial) bitmaps += PartialCost(*b);
    if (bitmaps < best.first) best = {bitmaps, Way::kBitmaps};
    return best;
  }

  // Checking each member of a bucket accepted in part against its column value, in id order.
  double PartialCost(const Bitmap& b) const {
    return WalkCost(b.count) + kProbeCost / 2 * static_cast<double>(b.count);
  }

  // The cost of a predicate with no scope yet: a single value's bitmap is used as it is.
  double FirstCost(const Pred& p) const {
    if (!p.leaf.f->bitmapped) return kScanCost * static_cast<double>(ix_.bound);
    if (p.single()) return 0;
    double c = p.leaf.negate ? kWordCost * static_cast<double>(words_) : 0;
    for (const Bitmap* b : p.bms) {
      c += b->dense.empty() ? WalkCost(b->count) : kWordCost * static_cast<double>(words_);
    }
    for (const Bitmap* b : p.partial) c += PartialCost(*b);
    return c;
  }

  // ---- set operations -------------------------------------------------------------------

  IdSet Intersect(const IdSet& a, const IdSet& b) const { return segments::Intersect(a, b, ix_.bound); }
  uint64_t IntersectCount(const IdSet& a, const IdSet& b) const {
    return segments::IntersectCount(a, b, ix_.bound);
  }
  IdSet Minus(const IdSet& a, const IdSet& b) const { return segments::Minus(a, b, ix_.bound); }
  IdSet Union(const std::vector<IdSet>& parts) const { return segments::Union(parts, ix_.bound); }

  // Intersections of a dense scope with several values, a group of ids at a time in
  // parallel: the scope's words of a group stay in cache while every value's members there
  // are tested (walking each value across the whole scope would stream it from memory once
  // per value). Dense values go word by word.
  static constexpr uint64_t kGroupIds = uint64_t{1} << 20;

  template <class F>
  void ForEachGroup(F&& f) const {
    const size_t groups = static_cast<size_t>((ix_.bound + kGroupIds - 1) / kGroupIds);
    tbb::parallel_for(size_t{0}, groups, [&](size_t g) {
      const uint64_t lo = g * kGroupIds, hi = std::min<uint64_t>(ix_.bound, lo + kGroupIds);
      f(g, lo, hi, static_cast<size_t>(lo / 64), std::min(words_, WordsFor(hi)));
    });
  }

  uint64_t CountInScope(const IdSet& scope, const std::vector<const Bitmap*>& bms) const {
    std::vector<uint64_t> counts(static_cast<size_t>((ix_.bound + kGroupIds - 1) / kGroupIds));
    const uint64_t* sw = scope.words();
    const size_t sn = scope.nwords();
    ForEachGroup([&](size_t g, uint64_t lo, uint64_t hi, size_t wlo, size_t whi) {
      uint64_t c = 0;
      for (const Bitmap* b : bms) {
        if (!b->dense.empty()) {
          const size_t end = std::min({whi, sn, b->dense.size()});
          if (end > wlo) c += AndCountWords(sw + wlo, b->dense.data() + wlo, end - wlo);
          continue;
        }
        b->View().ForEach(lo, hi, [&](uint32_t id) {
          c += TestBit(sw, sn, id);
          return true;
        });
      }
      counts[g] = c;
    });
    uint64_t total = 0;
    for (uint64_t c : counts) total += c;
    return total;
  }

  IdSet SelectInScope(const IdSet& scope, const std::vector<const Bitmap*>& bms) const {
    Words out(words_, 0);
    std::vector<uint64_t> counts(static_cast<size_t>((ix_.bound + kGroupIds - 1) / kGroupIds));
    const uint64_t* sw = scope.words();
    const size_t sn = scope.nwords();
    ForEachGroup([&](size_t g, uint64_t lo, uint64_t hi, size_t wlo, size_t whi) {
      for (const Bitmap* b : bms) {
        if (!b->dense.empty()) {
          const size_t end = std::min({whi, sn, b->dense.size()});
          for (size_t w = wlo; w < end; ++w) out[w] |= sw[w] & b->dense[w];
          continue;
        }
        b->View().ForEach(lo, hi, [&](uint32_t id) {
          if (TestBit(sw, sn, id)) SetBit(out.data(), id);
          return true;
        });
      }
      counts[g] = CountWords(out.data() + wlo, whi - wlo);
    });
    uint64_t total = 0;
    for (uint64_t c : counts) total += c;
    return IdSet::Dense(std::move(out), total);
  }

  // ---- predicates -----------------------------------------------------------------------

  // The members of the buckets accepted in part that the predicate accepts, within `scope`
  // if given; or only their number, with `count`.
  IdSet PartialHits(const Pred& p, const IdSet* scope, uint64_t* count) const {
    std::vector<uint32_t> hits;
    uint64_t n = 0;
    p.leaf.f->column.Visit([&](const auto& col, auto widen) {
      for (const Bitmap* b : p.partial) {
        b->View().ForEach(0, ix_.bound, [&](uint32_t id) {
          if ((!scope || scope->Contains(id)) && p.leaf.InRanges(widen(col[id]))) {
            ++n;
            if (!count) hits.push_back(id);
          }
          return true;
        });
      }
    });
    if (count) {
      *count += n;
      return IdSet();
    }
    std::sort(hits.begin(), hits.end());
    return IdSet::Sparse(Roaring(hits.size(), hits.data()));
  }

  // The profiles the bitmapped predicate accepts, before negation, within `scope` if given.
  IdSet Accepted(const Pred& p, const IdSet* scope) const {
    IdSet whole = AcceptedWhole(p, scope);
    if (p.partial.empty()) return whole;
    return Union({std::move(whole), PartialHits(p, scope, nullptr)});
  }

  IdSet AcceptedWhole(const Pred& p, const IdSet* scope) const {
    if (p.bms.empty()) return IdSet();
    if (!scope) {
      if (p.bms.size() == 1) return p.bms[0]->View();
      std::vector<IdSet> views;
      for (const Bitmap* b : p.bms) views.push_back(b->View());
      return Union(views);
    }
    if (scope->dense()) return SelectInScope(*scope, p.bms);
    std::vector<IdSet> parts(p.bms.size());
    tbb::parallel_for(size_t{0}, parts.size(),
                      [&](size_t i) { parts[i] = Intersect(*scope, p.bms[i]->View()); });
    return Union(parts);
  }

  IdSet RunPred(const Pred& p, const IdSet* scope) const {
    const Leaf& leaf = p.leaf;
    if (!scope && !leaf.f->bitmapped) return Scan(leaf, nullptr);
    const Way way = scope ? Cost(p, *scope).second : Way::kBitmaps;
    if (way == Way::kProbe) return Probe(leaf, *scope, nullptr);
    if (way == Way::kScan) return ScanInScope(leaf, *scope, nullptr);
    IdSet accepted = Accepted(p, scope);
    if (!leaf.negate) return accepted;
    const IdSet base = scope ? Intersect(*scope, Base(leaf).View()) : Base(leaf).View();
    return Minus(base, accepted);
  }

  uint64_t CountPred(const Pred& p, const IdSet* scope) const {
    const Leaf& leaf = p.leaf;
    uint64_t n = 0;
    if (!scope && !leaf.f->bitmapped) {
      Scan(leaf, &n);
      return n;
    }
    const Way way = scope ? Cost(p, *scope).second : Way::kBitmaps;
    if (way == Way::kProbe) {
      Probe(leaf, *scope, &n);
      return n;
    }
    if (way == Way::kScan) {
      ScanInScope(leaf, *scope, &n);
      return n;
    }
    uint64_t accepted = 0;
    if (!p.partial.empty()) PartialHits(p, scope, &accepted);
    if (!p.disjoint()) {
      accepted = Accepted(p, scope).count();
    } else if (!scope) {
      for (const Bitmap* b : p.bms) accepted += b->count;
    } else if (scope->dense()) {
      accepted += CountInScope(*scope, p.bms);
    } else {
      std::vector<uint64_t> each(p.bms.size());
      tbb::parallel_for(size_t{0}, each.size(),
                        [&](size_t i) { each[i] = IntersectCount(*scope, p.bms[i]->View()); });
      for (uint64_t c : each) accepted += c;
    }
    if (!leaf.negate) return accepted;
    uint64_t base = Base(leaf).count;
    if (scope) base = scope->dense() ? CountInScope(*scope, {&Base(leaf)}) : IntersectCount(*scope, Base(leaf).View());
    return base - accepted;
  }

  // The profiles of `scope` whose column value the leaf accepts; only counted when `count`.
  IdSet Probe(const Leaf& leaf, const IdSet& scope, uint64_t* count) const {
    const uint64_t span = kChunkWords * 64 * 16;
    const size_t chunks = static_cast<size_t>((ix_.bound + span - 1) / span);
    std::vector<std::vector<uint32_t>> hits(count ? 0 : chunks);
    std::vector<uint64_t> counts(chunks);
    leaf.f->column.Visit([&](const auto& col, auto widen) {
      leaf.WithTest([&](auto test) {
        const int64_t fill = leaf.f->column.Get(col.size());
        tbb::parallel_for(size_t{0}, chunks, [&](size_t c) {
          // Ids in batches, their column values prefetched ahead of the tests: the reads
          // are scattered, and this keeps several cache misses in flight.
          uint64_t found = 0;
          uint32_t batch[256];
          size_t n = 0;
          auto flush = [&] {
            for (size_t i = 0; i < n; ++i) {
              if (batch[i] < col.size()) __builtin_prefetch(&col[batch[i]]);
            }
            for (size_t i = 0; i < n; ++i) {
              const uint32_t id = batch[i];
              if (!test(id < col.size() ? widen(col[id]) : fill)) continue;
              ++found;
              if (!count) hits[c].push_back(id);
            }
            n = 0;
          };
          scope.ForEach(c * span, (c + 1) * span, [&](uint32_t id) {
            batch[n++] = id;
            if (n == std::size(batch)) flush();
            return true;
          });
          flush();
          counts[c] = found;
        });
      });
    });
    uint64_t total = 0;
    for (uint64_t c : counts) total += c;
    if (count) {
      *count = total;
      return IdSet();
    }
    std::vector<uint32_t> all;
    all.reserve(total);
    for (const auto& h : hits) all.insert(all.end(), h.begin(), h.end());
    return IdSet::Sparse(Roaring(all.size(), all.data()));
  }

  // The profiles of a dense scope whose column value lies in the leaf's one range, reading the
  // column (or its byte codes) in order, a group of ids at a time in parallel; only counted
  // when `count`.
  IdSet ScanInScope(const Leaf& leaf, const IdSet& scope, uint64_t* count) const {
    Words out(count ? 0 : words_, 0);
    std::vector<uint64_t> counts(static_cast<size_t>((ix_.bound + kGroupIds - 1) / kGroupIds));
    const auto [lo, hi] = leaf.ranges[0];
    const Column& column = leaf.f->column;
    const uint8_t* codes = column.codes();
    const CodeRange cr = codes ? column.code_map().Range(lo, hi) : CodeRange();
    column.Visit([&](const auto& col, auto) {
      const uint64_t end = std::min<uint64_t>({col.size(), ix_.bound, scope.nwords() * 64});
      ForEachGroup([&](size_t g, uint64_t first, uint64_t last, size_t, size_t) {
        last = std::min(last, end);
        if (first >= last) return;
        const uint64_t* sw = scope.words() + first / 64;
        uint64_t* ow = count ? nullptr : out.data() + first / 64;
        counts[g] = codes ? CodedRangeInScope(codes + first, col.data() + first, last - first, sw, cr, lo, hi, ow)
                          : RangeInScope(col.data() + first, last - first, sw, lo, hi, ow);
      });
    });
    uint64_t total = 0;
    for (uint64_t c : counts) total += c;
    if (count) {
      *count = total;
      return IdSet();
    }
    return IdSet::Dense(std::move(out), total);
  }

  // Every profile whose column value the leaf accepts (columns-only fields), as a dense set.
  IdSet Scan(const Leaf& leaf, uint64_t* count) const {
    Words out(count ? 0 : words_, 0);
    std::vector<uint64_t> counts((words_ + kChunkWords - 1) / kChunkWords);
    leaf.f->column.Visit([&](const auto& col, auto widen) {
      leaf.WithTest([&](auto test) {
        tbb::parallel_for(size_t{0}, counts.size(), [&](size_t c) {
          const size_t lo = c * kChunkWords * 64, hi = std::min(col.size(), (c + 1) * kChunkWords * 64);
          uint64_t found = 0;
          for (size_t i = lo; i < hi; ++i) {
            if (!test(widen(col[i]))) continue;
            ++found;
            if (!count) SetBit(out.data(), static_cast<uint32_t>(i));
          }
          counts[c] = found;
        });
      });
    });
    uint64_t total = 0;
    for (uint64_t c : counts) total += c;
    if (count) {
      *count = total;
      return IdSet();
    }
    return IdSet::Dense(std::move(out), total);
  }

  // ---- AND ------------------------------------------------------------------------------

  // Runs the AND's children cheapest first, each within what the earlier ones left; with
  // `count_last`, the last one is only counted. Returns the count and (unless counting) the set.
  std::pair<uint64_t, IdSet> RunAnd(const QueryNode& q, const IdSet* scope, bool count_last) const {
    struct Child {
      const QueryNode* node;
      std::optional<Pred> pred;  // predicates; other nodes are evaluated whole
      uint64_t estimate;
    };
    const uint64_t n = ix_.live.count;
    std::vector<Child> todo;
    for (const QueryNode& c : q.children) {
      if (c.type != QueryNode::Type::kPredicate) {
        todo.push_back({&c, std::nullopt, n});
        continue;
      }
      Leaf leaf = Bind(ix_.fields[c.field], c, today_);
      // Two bounds on one field (age >= 30 AND age <= 45) are one range.
      const auto same = std::find_if(todo.begin(), todo.end(), [&](const Child& t) {
        return t.pred && t.pred->leaf.f == leaf.f && !leaf.f->is_set() && !leaf.negate &&
               !t.pred->leaf.negate;
      });
      if (same != todo.end()) {
        leaf.ranges = IntersectRanges(same->pred->leaf.ranges, leaf.ranges);
        same->pred = Prepare(std::move(leaf));
        same->estimate = Estimate(*same->pred);
        continue;
      }
      Pred p = Prepare(std::move(leaf));
      const uint64_t est = Estimate(p);
      todo.push_back({&c, std::move(p), est});
    }
    IdSet cur;
    while (!todo.empty()) {
      // The cheapest next step; one that narrows more wins a tie.
      size_t best = 0;
      double best_cost = 0;
      for (size_t i = 0; i < todo.size(); ++i) {
        const Child& t = todo[i];
        double cost = static_cast<double>(n);
        if (t.pred) cost = scope ? Cost(*t.pred, *scope).first : FirstCost(*t.pred);
        if (i == 0 || cost < best_cost || (cost == best_cost && t.estimate < todo[best].estimate)) {
          best = i;
          best_cost = cost;
        }
      }
      const Child ch = std::move(todo[best]);
      todo.erase(todo.begin() + static_cast<ptrdiff_t>(best));
      if (todo.empty() && count_last) {
        return {ch.pred ? CountPred(*ch.pred, scope) : Count(*ch.node, scope), IdSet()};
      }
      IdSet next = ch.pred ? RunPred(*ch.pred, scope) : Run(*ch.node, scope);
      cur = std::move(next);
      scope = &cur;
      if (cur.count() == 0) return {0, IdSet()};
    }
    return {cur.count(), std::move(cur)};
  }

  const SegmentIndex::Impl& ix_;
  int64_t today_;
  size_t words_;  // of a dense set over every id
};

}  // namespace

uint64_t CountQuery(const SegmentIndex::Impl& ix, const QueryNode& q, int64_t today) {
  return Evaluator(ix, today).Count(q, nullptr);
}

IdSet EvalQuery(const SegmentIndex::Impl& ix, const QueryNode& q, int64_t today) {
  return Evaluator(ix, today).Run(q, nullptr);
}

}  // namespace idg::segments
