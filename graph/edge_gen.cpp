#include "graph/edge_gen.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace idg {
namespace {

constexpr uint64_t kBlock = 1 << 16;  // edges per independently seeded block

template <typename MakeEdge>
std::vector<UnionFind::Edge> Generate(uint64_t m, uint64_t seed, MakeEdge make) {
  std::vector<UnionFind::Edge> edges(m);
  const uint64_t blocks = (m + kBlock - 1) / kBlock;
  tbb::parallel_for(uint64_t{0}, blocks, [&](uint64_t b) {
    uint64_t state = seed ^ (b * 0xd1b54a32d192ed03ULL);
    const uint64_t end = std::min(m, (b + 1) * kBlock);
    for (uint64_t i = b * kBlock; i < end; ++i) edges[i] = make(state);
  });
  return edges;
}

// A bijection on 0..2^scale-1: odd multiply and xorshift, both invertible mod 2^scale.
uint32_t Scramble(uint64_t x, int scale, uint64_t key) {
  const uint64_t mask = (uint64_t{1} << scale) - 1;
  for (int round = 0; round < 2; ++round) {
    x = (x * (key | 1)) & mask;
    x ^= x >> (scale / 2 + 1);
    key = key * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  }
  return static_cast<uint32_t>(x & mask);
}

}  // namespace

std::vector<UnionFind::Edge> UniformEdges(int scale, uint64_t m, uint64_t seed) {
  const uint64_t mask = (uint64_t{1} << scale) - 1;
  return Generate(m, seed, [mask](uint64_t& s) {
    uint64_t r = SplitMix64(s);
    return UnionFind::Edge{static_cast<uint32_t>(r & mask), static_cast<uint32_t>((r >> 32) & mask)};
  });
}

std::vector<UnionFind::Edge> RmatEdges(int scale, uint64_t m, uint64_t seed) {
  // Thresholds of a, a+b, a+b+c in 32-bit fixed point.
  constexpr uint64_t kA = 2448131194ULL, kAB = 3264174925ULL, kABC = 4080218656ULL;
  const uint64_t key = seed * 0x2545f4914f6cdd1dULL + 1;
  return Generate(m, seed, [=](uint64_t& s) {
    uint64_t u = 0, v = 0;
    uint64_t r = 0;
    for (int bit = 0; bit < scale; ++bit) {
      if ((bit & 1) == 0) r = SplitMix64(s);
      const uint64_t q = (bit & 1) ? (r >> 32) : (r & 0xffffffffULL);
      const uint64_t ubit = q >= kAB;                 // quadrants c or d
      const uint64_t vbit = (q >= kA && q < kAB) || q >= kABC;  // quadrants b or d
      u = (u << 1) | ubit;
      v = (v << 1) | vbit;
    }
    return UnionFind::Edge{Scramble(u, scale, key), Scramble(v, scale, key)};
  });
}

}  // namespace idg
