// Dense word loops for segment evaluation (graph/segment_bits.h).
#include "graph/segment_bits.h"

#include <immintrin.h>

#include <algorithm>
#include <limits>

namespace idg::segments {

// Function clones dispatch through an ifunc resolver that runs before the sanitizers start,
// so sanitized builds get the baseline only.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define IDG_CLONES
#else
#define IDG_CLONES __attribute__((target_clones("avx2", "popcnt", "default")))
#endif

IDG_CLONES uint64_t AndWords(uint64_t* out, const uint64_t* a, const uint64_t* b, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = a[i] & b[i];
    c += static_cast<uint64_t>(std::popcount(out[i]));
  }
  return c;
}

IDG_CLONES uint64_t AndCountWords(const uint64_t* a, const uint64_t* b, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) c += static_cast<uint64_t>(std::popcount(a[i] & b[i]));
  return c;
}

IDG_CLONES uint64_t AndNotWords(uint64_t* out, const uint64_t* a, const uint64_t* b, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = a[i] & ~b[i];
    c += static_cast<uint64_t>(std::popcount(out[i]));
  }
  return c;
}

IDG_CLONES void OrWords(uint64_t* out, const uint64_t* a, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] |= a[i];
}

IDG_CLONES uint64_t CountWords(const uint64_t* a, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) c += static_cast<uint64_t>(std::popcount(a[i]));
  return c;
}

