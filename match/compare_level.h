// Comparisons: how two values of one attribute fall into ordered levels for the
// Fellegi–Sunter model. Level 0 is exact agreement; then one level per threshold; the last is
// "else"; kNullLevel when either value is missing. A similarity threshold t means "similarity
// >= t" (Jaro–Winkler, Jaccard); a distance threshold t means "distance <= t" (edit distances,
// days between dates, numeric difference).
//
// Device-safe (IDG_HD, C++17, plain data): the CUDA scorer compiles this very CompareLevel.
#pragma once

#include <cstdint>

#include "base/compare_method.h"
#include "match/host_device.h"
#include "match/similarity.h"

namespace idg {

inline constexpr uint8_t kNullLevel = 0xff;  // a missing value: no evidence either way
inline constexpr int kMaxThresholds = 6;

struct ComparisonRule {
  CompareMethod method = CompareMethod::kExact;
  uint8_t thresholds = 0;  // how many of `threshold` are used
  float threshold[kMaxThresholds] = {};
  IDG_HD uint8_t levels() const { return static_cast<uint8_t>(thresholds + 2); }
};

namespace detail {
IDG_HD inline double ParseNumber(Str s, bool* ok) {
  double v = 0, scale = 0;
  bool neg = false, digits = false;
  uint32_t i = 0;
  if (i < s.size && (s.data[i] == '-' || s.data[i] == '+')) neg = s.data[i++] == '-';
  for (; i < s.size; ++i) {
    const char c = s.data[i];
    if (c >= '0' && c <= '9') {
      digits = true;
      if (scale == 0) {
        v = v * 10 + (c - '0');
      } else {
        v += (c - '0') * scale;
        scale /= 10;
      }
    } else if (c == '.' && scale == 0) {
      scale = 0.1;
    } else {
      *ok = false;
      return 0;
    }
  }
  *ok = digits;
  return neg ? -v : v;
}
}  // namespace detail

// The level of (a, b) under `rule`. Empty strings are missing values.
IDG_HD inline uint8_t CompareLevel(const ComparisonRule& rule, Str a, Str b) {
  if (a.size == 0 || b.size == 0) return kNullLevel;
  if (Exact(a, b)) return 0;
  const uint8_t last = static_cast<uint8_t>(rule.thresholds + 1);
  double x = 0;
  bool similarity = false;
  switch (rule.method) {
    case CompareMethod::kExact: return 1;
    case CompareMethod::kJaroWinkler: x = JaroWinkler(a, b); similarity = true; break;
    case CompareMethod::kJaccard: x = QgramJaccard(a, b, 2); similarity = true; break;
    case CompareMethod::kLevenshtein: x = Levenshtein(a, b); break;
    case CompareMethod::kOsa: x = OsaDistance(a, b); break;
    case CompareMethod::kDateDays: {
      const DateParts da = ParseIsoDate(a), db = ParseIsoDate(b);
      if (!da.valid || !db.valid) return last;
      const int64_t d = DateDiffDays(da, db);
      x = static_cast<double>(d < 0 ? -d : d);
      break;
    }
    case CompareMethod::kNumeric: {
      bool oka = false, okb = false;
      const double va = detail::ParseNumber(a, &oka), vb = detail::ParseNumber(b, &okb);
      if (!oka || !okb) return last;
      x = NumericAbsDiff(va, vb);
      break;
    }
  }
  for (uint8_t t = 0; t < rule.thresholds; ++t) {
    if (similarity ? x >= rule.threshold[t] : x <= rule.threshold[t]) return static_cast<uint8_t>(t + 1);
  }
  return last;
}

}  // namespace idg
