// Binding a predicate of a segment query to the index (graph/segment_pred.h).
#include "graph/segment_pred.h"

#include <algorithm>

namespace idg::segments {

Leaf Bind(const Field& f, const QueryNode& q, int64_t today) {
  Leaf leaf;
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
  for (const QueryValue& v : q.values) vals.push_back(v.relative ? today + v.number : v.number);
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

Pred Prepare(Leaf leaf) {
  Pred p;
  p.leaf = std::move(leaf);
  if (!p.leaf.f->bitmapped) return p;
  const auto& m = p.leaf.f->bitmaps;
  if (p.leaf.f->is_set()) {
    for (uint64_t b = p.leaf.mask; b != 0; b &= b - 1) {
      if (auto it = m.find(std::countr_zero(b)); it != m.end()) p.bms.push_back(&it->second);
    }
  } else {
    const int shift = p.leaf.f->shift;
    const int64_t width = (int64_t{1} << shift) - 1;
    for (const auto& [lo, hi] : p.leaf.ranges) {
      for (auto it = m.lower_bound(lo >> shift); it != m.end() && it->first <= (hi >> shift); ++it) {
        const int64_t first = it->first * (int64_t{1} << shift);  // the bucket's values
        const int64_t last = first > kMax - width ? kMax : first + width;
        if (lo <= first && last <= hi) {
          p.bms.push_back(&it->second);
        } else if (std::find(p.partial.begin(), p.partial.end(), &it->second) == p.partial.end()) {
          p.partial.push_back(&it->second);
        }
      }
    }
  }
  for (const Bitmap* b : p.bms) p.members += b->count;
  for (const Bitmap* b : p.partial) p.members += b->count;
  return p;
}

std::vector<std::pair<int64_t, int64_t>> IntersectRanges(
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

}  // namespace idg::segments
