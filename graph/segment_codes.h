// Byte codes of an ordered column (integers, dates): each value also kept as one byte, the
// number of its bucket of 2^shift consecutive values from `base`, so a range scan reads a byte
// per profile instead of two to eight, and goes back to the column only for the profiles whose
// bucket the range cuts. Private to graph/segment_*.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "graph/segment_bits.h"

namespace idg::segments {

class ByteCodes {
 public:
  // Code 0 is null; values have codes 1 to 255.
  static constexpr int kCodes = 255;

  // The code of a present value the codes cover.
  uint8_t Code(int64_t v) const { return static_cast<uint8_t>(1 + (Offset(v) >> shift_)); }
  bool Covers(int64_t v) const { return v >= base_ && (Offset(v) >> shift_) < kCodes; }

  // Codes for values between lo and hi (the column's present values), with room to grow on
  // both sides: the range takes about half of the codes. Callers then rewrite every code.
  void Fit(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    shift_ = 0;
    while (shift_ < 63 && (span >> shift_) > kCodes / 2) ++shift_;
    const uint64_t below = uint64_t{kCodes / 4} << shift_;
    const uint64_t room = static_cast<uint64_t>(lo) - static_cast<uint64_t>(std::numeric_limits<int64_t>::min());
    base_ = static_cast<int64_t>(static_cast<uint64_t>(lo) - std::min(below, room));
  }

  // The codes a range of values [lo, hi] takes: those whose buckets lie inside it, and the
  // (at most two) it cuts.
  CodeRange Range(int64_t lo, int64_t hi) const {
    CodeRange r;
    const int64_t top = Top();
    lo = std::max(lo, base_);
    hi = std::min(hi, top);
    if (lo > hi) return r;
    const uint64_t mask = (uint64_t{1} << shift_) - 1;
    const uint8_t cl = Code(lo), ch = Code(hi);
    const bool lo_whole = (Offset(lo) & mask) == 0, hi_whole = (Offset(hi) & mask) == mask;
    r.full_lo = lo_whole ? cl : cl + 1;
    r.full_hi = hi_whole ? ch : ch - 1;
    if (!lo_whole) r.edge[0] = cl;
    if (!hi_whole && ch != r.edge[0]) r.edge[1] = ch;
    return r;
  }

 private:
  uint64_t Offset(int64_t v) const { return static_cast<uint64_t>(v) - static_cast<uint64_t>(base_); }
  // The largest value with a code.
  int64_t Top() const {
    const unsigned __int128 top = static_cast<unsigned __int128>(Offset(std::numeric_limits<int64_t>::max()));
    const unsigned __int128 last = (static_cast<unsigned __int128>(kCodes) << shift_) - 1;
    return static_cast<int64_t>(static_cast<uint64_t>(base_) + static_cast<uint64_t>(std::min(top, last)));
  }

  int64_t base_ = 0;
  int shift_ = 0;
};

}  // namespace idg::segments
