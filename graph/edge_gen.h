// Seeded synthetic edge lists for tests and benchmarks. The output depends only on the
// arguments, never on the number of threads that make it.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/union_find.h"

namespace idg {

// `m` edges with both ends uniform over 0..2^scale-1 (Erdős–Rényi-like).
std::vector<UnionFind::Edge> UniformEdges(int scale, uint64_t m, uint64_t seed);

// `m` R-MAT edges over 2^scale nodes with Graph500's Kronecker parameters
// (a, b, c) = (0.57, 0.19, 0.19); node ids are scrambled by a seeded bijection so that high
// degree nodes are not clustered at small ids.
std::vector<UnionFind::Edge> RmatEdges(int scale, uint64_t m, uint64_t seed);

// splitmix64: a small, fast, well-mixed generator step; also a good 64-bit mixer.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace idg
