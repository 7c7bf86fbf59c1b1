// Pairs inside blocks, written once for the CPU and the CUDA scorers (IDG_HD, C++17): which
// pair is the t-th of a block, and whether an earlier blocking rule already produced a pair.
#pragma once

#include <cmath>
#include <cstdint>

#include "match/host_device.h"

namespace idg {

// Pairs of a block of n records: n (n - 1) / 2.
IDG_HD inline uint64_t PairsIn(uint64_t n) { return n * (n - 1) / 2; }

// The t-th pair (i, j), i < j, of a block, ordered by j then i: (0,1), (0,2), (1,2), (0,3), ...
// so j is the largest with j (j - 1) / 2 <= t. The square root guesses j; the loops fix the
// guess where the double rounds (t up to 2^53 is exact enough for one step either way).
IDG_HD inline void PairAt(uint64_t t, uint32_t* i, uint32_t* j) {
  uint64_t c = static_cast<uint64_t>((1.0 + sqrt(1.0 + 8.0 * static_cast<double>(t))) / 2.0);
  while (PairsIn(c) > t) --c;
  while (PairsIn(c + 1) <= t) ++c;
  *j = static_cast<uint32_t>(c);
  *i = static_cast<uint32_t>(t - PairsIn(c));
}

// The block holding flat pair index g, where block b's pairs are [pair_offset[b],
// pair_offset[b + 1]) and pair_offset[0] == 0: the last b with pair_offset[b] <= g.
// Precondition: g < pair_offset[blocks].
IDG_HD inline uint32_t BlockOfPair(const uint64_t* pair_offset, uint32_t blocks, uint64_t g) {
  uint32_t lo = 0, hi = blocks;  // pair_offset[lo] <= g < pair_offset[hi]
  while (hi - lo > 1) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (pair_offset[mid] <= g) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// Steps (block, i, j) to the next pair in PairAt order, into the next block after the last
// pair of a block of `size` records. Blocks hold at least two records.
IDG_HD inline void NextPair(uint64_t size, uint32_t* block, uint32_t* i, uint32_t* j) {
  if (++*i < *j) return;
  *i = 0;
  if (++*j < size) return;
  ++*block;
  *j = 1;
}

// block_of[k * records + r]: 1 + record r's block under rule k, 0 when none (BlockIndex). True
// when a rule before `rule` puts a and b in one block, so that rule produced the pair already.
IDG_HD inline bool ProducedEarlier(const uint32_t* block_of, uint32_t records, uint32_t rule,
                                   uint32_t a, uint32_t b) {
  for (uint32_t k = 0; k < rule; ++k) {
    const uint32_t x = block_of[static_cast<uint64_t>(k) * records + a];
    if (x != 0 && x == block_of[static_cast<uint64_t>(k) * records + b]) return true;
  }
  return false;
}

}  // namespace idg
