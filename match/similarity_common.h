// What the similarity functions share: the borrowed string type, the length cap, and the
// per-byte bitmasks of a pattern (the "PM" table of Myers 1999) in a per-call and a cached form.
// Everything is IDG_HD inline so that the CUDA path compiles the same code (DESIGN.md, 1).
#pragma once

#include <cstdint>

#include "match/host_device.h"

namespace idg {

// Inputs longer than this many bytes are truncated to their first kSimilarityMaxLen bytes by
// every similarity function except Exact. The cap bounds the stack buffers of the DP fallbacks
// (a few hundred bytes) and covers normalized names (< 64) and street addresses (< 128).
inline constexpr uint32_t kSimilarityMaxLen = 128;

// A borrowed byte string: `size` bytes at `data` (no terminator needed; data may be null when
// size is 0). The bytes must stay alive and unchanged during a call. Inputs are expected to be
// normalized already (lowercase, accents stripped); any byte value is allowed and compared as
// a byte, so non-ASCII UTF-8 counts one edit per differing byte, not per code point.
struct Str {
  const char* data;
  uint32_t size;
};

namespace detail {

IDG_HD inline uint32_t MinU32(uint32_t a, uint32_t b) { return a < b ? a : b; }
IDG_HD inline uint32_t MaxU32(uint32_t a, uint32_t b) { return a < b ? b : a; }

IDG_HD inline Str Clip(Str s) { return Str{s.data, MinU32(s.size, kSimilarityMaxLen)}; }

IDG_HD inline uint8_t ByteAt(Str s, uint32_t i) { return static_cast<uint8_t>(s.data[i]); }

// Bits 0..n-1 set; n in 0..64.
IDG_HD inline uint64_t LowBits(uint32_t n) {
  return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
}

// Bitmasks of a pattern p of at most 64 bytes, built once per call for one text t: bit i of
// Get(c) is set when p[i] equals c. Get is defined for the bytes of p and t only: only their
// entries of the 256-entry table are cleared, so a build costs |p| + |t| + |p| stores, with no
// 2 KiB memset and no data-dependent branch (both were measured: a 256-byte slot table zeroed
// by `rep stos` plus a first-seen branch took a third of Jaro-Winkler's time on addresses).
// 2 KiB of mostly untouched stack (local memory on a GPU, of which only touched lines count).
class SmallPattern {
 public:
  // Precondition: p.size <= 64. Neither string is referenced after the call.
  IDG_HD void Build(Str p, Str t) {
    for (uint32_t j = 0; j < t.size; ++j) mask_[ByteAt(t, j)] = 0;
    for (uint32_t i = 0; i < p.size; ++i) mask_[ByteAt(p, i)] = 0;
    for (uint32_t i = 0; i < p.size; ++i) mask_[ByteAt(p, i)] |= uint64_t{1} << i;
  }
  IDG_HD uint64_t Get(uint8_t c) const { return mask_[c]; }

 private:
  uint64_t mask_[256];
};

}  // namespace detail

// One query preprocessed once and compared with many candidates (RapidFuzz's cached scorers):
// the *Cached functions give exactly the results of their per-pair forms with the query as `a`.
// 2 KiB of masks plus a borrowed view of the query: the query bytes must outlive every use.
// Queries longer than 64 bytes (after the cap) have no masks; the cached calls then run the
// per-pair functions. Not thread-safe to Build while others read; reading is.
struct PatternMatch64 {
  uint64_t mask[256];
  Str s;  // the query, clipped to kSimilarityMaxLen; borrowed

  IDG_HD void Build(Str query) {
    s = detail::Clip(query);
    for (uint32_t i = 0; i < 256; ++i) mask[i] = 0;
    if (s.size > 64) return;
    for (uint32_t i = 0; i < s.size; ++i) mask[detail::ByteAt(s, i)] |= uint64_t{1} << i;
  }
  IDG_HD bool BitParallel() const { return s.size <= 64; }
  IDG_HD uint64_t Get(uint8_t c) const { return mask[c]; }
};

}  // namespace idg
