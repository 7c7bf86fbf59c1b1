#include "graph/interner.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <vector>

#include "base/error.h"
#include "base/string_arena.h"

namespace idg {
namespace {
constexpr int kShardBits = 8;
constexpr size_t kShards = size_t{1} << kShardBits;
constexpr size_t kInitialSlots = 1 << 10;

// Slot layout: high 32 bits the hash tag, low 32 bits id + 1; 0 is an empty slot.
inline uint64_t MakeSlot(uint32_t tag, IdentifierId id) {
  return (uint64_t{tag} << 32) | (uint64_t{id} + 1);
}
inline uint32_t SlotTag(uint64_t slot) { return static_cast<uint32_t>(slot >> 32); }
inline IdentifierId SlotId(uint64_t slot) { return static_cast<IdentifierId>(slot) - 1; }

class SpinLock {
 public:
  void lock() {
    while (flag_.exchange(true, std::memory_order_acquire)) {
      while (flag_.load(std::memory_order_relaxed)) __builtin_ia32_pause();
    }
  }
  void unlock() { flag_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> flag_{false};
};
}  // namespace

struct alignas(64) Interner::Shard {
  mutable SpinLock lock;
  std::vector<uint64_t> slots = std::vector<uint64_t>(kInitialSlots, 0);
  size_t used = 0;
  StringArena arena{1 << 16};
};

Interner::Interner() : shards_(new Shard[kShards]) {}
Interner::~Interner() = default;

uint64_t Interner::Hash(KindId kind, std::string_view value) {
  return XXH3_64bits_withSeed(value.data(), value.size(), kind);
}

IdentifierId Interner::Intern(KindId kind, std::string_view value, bool count) {
  const uint64_t h = Hash(kind, value);
  const uint32_t tag = static_cast<uint32_t>(h >> 32);
  Shard& shard = shards_[h & (kShards - 1)];
  std::lock_guard guard(shard.lock);
  size_t mask = shard.slots.size() - 1;
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    const uint64_t slot = shard.slots[i];
    if (slot == 0) break;
    if (SlotTag(slot) == tag) {
      const IdentifierId id = SlotId(slot);
      if (kinds_[id] == kind && values_[id] == value) {
        if (count) counts_[id].fetch_add(1, std::memory_order_relaxed);
        return id;
      }
    }
  }
  const IdentifierId id = next_id_.fetch_add(1, std::memory_order_acq_rel);
  IDG_REQUIRE(id != kNoIdentifier, "more than 2^32-1 distinct identifiers");
  kinds_.Ensure(id);
  values_.Ensure(id);
  counts_.Ensure(id);
  kinds_[id] = kind;
  values_[id] = shard.arena.Add(value);
  counts_[id].store(count ? 1 : 0, std::memory_order_relaxed);
  // Keep the load under one half: grow by rehashing tags, no strings touched.
  if (2 * (shard.used + 1) > shard.slots.size()) {
    std::vector<uint64_t> bigger(shard.slots.size() * 2, 0);
    mask = bigger.size() - 1;
    for (uint64_t s : shard.slots) {
      if (s == 0) continue;
      size_t j = SlotTag(s) & mask;
      while (bigger[j] != 0) j = (j + 1) & mask;
      bigger[j] = s;
    }
    shard.slots.swap(bigger);
  }
  size_t j = tag & mask;
  while (shard.slots[j] != 0) j = (j + 1) & mask;
  shard.slots[j] = MakeSlot(tag, id);
  ++shard.used;
  return id;
}

std::optional<IdentifierId> Interner::Find(KindId kind, std::string_view value) const {
  const uint64_t h = Hash(kind, value);
  const uint32_t tag = static_cast<uint32_t>(h >> 32);
  const Shard& shard = shards_[h & (kShards - 1)];
  std::lock_guard guard(shard.lock);
  const size_t mask = shard.slots.size() - 1;
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    const uint64_t slot = shard.slots[i];
    if (slot == 0) return std::nullopt;
    if (SlotTag(slot) == tag) {
      const IdentifierId id = SlotId(slot);
      if (kinds_[id] == kind && values_[id] == value) return id;
    }
  }
}

size_t Interner::bytes_reserved() const {
  size_t bytes = kinds_.bytes_reserved() + values_.bytes_reserved() + counts_.bytes_reserved();
  for (size_t s = 0; s < kShards; ++s) {
    bytes += shards_[s].slots.capacity() * sizeof(uint64_t) + shards_[s].arena.bytes_reserved();
  }
  return bytes;
}

}  // namespace idg