namespace {

#define IDG_INLINE inline __attribute__((always_inline))

// Bit j of the result: whether lo <= v[j] <= hi, for the first n <= 64 values.
template <class T>
IDG_INLINE uint64_t RangeMask(const T* v, size_t n, T lo, T hi) {
  uint64_t m = 0;
  for (size_t j = 0; j < n; ++j) m |= static_cast<uint64_t>(v[j] >= lo && v[j] <= hi) << j;
  return m;
}

// Bits j of `full`: whether code c[j] lies in [flo, flo + width]; of `cut`: whether it is e0
// or e1; for the first n <= 64 codes.
IDG_INLINE void CodeMasks(const uint8_t* c, size_t n, uint8_t flo, uint8_t width, uint8_t e0, uint8_t e1,
                          uint64_t& full, uint64_t& cut) {
  full = cut = 0;
  for (size_t j = 0; j < n; ++j) {
    full |= static_cast<uint64_t>(static_cast<uint8_t>(c[j] - flo) <= width) << j;
    cut |= static_cast<uint64_t>(c[j] == e0 || c[j] == e1) << j;
  }
}

// The masks of 64 values or codes at a time, for any x86-64.
struct Plain {
  template <class T>
  static IDG_INLINE uint64_t Range(const T* v, T lo, T hi) { return RangeMask(v, 64, lo, hi); }
  static IDG_INLINE void Codes(const uint8_t* c, uint8_t flo, uint8_t width, uint8_t e0, uint8_t e1,
                               uint64_t& full, uint64_t& cut) {
    CodeMasks(c, 64, flo, width, e0, e1, full, cut);
  }
};

// Over n ids: the scope's ids whose value lies in [l, h], 64 at a time.
template <class M, class T>
IDG_INLINE uint64_t RangeLoop(const T* col, size_t n, const uint64_t* scope, T l, T h, uint64_t* out) {
  uint64_t c = 0;
  for (size_t w = 0; w < WordsFor(n); ++w) {
    const uint64_t s = scope[w];
    uint64_t m = 0;
    if (s != 0) {
      const size_t k = std::min<size_t>(64, n - w * 64);
      m = s & (k == 64 ? M::Range(col + w * 64, l, h) : RangeMask(col + w * 64, k, l, h));
      c += static_cast<uint64_t>(std::popcount(m));
    }
    if (out) out[w] = m;
  }
  return c;
}

// The same over byte codes: codes held whole, and cut codes checked against the column.
template <class M, class T>
IDG_INLINE uint64_t CodedLoop(const uint8_t* codes, const T* col, size_t n, const uint64_t* scope,
                              const CodeRange& r, int64_t lo, int64_t hi, uint64_t* out) {
  const bool any_full = r.full_lo <= r.full_hi;
  const uint8_t e0 = r.edge[0] != 0 ? r.edge[0] : r.edge[1];
  const uint8_t e1 = r.edge[1] != 0 ? r.edge[1] : e0;
  const bool any_cut = e0 != 0;
  const auto width = static_cast<uint8_t>(r.full_hi - r.full_lo);
  uint64_t c = 0;
  for (size_t w = 0; w < WordsFor(n); ++w) {
    const uint64_t s = scope[w];
    uint64_t m = 0;
    if (s != 0 && (any_full || any_cut)) {
      uint64_t full = 0, cut = 0;
      const size_t k = std::min<size_t>(64, n - w * 64);
      if (k == 64) {
        M::Codes(codes + w * 64, r.full_lo, width, e0, e1, full, cut);
      } else {
        CodeMasks(codes + w * 64, k, r.full_lo, width, e0, e1, full, cut);
      }
      m = any_full ? full & s : 0;
      // Cut codes are never 0 (null), so their values are present.
      for (uint64_t x = any_cut ? cut & s & ~m : 0; x != 0; x &= x - 1) {
        const int64_t v = col[w * 64 + static_cast<size_t>(std::countr_zero(x))];
        if (v >= lo && v <= hi) m |= x & -x;
      }
      c += static_cast<uint64_t>(std::popcount(m));
    }
    if (out) out[w] = m;
  }
  return c;
}

#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define IDG_AVX2 __attribute__((target("avx2,popcnt")))

// The masks with AVX2: 16-bit values and byte codes 32 at a time, other widths as the compiler
// vectorizes them.
struct Avx2 {
  template <class T>
  static inline IDG_AVX2 uint64_t Range(const T* v, T lo, T hi) {
    if constexpr (sizeof(T) != 2) {
      return RangeMask(v, 64, lo, hi);
    } else {  // lo > INT16_MIN
      const __m256i below = _mm256_set1_epi16(static_cast<int16_t>(lo - 1));
      const __m256i top = _mm256_set1_epi16(hi);
      uint64_t m = 0;
      for (int half = 0; half < 2; ++half) {
        const int16_t* p = v + 32 * half;
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16));
        const __m256i in_a = _mm256_andnot_si256(_mm256_cmpgt_epi16(a, top), _mm256_cmpgt_epi16(a, below));
        const __m256i in_b = _mm256_andnot_si256(_mm256_cmpgt_epi16(b, top), _mm256_cmpgt_epi16(b, below));
        // Bytes a0-7 b0-7 a8-15 b8-15, reordered to a0-15 b0-15.
        const __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi16(in_a, in_b), 0xD8);
        m |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(packed))) << (32 * half);
      }
      return m;
    }
  }
  static inline IDG_AVX2 void Codes(const uint8_t* c, uint8_t flo, uint8_t width, uint8_t e0, uint8_t e1,
                                        uint64_t& full, uint64_t& cut) {
    const __m256i lo = _mm256_set1_epi8(static_cast<char>(flo)), w = _mm256_set1_epi8(static_cast<char>(width));
    const __m256i a = _mm256_set1_epi8(static_cast<char>(e0)), b = _mm256_set1_epi8(static_cast<char>(e1));
    full = cut = 0;
    for (int half = 0; half < 2; ++half) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c + 32 * half));
      const __m256i d = _mm256_sub_epi8(x, lo);  // unsigned: d <= width when flo <= x <= flo + width
      const __m256i in = _mm256_cmpeq_epi8(_mm256_min_epu8(d, w), d);
      const __m256i on = _mm256_or_si256(_mm256_cmpeq_epi8(x, a), _mm256_cmpeq_epi8(x, b));
      full |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(in))) << (32 * half);
      cut |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(on))) << (32 * half);
    }
  }
};

