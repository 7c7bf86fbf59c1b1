// IDG_HD and the few bit intrinsics that differ between host and device, so that scoring code
// is written once and compiled by both g++ and nvcc (DESIGN.md decision 1).
//
// IDG_HD expands to `__host__ __device__` under nvcc and to nothing for the host compiler.
// Code marked IDG_HD must stay inside what both compilers accept: C++17 (device code is built
// as C++17, see the top-level CMakeLists.txt), no exceptions, no allocation, no recursion, no
// std::string/std::vector, no <algorithm>.
//
// This is the one header outside kernels/ that tests __CUDACC__: the macro has to be visible
// to match/ code, which must not depend on kernels/cuda/.
#pragma once

#include <cstdint>

#ifdef __CUDACC__
#define IDG_HD __host__ __device__
#else
#define IDG_HD
#endif

namespace idg::detail {

// Index of the lowest set bit. Precondition: x != 0.
IDG_HD inline int CountrZero64(uint64_t x) {
#ifdef __CUDA_ARCH__
  return __ffsll(static_cast<long long>(x)) - 1;
#else
  return __builtin_ctzll(x);
#endif
}

IDG_HD inline int PopCount64(uint64_t x) {
#ifdef __CUDA_ARCH__
  return __popcll(x);
#else
  return __builtin_popcountll(x);
#endif
}

}  // namespace idg::detail
