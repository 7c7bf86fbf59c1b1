// Comparison functions for probabilistic matching: string similarities (edit distances,
// Jaro-Winkler, q-gram Jaccard), exact equality, numeric and date differences.
//
// Written once for host and device (DESIGN.md decision 1): every function is `IDG_HD inline`,
// allocation-free, exception-free and recursion-free, so the TBB scorer and the CUDA kernels
// call the same code and get bit-identical comparison vectors. Pure functions of their
// arguments: safe to call from any number of threads.
//
// Strings are borrowed byte ranges (`Str`, see similarity_common.h), already normalized;
// bytes are compared as bytes (non-ASCII UTF-8 byte by byte). Every string function except
// Exact looks at no more than the first kSimilarityMaxLen (128) bytes of each input.
//
//   similarity_edit.h   Levenshtein, LevenshteinBounded, OsaDistance (+ cached forms)
//   similarity_jaro.h   JaroWinkler (+ cached form)
//   this file           QgramJaccard, Exact, NumericAbsDiff, ParseIsoDate, DateDiffDays
#pragma once

#include <cstdint>

#include "match/host_device.h"
#include "match/similarity_common.h"
#include "match/similarity_edit.h"
#include "match/similarity_jaro.h"

namespace idg {

// True when a and b hold the same bytes (whole inputs; no cap).
IDG_HD inline bool Exact(Str a, Str b) {
  if (a.size != b.size) return false;
  for (uint32_t i = 0; i < a.size; ++i) {
    if (a.data[i] != b.data[i]) return false;
  }
  return true;
}

namespace detail {

// The distinct q-grams (q in 1..8, packed big-endian into a uint64_t, so exact) of s, sorted
// ascending into out[0..return). `out` holds at least kSimilarityMaxLen entries. Used when a
// string exceeds 64 bytes.
IDG_HD inline uint32_t DistinctQgrams(Str s, uint32_t q, uint64_t* out) {
  if (s.size < q) return 0;
  const uint64_t keep = q >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * q)) - 1;
  uint64_t g = 0;
  uint32_t n = 0;
  for (uint32_t i = 0; i < s.size; ++i) {
    g = ((g << 8) | ByteAt(s, i)) & keep;
    if (i + 1 < q) continue;
    // Insertion into the sorted prefix, skipping duplicates. TODO(perf): two 64-bit words of
    // masks would extend the bit-parallel form below to 128 bytes.
    uint32_t k = n;
    while (k > 0 && out[k - 1] > g) --k;
    if (k > 0 && out[k - 1] == g) continue;
    for (uint32_t r = n; r > k; --r) out[r] = out[r - 1];
    out[k] = g;
    ++n;
  }
  return n;
}

// Bit-parallel form for strings of at most 64 bytes: with the per-byte position masks of a
// string (bit i of Get(c): s[i] == c), the gram starting at i occurs at the positions
// AND_k (Get(s[i+k]) >> k); it is a first occurrence when no lower position is set, and it
// occurs in the other string when the same AND over the other's masks is non-zero.
// Returns the number of distinct grams of s; adds to *common those also in the other string.
IDG_HD inline uint32_t DistinctQgramsBitParallel(const SmallPattern& own, const SmallPattern& other,
                                                 Str s, uint32_t q, uint32_t* common) {
  uint32_t n = 0;
  for (uint32_t i = 0; i + q <= s.size; ++i) {
    uint64_t here = ~uint64_t{0};
    uint64_t there = ~uint64_t{0};
    for (uint32_t k = 0; k < q; ++k) {
      const uint8_t c = ByteAt(s, i + k);
      here &= own.Get(c) >> k;
      there &= other.Get(c) >> k;
    }
    const uint32_t first = (here & LowBits(i)) == 0 ? 1 : 0;
    n += first;
    *common += first & (there != 0 ? 1 : 0);
  }
  return n;
}

}  // namespace detail

