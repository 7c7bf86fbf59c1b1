// A predicate of a segment query bound to the index's field: the column values it accepts
// and the bitmaps that hold them. Private to graph/segment_*.cpp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "graph/segment_query.h"
#include "graph/segment_store.h"

namespace idg::segments {

// A predicate bound to a field: the column values it accepts.
struct Leaf {
  // Calls f with the cheapest function that tells whether a column value is accepted.
  template <class F>
  decltype(auto) WithTest(F&& fn) const {
    if (f->is_set()) {
      const uint64_t m = mask;
      const bool neg = negate;
      return fn([m, neg](int64_t v) { return ((static_cast<uint64_t>(v) & m) != 0) != neg; });
    }
    if (ranges.size() == 1 && !negate) {  // null (the smallest value) is below every range
      const int64_t lo = ranges[0].first, hi = ranges[0].second;
      return fn([lo, hi](int64_t v) { return v >= lo && v <= hi; });
    }
    return fn([this](int64_t v) { return Test(v); });
  }

  const Field* f = nullptr;
  bool negate = false;  // `!=`: values other than those in `ranges` (set fields: no bit)
  std::vector<std::pair<int64_t, int64_t>> ranges;  // sorted, disjoint, inclusive
  uint64_t mask = 0;                                // set fields

  bool Test(int64_t v) const {
    if (f->is_set()) return ((static_cast<uint64_t>(v) & mask) != 0) != negate;
    return v != kNull && InRanges(v) != negate;
  }
  // Whether a (present) value is among those listed, before negation.
  bool InRanges(int64_t v) const {
    const auto it = std::upper_bound(ranges.begin(), ranges.end(), v,
                                     [](int64_t x, const auto& r) { return x < r.first; });
    return it != ranges.begin() && v <= std::prev(it)->second;
  }
};

// A predicate bound to its field, with the bitmaps of the values it accepts.
struct Pred {
  Leaf leaf;
  std::vector<const Bitmap*> bms;      // bitmapped fields: buckets accepted whole
  std::vector<const Bitmap*> partial;  // buckets accepted in part: members checked one by one
  uint64_t members = 0;                // members of both, summed
  // One value per profile: the values' bitmaps are disjoint and counts add up.
  bool disjoint() const { return !leaf.f->is_set() || bms.size() <= 1; }
  bool single() const { return bms.size() == 1 && partial.empty() && !leaf.negate; }
};

// The leaf for predicate `q` on field `f`; `today` is what `now` stands for (days).
Leaf Bind(const Field& f, const QueryNode& q, int64_t today);
// The field's bitmaps the leaf accepts, whole or in part.
Pred Prepare(Leaf leaf);
// Accepted values of two predicates on one field, both required: the intersection.
std::vector<std::pair<int64_t, int64_t>> IntersectRanges(
    const std::vector<std::pair<int64_t, int64_t>>& a,
    const std::vector<std::pair<int64_t, int64_t>>& b);

}  // namespace idg::segments