template <class T>
IDG_AVX2 uint64_t RangeLoopAvx2(const T* col, size_t n, const uint64_t* scope, T l, T h, uint64_t* out) {
  return RangeLoop<Avx2>(col, n, scope, l, h, out);
}
template <class T>
IDG_AVX2 uint64_t CodedLoopAvx2(const uint8_t* codes, const T* col, size_t n, const uint64_t* scope,
                                const CodeRange& r, int64_t lo, int64_t hi, uint64_t* out) {
  return CodedLoop<Avx2>(codes, col, n, scope, r, lo, hi, out);
}
const bool kAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
#else
const bool kAvx2 = false;
template <class T>
uint64_t RangeLoopAvx2(const T*, size_t, const uint64_t*, T, T, uint64_t*) { return 0; }
template <class T>
uint64_t CodedLoopAvx2(const uint8_t*, const T*, size_t, const uint64_t*, const CodeRange&, int64_t, int64_t,
                       uint64_t*) {
  return 0;
}
#endif

template <class T>
uint64_t CodedRangeInScopeT(const uint8_t* codes, const T* col, size_t n, const uint64_t* scope,
                            const CodeRange& r, int64_t lo, int64_t hi, uint64_t* out) {
  return kAvx2 ? CodedLoopAvx2(codes, col, n, scope, r, lo, hi, out)
               : CodedLoop<Plain>(codes, col, n, scope, r, lo, hi, out);
}

template <class T>
uint64_t RangeInScopeT(const T* col, size_t n, const uint64_t* scope, int64_t lo, int64_t hi,
                       uint64_t* out) {
  // Bounds in the column's type; a range outside it matches nothing.
  const int64_t tmin = static_cast<int64_t>(std::numeric_limits<T>::min()) + 1;  // above null
  const int64_t tmax = std::numeric_limits<T>::max();
  lo = std::max(lo, tmin);
  hi = std::min(hi, tmax);
  if (lo > hi) {
    if (out) std::fill(out, out + WordsFor(n), 0);
    return 0;
  }
  const T l = static_cast<T>(lo), h = static_cast<T>(hi);
  return kAvx2 ? RangeLoopAvx2(col, n, scope, l, h, out) : RangeLoop<Plain>(col, n, scope, l, h, out);
}

}  // namespace

uint64_t RangeInScope(const int16_t* col, size_t n, const uint64_t* scope, int64_t lo, int64_t hi,
                      uint64_t* out) {
  return RangeInScopeT(col, n, scope, lo, hi, out);
}
uint64_t RangeInScope(const int32_t* col, size_t n, const uint64_t* scope, int64_t lo, int64_t hi,
                      uint64_t* out) {
  return RangeInScopeT(col, n, scope, lo, hi, out);
}
uint64_t RangeInScope(const int64_t* col, size_t n, const uint64_t* scope, int64_t lo, int64_t hi,
                      uint64_t* out) {
  return RangeInScopeT(col, n, scope, lo, hi, out);
}

uint64_t CodedRangeInScope(const uint8_t* codes, const int16_t* col, size_t n, const uint64_t* scope,
                           const CodeRange& r, int64_t lo, int64_t hi, uint64_t* out) {
  return CodedRangeInScopeT(codes, col, n, scope, r, lo, hi, out);
}
uint64_t CodedRangeInScope(const uint8_t* codes, const int32_t* col, size_t n, const uint64_t* scope,
                           const CodeRange& r, int64_t lo, int64_t hi, uint64_t* out) {
  return CodedRangeInScopeT(codes, col, n, scope, r, lo, hi, out);
}
uint64_t CodedRangeInScope(const uint8_t* codes, const int64_t* col, size_t n, const uint64_t* scope,
                           const CodeRange& r, int64_t lo, int64_t hi, uint64_t* out) {
  return CodedRangeInScopeT(codes, col, n, scope, r, lo, hi, out);
}

IdSet IdSet::Sparse(Roaring r) {
  IdSet s;
  s.count_ = r.cardinality();
  s.own_sparse_ = std::move(r);
  return s;
}

IdSet IdSet::Dense(Words w, uint64_t count) {
  IdSet s;
  s.dense_ = true;
  s.count_ = count;
  s.own_words_ = std::move(w);
  return s;
}

IdSet IdSet::Borrow(const Roaring& r, uint64_t count) {
  IdSet s;
  s.count_ = count;
  s.sparse_ = &r;
  return s;
}

