// SIMD byte classification for the readers: 64-byte match masks and a scanner that visits,
// in file order, the positions holding one of up to three bytes. SSE2 (baseline on x86-64)
// with a scalar fallback elsewhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace idg::detail {

// Bit k is set when p[k] is a, b or c. p[0, 64) must be readable.
inline uint64_t MatchMask64(const char* p, char a, char b, char c) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
  uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i eq = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
                                    _mm_cmpeq_epi8(x, vc));
    mask |= uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(eq))} << (16 * k);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int k = 0; k < 64; ++k) {
    mask |= uint64_t{p[k] == a || p[k] == b || p[k] == c} << k;
  }
  return mask;
#endif
}

// Population count without relying on the POPCNT instruction (not in baseline x86-64).
inline int PopCount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<int>((x * 0x0101010101010101ull) >> 56);
}

// Mask of data[at, at + 64) clipped to [at, end): bytes at `end` or beyond never match.
// data[0, readable) must be readable; at < end <= readable.
inline uint64_t ClippedMatchMask64(const char* data, size_t at, size_t end, size_t readable,
                                   char a, char b, char c) {
  uint64_t mask;
  if (at + 64 <= readable) {
    mask = MatchMask64(data + at, a, b, c);
  } else {
    char block[64] = {};
    std::memcpy(block, data + at, readable - at);
    mask = MatchMask64(block, a, b, c);
  }
  return end - at >= 64 ? mask : mask & ((uint64_t{1} << (end - at)) - 1);
}

// Visits, in increasing order, the positions in [begin, end) of `data` whose byte is a, b or
// c. data[0, readable) must be readable and outlive the scanner; end <= readable.
class ByteScanner {
 public:
  ByteScanner(const char* data, size_t begin, size_t end, size_t readable, char a, char b,
              char c)
      : data_(data), end_(end), readable_(readable), a_(a), b_(b), c_(c), block_(begin) {
    mask_ = begin < end ? Load(begin) : 0;
  }

  // The next matching position, or end when none is left.
  size_t Next() {
    while (mask_ == 0) {
      block_ += 64;
      if (block_ >= end_) {
        block_ = end_;
        return end_;
      }
      mask_ = Load(block_);
    }
    const size_t at = block_ + static_cast<size_t>(__builtin_ctzll(mask_));
    mask_ &= mask_ - 1;
    return at;
  }

  // Drops the matches before `pos`; pos must not precede the last position returned.
  void SkipTo(size_t pos) {
    if (pos - block_ < 64) {
      mask_ &= ~uint64_t{0} << (pos - block_);
    } else {
      block_ = pos;
      mask_ = pos < end_ ? Load(pos) : 0;
    }
  }

 private:
  uint64_t Load(size_t at) const {
    return ClippedMatchMask64(data_, at, end_, readable_, a_, b_, c_);
  }

  const char* data_;
  size_t end_, readable_;
  char a_, b_, c_;
  size_t block_;   // start of the current 64-byte window
  uint64_t mask_;  // matches in the window not yet returned
};

}  // namespace idg::detail
