// Edit distances on bytes: Levenshtein (insert, delete, substitute) and optimal string
// alignment (OSA, "restricted Damerau-Levenshtein": also adjacent transpositions, no substring
// edited twice). Unit costs. Host and device (IDG_HD), no allocation, no recursion.
//
// Algorithm: when the shorter string (after removing the common prefix and suffix, which never
// changes either distance) has at most 64 bytes, the bit-vector algorithm of
//   G. Myers, "A fast bit-vector algorithm for approximate string matching based on dynamic
//   programming", J. ACM 46(3), 1999,
// in the global edit-distance form of H. Hyyrö, "A bit-vector algorithm for computing
// Levenshtein and Damerau edit distances", Nordic J. Computing 10, 2003, which also gives the
// transposition term used for OSA. One 64-bit word holds a column of the DP matrix; the cost is
// O(n) word operations for a text of n bytes. Otherwise (both strings 65..128 bytes) the
// textbook DP, column by column, on fixed stack buffers.
#pragma once

#include <cstdint>

#include "match/host_device.h"
#include "match/similarity_common.h"

namespace idg {
namespace detail {

// Drops the common prefix and suffix of a and b.
IDG_HD inline void StripCommonAffix(Str& a, Str& b) {
  const uint32_t n = MinU32(a.size, b.size);
  uint32_t pre = 0;
  while (pre < n && a.data[pre] == b.data[pre]) ++pre;
  a.data += pre;
  b.data += pre;
  a.size -= pre;
  b.size -= pre;
  const uint32_t m = MinU32(a.size, b.size);
  uint32_t suf = 0;
  while (suf < m && a.data[a.size - 1 - suf] == b.data[b.size - 1 - suf]) ++suf;
  a.size -= suf;
  b.size -= suf;
}

// Distance between the pattern whose masks `pm` holds (m bytes, 1 <= m <= 64) and text `t`.
// kOsa adds Hyyrö's transposition term. kBounded: returns max + 1 as soon as the distance is
// known to exceed `max` (the last row can fall by at most one per remaining text byte).
template <bool kOsa, bool kBounded, class Pattern>
IDG_HD inline uint32_t HyyroDistance(const Pattern& pm, uint32_t m, Str t, uint32_t max) {
  uint64_t vp = ~uint64_t{0};
  uint64_t vn = 0;
  uint64_t d0 = 0;
  uint64_t pm_prev = 0;
  const uint64_t last = uint64_t{1} << (m - 1);
  uint32_t dist = m;
  for (uint32_t j = 0; j < t.size; ++j) {
    const uint64_t pm_j = pm.Get(ByteAt(t, j));
    if constexpr (kOsa) {
      const uint64_t tr = (((~d0) & pm_j) << 1) & pm_prev;
      d0 = ((((pm_j & vp) + vp) ^ vp) | pm_j | vn) | tr;
      pm_prev = pm_j;
    } else {
      d0 = (((pm_j & vp) + vp) ^ vp) | pm_j | vn;
    }
    uint64_t hp = vn | ~(d0 | vp);
    uint64_t hn = d0 & vp;
    dist += (hp & last) != 0;
    dist -= (hn & last) != 0;
    hp = (hp << 1) | 1;
    hn = hn << 1;
    vp = hn | ~(d0 | hp);
    vn = hp & d0;
    if constexpr (kBounded) {
      if (uint64_t{dist} > uint64_t{max} + (t.size - 1 - j)) return max + 1;
    }
  }
  return dist;
}

// Textbook DP for when both strings exceed 64 bytes; sizes <= kSimilarityMaxLen. A column
// holds D[0..m][j]; OSA keeps the two previous columns for the transposition term.
template <bool kOsa, bool kBounded>
IDG_HD inline uint32_t DpDistance(Str p, Str t, uint32_t max) {
  uint16_t cols[3][kSimilarityMaxLen + 1];
  uint16_t* prev2 = cols[0];
  uint16_t* prev = cols[1];
  uint16_t* cur = cols[2];
  const uint32_t m = p.size;
  for (uint32_t i = 0; i <= m; ++i) prev[i] = static_cast<uint16_t>(i);
  for (uint32_t j = 1; j <= t.size; ++j) {
    const uint8_t tj = ByteAt(t, j - 1);
    cur[0] = static_cast<uint16_t>(j);
    uint32_t col_min = j;
    for (uint32_t i = 1; i <= m; ++i) {
      const uint8_t pi = ByteAt(p, i - 1);
      uint32_t v = MinU32(prev[i] + 1u, cur[i - 1] + 1u);
      v = MinU32(v, prev[i - 1] + (pi != tj ? 1u : 0u));
      if constexpr (kOsa) {
        if (i > 1 && j > 1 && pi == ByteAt(t, j - 2) && ByteAt(p, i - 2) == tj) {
          v = MinU32(v, prev2[i - 2] + 1u);
        }
      }
      cur[i] = static_cast<uint16_t>(v);
      col_min = MinU32(col_min, v);
    }
    if constexpr (kBounded) {
      if (col_min > max) return max + 1;  // every path crosses this column; costs never fall
    }
    uint16_t* spare = prev2;
    prev2 = prev;
    prev = cur;
    cur = spare;
  }
  return kBounded ? MinU32(prev[m], max + 1) : prev[m];
}

template <bool kOsa, bool kBounded>
IDG_HD inline uint32_t EditDistance(Str a, Str b, uint32_t max) {
  a = Clip(a);
  b = Clip(b);
  if (kBounded && (a.size > b.size ? a.size - b.size : b.size - a.size) > max) return max + 1;
  StripCommonAffix(a, b);
  // Both distances are symmetric, so the shorter string becomes the pattern.
  const Str p = a.size <= b.size ? a : b;
  const Str t = a.size <= b.size ? b : a;
  if (p.size == 0) return (kBounded && t.size > max) ? max + 1 : t.size;
  if (p.size <= 64) {
    SmallPattern pm;
    pm.Build(p, t);
    return HyyroDistance<kOsa, kBounded>(pm, p.size, t, max);
  }
  return DpDistance<kOsa, kBounded>(p, t, max);
}

}  // namespace detail

// Levenshtein distance of the (capped) byte strings: the fewest single-byte insertions,
// deletions and substitutions turning a into b. Symmetric; 0 iff equal (after the cap).
IDG_HD inline uint32_t Levenshtein(Str a, Str b) {
  return detail::EditDistance<false, false>(a, b, 0);
}

// Levenshtein(a, b) when it is <= max, otherwise max + 1; stops as soon as the distance is
// known to exceed max (cheap rejection of candidates in a block).
IDG_HD inline uint32_t LevenshteinBounded(Str a, Str b, uint32_t max) {
  if (max >= 2 * kSimilarityMaxLen) return Levenshtein(a, b);
  return detail::EditDistance<false, true>(a, b, max);
}

// Optimal string alignment distance: Levenshtein plus the transposition of two adjacent bytes
// as one edit, with no substring edited more than once (so "ca" -> "abc" is 3, and the triangle
// inequality does not hold in general). Symmetric; <= Levenshtein(a, b).
IDG_HD inline uint32_t OsaDistance(Str a, Str b) {
  return detail::EditDistance<true, false>(a, b, 0);
}

// Levenshtein(query, b) for the query held by `pm` (see PatternMatch64).
IDG_HD inline uint32_t LevenshteinCached(const PatternMatch64& pm, Str b) {
  b = detail::Clip(b);
  if (pm.s.size == 0) return b.size;
  if (!pm.BitParallel()) return Levenshtein(pm.s, b);
  return detail::HyyroDistance<false, false>(pm, pm.s.size, b, 0);
}

// OsaDistance(query, b) for the query held by `pm`.
IDG_HD inline uint32_t OsaDistanceCached(const PatternMatch64& pm, Str b) {
  b = detail::Clip(b);
  if (pm.s.size == 0) return b.size;
  if (!pm.BitParallel()) return OsaDistance(pm.s, b);
  return detail::HyyroDistance<true, false>(pm, pm.s.size, b, 0);
}

}  // namespace idg
