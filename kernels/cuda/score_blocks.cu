// CUDA pair scoring. Each rule's candidate pairs form one flat index space (block by block,
// PairAt order inside a block, as on the CPU). A thread takes kPairsPerThread consecutive
// indices: one binary search finds its block, NextPair walks on. That one mapping serves both
// block shapes: a giant block spreads over many threads and warps, and a warp's threads cover
// many small blocks, so no thread idles on a short block. The pair space is cut into batches
// that alternate between two streams: a batch's results are copied back while the next batch
// computes. Pairs above the threshold are appended with one atomic per warp (ballot, popc,
// shuffle); when a batch keeps more than the output holds, the output grows and the batch runs
// again.
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/cuda/score_blocks.h"
#include "match/block_pairs.h"

namespace idg::detail {
namespace {

constexpr int kThreads = 256;
constexpr int kPairsPerThread = 4;
constexpr uint64_t kBatchPairs = uint64_t{1} << 28;
constexpr uint64_t kInitialCapacity = uint64_t{1} << 22;

void Check(cudaError_t err, const char* what, int line) {
  if (err == cudaSuccess) return;
  throw std::runtime_error(std::string(what) + " failed: " + cudaGetErrorString(err) +
                           " (score_blocks.cu:" + std::to_string(line) + ")");
}
#define IDG_CUDA(call) Check((call), #call, __LINE__)

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t n) { Resize(n); }
  ~DeviceBuffer() { cudaFree(ptr_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void Resize(size_t n) {
    cudaFree(ptr_);
    ptr_ = nullptr;
    if (n > 0) IDG_CUDA(cudaMalloc(&ptr_, n * sizeof(T)));
  }
  void Upload(HostArray<T> h) {
    Resize(h.size);
    if (h.size > 0) IDG_CUDA(cudaMemcpy(ptr_, h.data, h.size * sizeof(T), cudaMemcpyHostToDevice));
  }
  T* get() const { return ptr_; }

 private:
  T* ptr_ = nullptr;
};

template <typename T>
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  ~PinnedBuffer() { cudaFreeHost(ptr_); }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  void Resize(size_t n) {
    cudaFreeHost(ptr_);
    ptr_ = nullptr;
    if (n > 0) IDG_CUDA(cudaMallocHost(&ptr_, n * sizeof(T)));
  }
  T* get() const { return ptr_; }

 private:
  T* ptr_ = nullptr;
};

struct RuleBlocks {
  const uint32_t* block_of;
  const uint64_t* offsets;   // CSR of the rule's blocks (global block numbering)
  const uint32_t* members;
  const uint64_t* pair_offset;  // rule-local, blocks + 1
  uint32_t first_block, blocks, rule;
};

struct Output {
  unsigned long long* count;  // [0] kept, [1] scored, [2] duplicates
  uint64_t capacity;
  uint2* pairs;
  long long* scores;
  uint8_t* levels;
};

__global__ void __launch_bounds__(kThreads) ScoreKernel(ScoreParams p, ScoreData d, RuleBlocks rb,
                                                        uint64_t g_begin, uint64_t g_end, Output out) {
  const unsigned lane = threadIdx.x & 31;
  const uint64_t g0 = g_begin + (uint64_t(blockIdx.x) * blockDim.x + threadIdx.x) * kPairsPerThread;
  uint32_t b = 0, i = 0, j = 0;
  if (g0 < g_end) {
    b = BlockOfPair(rb.pair_offset, rb.blocks, g0);
    PairAt(g0 - rb.pair_offset[b], &i, &j);
  }
  unsigned long long scored = 0, dups = 0;
  uint8_t lv[kMaxComparisons];
  for (int s = 0; s < kPairsPerThread; ++s) {
    const uint64_t g = g0 + s;
    bool keep = false;
    long long score = 0;
    uint32_t x = 0, y = 0;
    if (g < g_end) {
      const uint64_t begin = rb.offsets[rb.first_block + b];
      x = rb.members[begin + i];
      y = rb.members[begin + j];
      if (ProducedEarlier(rb.block_of, p.records, rb.rule, x, y)) {
        ++dups;
      } else {
        ++scored;
        score = ScorePair(p, d, x, y, lv);
        keep = score >= p.min_score;
      }
      NextPair(rb.offsets[rb.first_block + b + 1] - begin, &b, &i, &j);
    }
    // Warp-aggregated append: one atomic per warp and step.
    const unsigned mask = __ballot_sync(0xffffffffu, keep);
    if (mask == 0) continue;
    const int leader = __ffs(mask) - 1;
    unsigned long long base = 0;
    if (lane == unsigned(leader)) base = atomicAdd(&out.count[0], (unsigned long long)__popc(mask));
    base = __shfl_sync(0xffffffffu, base, leader);
    if (!keep) continue;
    const uint64_t slot = base + __popc(mask & ((1u << lane) - 1));
    if (slot >= out.capacity) continue;  // the host sees the count, grows and reruns
    out.pairs[slot] = make_uint2(x, y);
    out.scores[slot] = score;
    for (uint32_t c = 0; c < p.comparisons; ++c) out.levels[slot * p.comparisons + c] = lv[c];
  }
  for (int off = 16; off > 0; off /= 2) {
    scored += __shfl_down_sync(0xffffffffu, scored, off);
    dups += __shfl_down_sync(0xffffffffu, dups, off);
  }
  if (lane == 0) {
    if (scored) atomicAdd(&out.count[1], scored);
    if (dups) atomicAdd(&out.count[2], dups);
  }
}

// One stream's share: a device output, its pinned host copy, and the batch it holds.
struct Lane {
  cudaStream_t stream = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  DeviceBuffer<unsigned long long> count{3};
  DeviceBuffer<uint2> pairs;
  DeviceBuffer<long long> scores;
  DeviceBuffer<uint8_t> levels;
  PinnedBuffer<unsigned long long> host_count;
  PinnedBuffer<uint2> host_pairs;
  PinnedBuffer<long long> host_scores;
  PinnedBuffer<uint8_t> host_levels;
  uint64_t capacity = 0;
  uint64_t g_begin = 0, g_end = 0;
  bool busy = false;

