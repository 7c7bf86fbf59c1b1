// Jaro-Winkler similarity on bytes, host and device (IDG_HD), no allocation, no recursion.
//
// Definition followed (the one of W. E. Winkler, "String comparator metrics and enhanced
// decision rules in the Fellegi-Sunter model of record linkage", Proc. Section on Survey
// Research Methods, ASA, 1990, as implemented by jellyfish and RapidFuzz):
//  - bytes a[i] and b[j] match when equal and |i - j| <= w, w = max(floor(max(|a|,|b|)/2) - 1, 0);
//    each byte of a, left to right, takes the leftmost unmatched equal byte of b in its window;
//  - m = number of matches; t = floor(k / 2), k = positions where the matched bytes of a and of
//    b, each read in string order, differ;
//  - jaro = (m/|a| + m/|b| + (m - t)/m) / 3, and 0 when m = 0;
//  - Winkler: when jaro > 0.7, jaro + l * prefix_scale * (1 - jaro), l = common prefix length
//    capped at max_prefix. With prefix_scale * max_prefix <= 1 the result stays in [0, 1].
//  - both strings empty: 1.0; exactly one empty: 0.0.
// The greedy matching yields a maximum matching per byte value and the same m and t from
// either side, so the score is symmetric (the tests check it against the textbook loop).
//
// Speed: when one string has at most 64 bytes, its per-byte bitmasks (as in Myers 1999) let
// each byte of the other string find its leftmost unmatched partner inside the window with a
// few word operations (RapidFuzz's bit-parallel flagging); otherwise the textbook O(|a|*w) loop.
#pragma once

#include <cstdint>

#include "match/host_device.h"
#include "match/similarity_common.h"

namespace idg {
namespace detail {

struct JaroCounts {
  uint32_t matches;
  uint32_t transpositions;  // already halved
};

IDG_HD inline uint32_t JaroWindow(uint32_t la, uint32_t lb) {
  const uint32_t half = MaxU32(la, lb) / 2;
  return half > 0 ? half - 1 : 0;
}

// Matches and transpositions with `t` as the scanning side and the pattern `p` (<= 64 bytes,
// masks in `pm`) as the side whose leftmost free byte in the window is taken.
template <class Pattern>
IDG_HD inline JaroCounts JaroBitParallel(const Pattern& pm, Str p, Str t) {
  const uint32_t w = JaroWindow(p.size, t.size);
  const uint64_t p_all = LowBits(p.size);
  uint64_t p_flag = 0;
  uint64_t window = LowBits(w);  // shifted once per step: bits [j - w, j + w] at step j
  uint8_t t_matched[65];         // matched bytes of t in order; at most p.size <= 64 of them
  uint32_t m = 0;
  const uint32_t end = MinU32(t.size, p.size + w);  // past it the window misses p entirely
  for (uint32_t j = 0; j < end; ++j) {
    window = (window << 1) | (j <= w ? 1 : 0);
    const uint8_t c = ByteAt(t, j);
    const uint64_t x = pm.Get(c) & ~p_flag & window;
    const uint64_t lowest = x & (~x + 1);  // the leftmost free partner, branch-free
    p_flag |= lowest;
    t_matched[m] = c;
    m += lowest != 0;
    if (p_flag == p_all) break;
  }
  uint32_t k = 0;
  uint32_t idx = 0;
  for (uint64_t f = p_flag; f != 0; f &= f - 1) {
    k += ByteAt(p, static_cast<uint32_t>(CountrZero64(f))) != t_matched[idx++];
  }
  return JaroCounts{m, k / 2};
}

// The textbook loop, for when both strings exceed 64 bytes (sizes <= kSimilarityMaxLen).
IDG_HD inline JaroCounts JaroTextbook(Str a, Str b) {
  const uint32_t w = JaroWindow(a.size, b.size);
  bool a_flag[kSimilarityMaxLen];
  bool b_flag[kSimilarityMaxLen];
  for (uint32_t i = 0; i < a.size; ++i) a_flag[i] = false;
  for (uint32_t j = 0; j < b.size; ++j) b_flag[j] = false;
  uint32_t m = 0;
  for (uint32_t i = 0; i < a.size; ++i) {
    const uint32_t lo = i > w ? i - w : 0;
    const uint32_t hi = MinU32(i + w + 1, b.size);
    for (uint32_t j = lo; j < hi; ++j) {
      if (!b_flag[j] && a.data[i] == b.data[j]) {
        a_flag[i] = b_flag[j] = true;
        ++m;
        break;
      }
    }
  }
  uint32_t k = 0;
  uint32_t j = 0;
  for (uint32_t i = 0; i < a.size; ++i) {
    if (!a_flag[i]) continue;
    while (!b_flag[j]) ++j;
    k += a.data[i] != b.data[j];
    ++j;
  }
  return JaroCounts{m, k / 2};
}

IDG_HD inline double WinklerScore(JaroCounts c, Str a, Str b, double prefix_scale,
                                  uint32_t max_prefix) {
  if (c.matches == 0) return 0.0;
  const double m = c.matches;
  const double jaro =
      (m / a.size + m / b.size + (m - static_cast<double>(c.transpositions)) / m) / 3.0;
  if (!(jaro > 0.7)) return jaro;
  const uint32_t cap = MinU32(max_prefix, MinU32(a.size, b.size));
  uint32_t l = 0;
  while (l < cap && a.data[l] == b.data[l]) ++l;
  return jaro + l * prefix_scale * (1.0 - jaro);
}

}  // namespace detail

// Jaro-Winkler similarity in [0, 1] of the (capped) byte strings, as defined above;
// prefix_scale = 0 gives the plain Jaro similarity.
IDG_HD inline double JaroWinkler(Str a, Str b, double prefix_scale = 0.1, uint32_t max_prefix = 4) {
  a = detail::Clip(a);
  b = detail::Clip(b);
  if (a.size == 0 || b.size == 0) return (a.size == 0 && b.size == 0) ? 1.0 : 0.0;
  detail::JaroCounts c;
  if (b.size <= 64 || a.size <= 64) {
    const Str p = b.size <= 64 ? b : a;
    const Str t = b.size <= 64 ? a : b;
    detail::SmallPattern pm;
    pm.Build(p, t);
    c = detail::JaroBitParallel(pm, p, t);
  } else {
    c = detail::JaroTextbook(a, b);
  }
  return detail::WinklerScore(c, a, b, prefix_scale, max_prefix);
}

// JaroWinkler(query, b) for the query held by `pm` (see PatternMatch64).
IDG_HD inline double JaroWinklerCached(const PatternMatch64& pm, Str b, double prefix_scale = 0.1,
                                       uint32_t max_prefix = 4) {
  b = detail::Clip(b);
  if (!pm.BitParallel()) return JaroWinkler(pm.s, b, prefix_scale, max_prefix);
  if (pm.s.size == 0 || b.size == 0) return (pm.s.size == 0 && b.size == 0) ? 1.0 : 0.0;
  return detail::WinklerScore(detail::JaroBitParallel(pm, pm.s, b), pm.s, b, prefix_scale,
                              max_prefix);
}

}  // namespace idg
