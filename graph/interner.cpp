#include "graph/interner.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <array>
#include <cstring>
#include <mutex>
#include <vector>

#include "base/error.h"

namespace idg {
namespace {
constexpr int kShardBits = 8;
constexpr size_t kShards = size_t{1} << kShardBits;
constexpr size_t kInitialSlots = 1 << 10;
constexpr int kBlockBits = 23;  // 8 MiB arena blocks; a handle is block << 20 | offset / 8
constexpr size_t kBlockBytes = size_t{1} << kBlockBits;

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
  struct Slot {
    uint32_t tag = 0;
    uint32_t handle = 0;  // 0: empty (handles start at 1)
  };
  mutable SpinLock lock;
  std::unique_ptr<Slot[]> slots = std::make_unique<Slot[]>(kInitialSlots);
  size_t mask = kInitialSlots - 1;
  size_t used = 0;
  std::vector<std::unique_ptr<char[]>> blocks;
  size_t block_bytes = 0;  // size of the last block
  size_t offset = 0;       // in the last block
  size_t allocated = 0;

  Entry* At(uint32_t handle) const {
    return reinterpret_cast<Entry*>(blocks[handle >> (kBlockBits - 3)].get() +
                                    (size_t{handle} & ((kBlockBytes >> 3) - 1)) * 8);
  }

  // Appends an entry and returns its handle.
  uint32_t NewEntry(IdentifierId id, KindId kind, std::string_view value, uint32_t count) {
    const size_t bytes = (sizeof(Entry) + value.size() + 7) & ~size_t{7};
    if (offset + bytes > block_bytes) {
      IDG_ASSERT(blocks.size() < (size_t{1} << (32 - (kBlockBits - 3))));
      // Blocks grow from 64 KiB to 8 MiB, so that small tables stay small.
      block_bytes = std::min(kBlockBytes, size_t{1} << (16 + blocks.size()));
      blocks.push_back(std::make_unique_for_overwrite<char[]>(block_bytes));
      allocated += block_bytes;
      offset = blocks.size() == 1 ? 8 : 0;  // handle 0 means empty
    }
    char* at = blocks.back().get() + offset;
    new (at) Entry{id, {count}, kind, static_cast<uint16_t>(value.size())};
    std::memcpy(at + sizeof(Entry), value.data(), value.size());
    const auto handle = static_cast<uint32_t>(((blocks.size() - 1) << (kBlockBits - 3)) | (offset >> 3));
    offset += bytes;
    return handle;
  }