  Lane() {
    IDG_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    IDG_CUDA(cudaEventCreate(&start));
    IDG_CUDA(cudaEventCreate(&stop));
    host_count.Resize(3);
  }
  ~Lane() {
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    cudaStreamDestroy(stream);
  }
  void Grow(uint64_t n, uint32_t k) {
    capacity = n;
    pairs.Resize(n);
    scores.Resize(n);
    levels.Resize(n * k);
    host_pairs.Resize(n);
    host_scores.Resize(n);
    host_levels.Resize(n * k);
  }
};

class Scorer {
 public:
  explicit Scorer(const CudaScoreInput& in) : in_(in), k_(in.params.comparisons) {
    IDG_CUDA(cudaSetDevice(0));
    size_t free_bytes = 0, total_bytes = 0;
    IDG_CUDA(cudaMemGetInfo(&free_bytes, &total_bytes));
    const size_t need = in.bytes.size + in.length.size + in.exact_tf.size * 4 +
                        in.block_of.size * 4 + in.offsets.size * 8 + in.members.size * 4 +
                        2 * kInitialCapacity * (8 + 8 + k_) + (in.offsets.size + 1) * 8;
    if (need > free_bytes / 10 * 9) {
      throw std::runtime_error("the scoring inputs need " + std::to_string(need >> 20) +
                               " MiB of GPU memory, " + std::to_string(free_bytes >> 20) +
                               " MiB are free");
    }
    bytes_.Upload(in.bytes);
    length_.Upload(in.length);
    exact_tf_.Upload(in.exact_tf);
    block_of_.Upload(in.block_of);
    offsets_.Upload(in.offsets);
    members_.Upload(in.members);
    for (Lane& l : lanes_) l.Grow(kInitialCapacity, k_);
    out_.scored.assign(in.rules, 0);
    out_.duplicates.assign(in.rules, 0);
  }