IdSet IdSet::Borrow(const Words& w, uint64_t count) {
  IdSet s;
  s.dense_ = true;
  s.count_ = count;
  s.words_ = &w;
  return s;
}

IdSet Intersect(const IdSet& scope, const IdSet& b, uint64_t bound) {
  if (scope.dense() && b.dense()) {
    Words out(WordsFor(bound), 0);
    const size_t n = std::min({WordsFor(bound), scope.nwords(), b.nwords()});
    const uint64_t c = AndWords(out.data(), scope.words(), b.words(), n);
    return IdSet::Dense(std::move(out), c);
  }
  if (!scope.dense() && !b.dense()) return IdSet::Sparse(scope.sparse() & b.sparse());
  const IdSet& walk = scope.dense() ? b : scope;  // the sparse side, tested against the other
  const IdSet& test = scope.dense() ? scope : b;
  std::vector<uint32_t> kept;
  walk.ForEach(0, bound, [&](uint32_t id) {
    if (TestBit(test.words(), test.nwords(), id)) kept.push_back(id);
    return true;
  });
  return IdSet::Sparse(Roaring(kept.size(), kept.data()));
}

uint64_t IntersectCount(const IdSet& scope, const IdSet& b, uint64_t bound) {
  if (scope.dense() && b.dense()) {
    return AndCountWords(scope.words(), b.words(), std::min(scope.nwords(), b.nwords()));
  }
  if (!scope.dense() && !b.dense()) return scope.sparse().and_cardinality(b.sparse());
  const IdSet& walk = scope.dense() ? b : scope;
  const IdSet& test = scope.dense() ? scope : b;
  uint64_t n = 0;
  walk.ForEach(0, bound, [&](uint32_t id) {
    n += TestBit(test.words(), test.nwords(), id);
    return true;
  });
  return n;
}

IdSet Minus(const IdSet& a, const IdSet& b, uint64_t bound) {
  if (a.dense()) {
    Words out(a.words(), a.words() + a.nwords());
    out.resize(WordsFor(bound), 0);
    if (b.dense()) {
      const size_t n = std::min(out.size(), b.nwords());
      const uint64_t c = AndNotWords(out.data(), out.data(), b.words(), n);
      return IdSet::Dense(std::move(out), c + CountWords(out.data() + n, out.size() - n));
    }
    b.ForEach(0, bound, [&](uint32_t id) {
      ClearBit(out.data(), id);
      return true;
    });
    const uint64_t c = CountWords(out.data(), out.size());
    return IdSet::Dense(std::move(out), c);
  }
  if (!b.dense()) return IdSet::Sparse(a.sparse() - b.sparse());
  std::vector<uint32_t> kept;
  a.ForEach(0, bound, [&](uint32_t id) {
    if (!TestBit(b.words(), b.nwords(), id)) kept.push_back(id);
    return true;
  });
  return IdSet::Sparse(Roaring(kept.size(), kept.data()));
}

IdSet Union(const std::vector<IdSet>& parts, uint64_t bound) {
  uint64_t total = 0;
  bool dense = false;
  for (const IdSet& p : parts) {
    total += p.count();
    dense |= p.dense();
  }
  if (parts.size() == 1) return parts[0];
  if (!dense && total * 64 < bound) {
    std::vector<const Roaring*> ptrs;
    for (const IdSet& p : parts) {
      if (p.count() != 0) ptrs.push_back(&p.sparse());
    }
    if (ptrs.empty()) return IdSet();
    return IdSet::Sparse(ptrs.size() == 1 ? *ptrs[0] : Roaring::fastunion(ptrs.size(), ptrs.data()));
  }
  Words out(WordsFor(bound), 0);
  for (const IdSet& p : parts) {
    if (p.dense()) {
      OrWords(out.data(), p.words(), std::min(WordsFor(bound), p.nwords()));
    } else {
      p.ForEach(0, bound, [&](uint32_t id) {
        SetBit(out.data(), id);
        return true;
      });
    }
  }
  const uint64_t c = CountWords(out.data(), out.size());
  return IdSet::Dense(std::move(out), c);
}

}  // namespace idg::segments