// Jaccard similarity |A ∩ B| / |A ∪ B| of the *sets* of q-grams (distinct substrings of q
// bytes, no padding) of the capped strings, in [0, 1]. q is clamped to 1..8. When neither
// string is as long as q (no grams at all) the result is 1.0 if they are equal, else 0.0.
// Exact: grams are compared as whole packed byte values, never hashed.
IDG_HD inline double QgramJaccard(Str a, Str b, uint32_t q = 2) {
  a = detail::Clip(a);
  b = detail::Clip(b);
  q = q < 1 ? 1 : (q > 8 ? 8 : q);
  if (a.size <= 64 && b.size <= 64) {
    if (a.size < q && b.size < q) return Exact(a, b) ? 1.0 : 0.0;
    detail::SmallPattern pa;
    detail::SmallPattern pb;
    pa.Build(a, b);
    pb.Build(b, a);
    uint32_t common = 0;
    uint32_t unused = 0;
    const uint32_t na = detail::DistinctQgramsBitParallel(pa, pb, a, q, &common);
    const uint32_t nb = detail::DistinctQgramsBitParallel(pb, pa, b, q, &unused);
    return static_cast<double>(common) / static_cast<double>(na + nb - common);
  }
  uint64_t ga[kSimilarityMaxLen];
  uint64_t gb[kSimilarityMaxLen];
  const uint32_t na = detail::DistinctQgrams(a, q, ga);
  const uint32_t nb = detail::DistinctQgrams(b, q, gb);
  if (na == 0 && nb == 0) return Exact(a, b) ? 1.0 : 0.0;
  uint32_t common = 0;
  for (uint32_t i = 0, j = 0; i < na && j < nb;) {
    if (ga[i] < gb[j]) {
      ++i;
    } else if (gb[j] < ga[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(na + nb - common);
}

// |a - b|; NaN when either is NaN.
IDG_HD inline double NumericAbsDiff(double a, double b) { return a > b ? a - b : b - a; }

// A calendar date; valid is false when parsing failed (then the other fields are 0).
struct DateParts {
  int32_t year;
  uint32_t month;  // 1..12
  uint32_t day;    // 1..31
  bool valid;
};

namespace detail {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil; the
// same formula as idg::detail::DaysFromCivil in date.h, here callable on the device).
// Precondition: month in 1..12.
IDG_HD inline int64_t CivilToDays(int64_t y, uint32_t m, uint32_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const uint32_t yoe = static_cast<uint32_t>(y - era * 400);
  const uint32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

IDG_HD inline uint32_t DaysInMonthOf(int32_t y, uint32_t m) {
  if (m == 2) return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : 28;
  return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

}  // namespace detail

// Parses exactly "YYYY-MM-DD" (the form NormalizeDate writes) into a checked calendar date.
// Anything else (other lengths, non-digits, month 13, 1981-02-29) gives valid = false.
IDG_HD inline DateParts ParseIsoDate(Str s) {
  const DateParts bad{0, 0, 0, false};
  if (s.size != 10 || s.data[4] != '-' || s.data[7] != '-') return bad;
  uint32_t v[8];
  const uint32_t at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (uint32_t i = 0; i < 8; ++i) {
    const uint8_t c = detail::ByteAt(s, at[i]);
    if (c < '0' || c > '9') return bad;
    v[i] = c - '0';
  }
  const int32_t y = static_cast<int32_t>(v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3]);
  const uint32_t m = v[4] * 10 + v[5];
  const uint32_t d = v[6] * 10 + v[7];
  if (m < 1 || m > 12 || d < 1 || d > detail::DaysInMonthOf(y, m)) return bad;
  return DateParts{y, m, d, true};
}

// Days from the first date to the second (negative when the second is earlier); proleptic
// Gregorian calendar. Precondition: months in 1..12 (days are not checked).
IDG_HD inline int64_t DateDiffDays(int32_t y1, uint32_t m1, uint32_t d1, int32_t y2, uint32_t m2,
                                   uint32_t d2) {
  return detail::CivilToDays(y2, m2, d2) - detail::CivilToDays(y1, m1, d1);
}

// As above for two parsed dates. Precondition: both valid.
IDG_HD inline int64_t DateDiffDays(DateParts a, DateParts b) {
  return DateDiffDays(a.year, a.month, a.day, b.year, b.month, b.day);
}

}  // namespace idg
