// A growable array whose elements never move: fixed-size segments allocated on demand, so
// one thread may extend it while others read elements already published. Elements start
// value-initialized (zero for integers and atomics).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "base/error.h"

namespace idg {

template <typename T, int kSegmentBits = 20>
class SegmentedArray {
 public:
  static constexpr size_t kSegmentSize = size_t{1} << kSegmentBits;
  static constexpr size_t kMaxSegments = 4096;  // 2^32 elements at the default segment size

  SegmentedArray() : segments_(new std::atomic<T*>[kMaxSegments]) {
    for (size_t i = 0; i < kMaxSegments; ++i) segments_[i].store(nullptr);
  }

  // Makes index i addressable. Thread-safe.
  void Ensure(size_t i) {
    const size_t s = i >> kSegmentBits;
    IDG_ASSERT(s < kMaxSegments);
    if (segments_[s].load(std::memory_order_acquire) != nullptr) return;
    std::lock_guard lock(mu_);
    if (segments_[s].load(std::memory_order_relaxed) != nullptr) return;
    owned_.push_back(std::make_unique<T[]>(kSegmentSize));
    segments_[s].store(owned_.back().get(), std::memory_order_release);
  }

  // Makes indices 0..i addressable. Thread-safe.
  void EnsureUpTo(size_t i) {
    for (size_t s = 0; s <= (i >> kSegmentBits); ++s) Ensure(s << kSegmentBits);
  }

  // Element i; Ensure(i) must have happened before. Thread-safe.
  T& operator[](size_t i) {
    return segments_[i >> kSegmentBits].load(std::memory_order_acquire)[i & (kSegmentSize - 1)];
  }
  const T& operator[](size_t i) const {
    return segments_[i >> kSegmentBits].load(std::memory_order_acquire)[i & (kSegmentSize - 1)];
  }

  size_t bytes_reserved() const { return owned_.size() * kSegmentSize * sizeof(T); }

 private:
  std::unique_ptr<std::atomic<T*>[]> segments_;
  std::mutex mu_;
  std::vector<std::unique_ptr<T[]>> owned_;
};

}  // namespace idg