  // Keeps the load under 0.7; rehashes by tag, no strings touched.
  void Grow() {
    const size_t size = 2 * (mask + 1);
    auto bigger = std::make_unique<Slot[]>(size);
    for (size_t i = 0; i <= mask; ++i) {
      if (slots[i].handle == 0) continue;
      size_t j = slots[i].tag & (size - 1);
      while (bigger[j].handle != 0) j = (j + 1) & (size - 1);
      bigger[j] = slots[i];
    }
    slots = std::move(bigger);
    mask = size - 1;
  }
  bool Full() const { return 10 * (used + 1) > 7 * (mask + 1); }
};

Interner::Interner() : shards_(new Shard[kShards]) {}
Interner::~Interner() = default;

uint64_t Interner::Hash(KindId kind, std::string_view value) {
  return XXH3_64bits_withSeed(value.data(), value.size(), kind);
}

IdentifierId Interner::Intern(KindId kind, std::string_view value, bool count) {
  return InternHashed(kind, value, Hash(kind, value), count);
}

void Interner::InternBatch(std::span<const Key> keys, std::span<IdentifierId> ids) {
  IDG_ASSERT(keys.size() == ids.size());
  // Partition the keys by shard, then take each shard's lock once for all of its keys: one
  // shard's slots and entries are small enough to stay in cache while its keys are looked up,
  // where key-by-key lookups would miss on nearly every slot of a large table.
  const size_t n = keys.size();
  thread_local std::vector<uint64_t> hashes;
  thread_local std::vector<uint32_t> order;
  hashes.resize(n);
  order.resize(n);
  std::array<uint32_t, kShards + 1> start{};
  for (size_t i = 0; i < n; ++i) {
    hashes[i] = Hash(keys[i].kind, keys[i].value);
    ++start[(hashes[i] & (kShards - 1)) + 1];
  }
  for (size_t s = 0; s < kShards; ++s) start[s + 1] += start[s];
  std::array<uint32_t, kShards> cursor;
  std::copy(start.begin(), start.end() - 1, cursor.begin());
  for (size_t i = 0; i < n; ++i) order[cursor[hashes[i] & (kShards - 1)]++] = static_cast<uint32_t>(i);
  // Threads start at different shards so that they rarely wait on each other's locks.
  const size_t first = (reinterpret_cast<uintptr_t>(keys.data()) >> 6) & (kShards - 1);
  for (size_t k = 0; k < kShards; ++k) {
    const size_t s = (first + k) & (kShards - 1);
    if (start[s] == start[s + 1]) continue;
    Shard& shard = shards_[s];
    std::lock_guard guard(shard.lock);
    for (uint32_t j = start[s]; j < start[s + 1]; ++j) {
      const uint32_t i = order[j];
      ids[i] = InternLocked(shard, keys[i].kind, keys[i].value, hashes[i], true);
    }
  }
}

IdentifierId Interner::InternHashed(KindId kind, std::string_view value, uint64_t h, bool count) {
  Shard& shard = shards_[h & (kShards - 1)];
  std::lock_guard guard(shard.lock);
  return InternLocked(shard, kind, value, h, count);
}

IdentifierId Interner::InternLocked(Shard& shard, KindId kind, std::string_view value, uint64_t h,
                                   bool count) {
  IDG_REQUIRE(value.size() <= kMaxValueBytes,
              "identifier value longer than " + std::to_string(kMaxValueBytes) + " bytes");
  const auto tag = static_cast<uint32_t>(h >> 32);
  size_t i = tag & shard.mask;
  for (;; i = (i + 1) & shard.mask) {
    const Shard::Slot slot = shard.slots[i];
    if (slot.handle == 0) break;
    if (slot.tag != tag) continue;
    Entry* e = shard.At(slot.handle);
    if (e->kind == kind && e->value() == value) {
      if (count) e->count.fetch_add(1, std::memory_order_relaxed);
      return e->id;
    }
  }
  const IdentifierId id = next_id_.fetch_add(1, std::memory_order_acq_rel);
  IDG_REQUIRE(id != kNoIdentifier, "more than 2^32-1 distinct identifiers");
  const uint32_t handle = shard.NewEntry(id, kind, value, count ? 1 : 0);
  entries_.Ensure(id);
  entries_[id] = shard.At(handle);
  if (shard.Full()) {
    shard.Grow();
    i = tag & shard.mask;
    while (shard.slots[i].handle != 0) i = (i + 1) & shard.mask;
  }
  shard.slots[i] = {tag, handle};
  ++shard.used;
  return id;
}

std::optional<IdentifierId> Interner::Find(KindId kind, std::string_view value) const {
  const uint64_t h = Hash(kind, value);
  const auto tag = static_cast<uint32_t>(h >> 32);
  const Shard& shard = shards_[h & (kShards - 1)];
  std::lock_guard guard(shard.lock);
  for (size_t i = tag & shard.mask;; i = (i + 1) & shard.mask) {
    const Shard::Slot slot = shard.slots[i];
    if (slot.handle == 0) return std::nullopt;
    if (slot.tag != tag) continue;
    const Entry* e = shard.At(slot.handle);
    if (e->kind == kind && e->value() == value) return e->id;
  }
}

size_t Interner::bytes_reserved() const {
  size_t bytes = entries_.bytes_reserved();
  for (size_t s = 0; s < kShards; ++s) {
    bytes += (shards_[s].mask + 1) * sizeof(Shard::Slot) + shards_[s].allocated;
  }
  return bytes;
}

}  // namespace idg
