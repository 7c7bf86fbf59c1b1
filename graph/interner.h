// Interning of identifiers: (kind, normalized value) -> dense IdentifierId.
//
// A hash table split into 256 shards, each open-addressed (linear probing) behind its own
// spin lock, so that many threads intern at once with little contention. Slots hold a 32-bit
// hash tag and the id; values live in per-shard arenas; per-id data lives in segmented
// arrays, so ids are dense (0..size()-1) and never move. Which thread gets which id depends
// on scheduling: nothing may rely on the numeric order of ids, only on their equality.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "base/ids.h"
#include "base/segmented_array.h"

namespace idg {

class Interner {
 public:
  Interner();
  ~Interner();
  Interner(const Interner&) = delete;
  Interner& operator=(const Interner&) = delete;

  // The id of (kind, value), added if new. When `count` is set, one more record holds it.
  // Thread-safe. `value` is copied.
  IdentifierId Intern(KindId kind, std::string_view value, bool count = true);

  // The id of (kind, value) if interned. Thread-safe with Intern.
  std::optional<IdentifierId> Find(KindId kind, std::string_view value) const;

  size_t size() const { return next_id_.load(std::memory_order_acquire); }

  // Per-id data, valid for id < size(). Thread-safe.
  KindId kind(IdentifierId id) const { return kinds_[id]; }
  std::string_view value(IdentifierId id) const { return values_[id]; }
  // Number of records holding the identifier (as counted by Intern and AddCount).
  uint32_t count(IdentifierId id) const { return counts_[id].load(std::memory_order_relaxed); }
  void AddCount(IdentifierId id, int32_t delta) {
    counts_[id].fetch_add(static_cast<uint32_t>(delta), std::memory_order_relaxed);
  }

  size_t bytes_reserved() const;

 private:
  struct Shard;
  static uint64_t Hash(KindId kind, std::string_view value);

  std::unique_ptr<Shard[]> shards_;
  std::atomic<uint32_t> next_id_{0};
  SegmentedArray<KindId> kinds_;
  SegmentedArray<std::string_view> values_;
  SegmentedArray<std::atomic<uint32_t>> counts_;
};

}  // namespace idg