  CudaScoreOutput Run() {
    for (uint32_t rule = 0; rule < in_.rules; ++rule) {
      const std::vector<uint64_t>& po = in_.pair_offsets[rule];
      pair_offset_.Upload({po.data(), po.size()});
      rb_ = RuleBlocks{block_of_.get(),
                       offsets_.get(),
                       members_.get(),
                       pair_offset_.get(),
                       in_.rule_first_block.data[rule],
                       static_cast<uint32_t>(po.size() - 1),
                       rule};
      int next = 0;
      for (uint64_t g = 0; g < po.back(); g += kBatchPairs) {
        Lane& lane = lanes_[next];
        if (lane.busy) Finish(lane, rule);
        Launch(lane, g, std::min(po.back(), g + kBatchPairs));
        next ^= 1;
      }
      for (Lane& lane : lanes_) {
        if (lane.busy) Finish(lane, rule);
      }
    }
    return std::move(out_);
  }

 private:
  void Launch(Lane& lane, uint64_t g_begin, uint64_t g_end) {
    lane.g_begin = g_begin;
    lane.g_end = g_end;
    lane.busy = true;
    const uint64_t threads = (g_end - g_begin + kPairsPerThread - 1) / kPairsPerThread;
    const auto grid = static_cast<unsigned>((threads + kThreads - 1) / kThreads);
    IDG_CUDA(cudaMemsetAsync(lane.count.get(), 0, 3 * sizeof(unsigned long long), lane.stream));
    IDG_CUDA(cudaEventRecord(lane.start, lane.stream));
    const ScoreData data{bytes_.get(), length_.get(), exact_tf_.get()};
    const Output out{lane.count.get(), lane.capacity, lane.pairs.get(), lane.scores.get(),
                     lane.levels.get()};
    ScoreKernel<<<grid, kThreads, 0, lane.stream>>>(in_.params, data, rb_, g_begin, g_end, out);
    IDG_CUDA(cudaGetLastError());
    IDG_CUDA(cudaEventRecord(lane.stop, lane.stream));
    IDG_CUDA(cudaMemcpyAsync(lane.host_count.get(), lane.count.get(), 3 * sizeof(unsigned long long),
                             cudaMemcpyDeviceToHost, lane.stream));
  }

  void Finish(Lane& lane, uint32_t rule) {
    IDG_CUDA(cudaStreamSynchronize(lane.stream));
    lane.busy = false;
    float ms = 0;
    IDG_CUDA(cudaEventElapsedTime(&ms, lane.start, lane.stop));
    out_.seconds_kernels += ms / 1e3;
    const uint64_t kept = lane.host_count.get()[0];
    if (kept > lane.capacity) {  // too many kept pairs for the output: grow and run again
      lane.Grow(kept + kept / 4, k_);
      Launch(lane, lane.g_begin, lane.g_end);
      Finish(lane, rule);
      return;
    }
    out_.scored[rule] += lane.host_count.get()[1];
    out_.duplicates[rule] += lane.host_count.get()[2];
    if (kept == 0) return;
    IDG_CUDA(cudaMemcpyAsync(lane.host_pairs.get(), lane.pairs.get(), kept * sizeof(uint2),
                             cudaMemcpyDeviceToHost, lane.stream));
    IDG_CUDA(cudaMemcpyAsync(lane.host_scores.get(), lane.scores.get(), kept * sizeof(long long),
                             cudaMemcpyDeviceToHost, lane.stream));
    IDG_CUDA(cudaMemcpyAsync(lane.host_levels.get(), lane.levels.get(), kept * k_,
                             cudaMemcpyDeviceToHost, lane.stream));
    IDG_CUDA(cudaStreamSynchronize(lane.stream));
    for (uint64_t s = 0; s < kept; ++s) {
      out_.pairs.push_back({lane.host_pairs.get()[s].x, lane.host_pairs.get()[s].y});
      out_.scores.push_back(lane.host_scores.get()[s]);
    }
    out_.levels.insert(out_.levels.end(), lane.host_levels.get(), lane.host_levels.get() + kept * k_);
  }

  const CudaScoreInput& in_;
  const uint32_t k_;
  DeviceBuffer<char> bytes_;
  DeviceBuffer<uint8_t> length_;
  DeviceBuffer<int32_t> exact_tf_;
  DeviceBuffer<uint32_t> block_of_, members_;
  DeviceBuffer<uint64_t> offsets_, pair_offset_;
  RuleBlocks rb_{};
  Lane lanes_[2];
  CudaScoreOutput out_;
};

}  // namespace

CudaScoreOutput ScoreBlocksCuda(const CudaScoreInput& in) {
  Scorer scorer(in);
  return scorer.Run();
}

}  // namespace idg::detail
