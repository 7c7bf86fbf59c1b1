// Host-side declaration of the CUDA pair scorer (kernels/cuda/score_blocks.cu); compiled only
// with IDG_HAVE_CUDA. Plain C++17 so that nvcc and the host compiler both read it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/score_pair.h"

namespace idg::detail {

template <typename T>
struct HostArray {
  const T* data = nullptr;
  size_t size = 0;
};

struct CudaScoreInput {
  ScoreParams params;
  HostArray<char> bytes;
  HostArray<uint8_t> length;
  HostArray<int32_t> exact_tf;
  uint32_t rules = 0;
  HostArray<uint32_t> block_of;          // rules × records
  HostArray<uint64_t> offsets;           // CSR, blocks + 1
  HostArray<uint32_t> members;
  HostArray<uint32_t> rule_first_block;  // rules + 1
  std::vector<std::vector<uint64_t>> pair_offsets;  // per rule
};

struct CudaScoreOutput {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // in no particular order
  std::vector<int64_t> scores;
  std::vector<uint8_t> levels;
  std::vector<uint64_t> scored, duplicates;  // per rule
  double seconds_kernels = 0;                // sum of the kernels' CUDA-event times
};

// Runs on device 0. Throws std::runtime_error with the failing call and CUDA's message.
CudaScoreOutput ScoreBlocksCuda(const CudaScoreInput& in);

}  // namespace idg::detail
