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
    new (at) Entry{id, count, kind, static_cast<uint16_t>(value.size())};
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

void Interner::Reserve(size_t distinct) {
  const size_t per_shard = distinct / kShards + 1;
  size_t size = kInitialSlots;
  while (10 * per_shard > 7 * size) size *= 2;
  for (size_t s = 0; s < kShards; ++s) {
    while (shards_[s].mask + 1 < size) shards_[s].Grow();
  }
}

uint64_t Interner::Hash(KindId kind, std::string_view value) {
  return XXH3_64bits_withSeed(value.data(), value.size(), kind);
}

IdentifierId Interner::Intern(KindId kind, std::string_view value, bool count) {
  return InternHashed(kind, value, Hash(kind, value), count);
}

void Interner::InternBatch(std::span<const Key> keys, std::span<IdentifierId> ids) {
  IDG_ASSERT(keys.size() == ids.size());
  // Partition the keys by shard (copying them, so that each shard's run is read in order),
  // then take each shard's lock once for all of its keys, prefetching table lines ahead. New
  // identifiers of a run get their ids in one reservation at its end: a locked add per new
  // key would drain the memory pipeline that the prefetches fill.
  struct Item {
    uint64_t hash;
    const char* data;
    uint32_t size;
    KindId kind;
    uint32_t index;  // into keys and ids
  };
  constexpr IdentifierId kPending = IdentifierId{1} << 31;
  const size_t n = keys.size();
  thread_local std::vector<uint64_t> hashes;
  thread_local std::vector<Item> items;
  thread_local std::vector<Entry*> fresh;
  hashes.resize(n);
  items.resize(n);
  std::array<uint32_t, kShards + 1> start{};
  for (size_t i = 0; i < n; ++i) {
    hashes[i] = Hash(keys[i].kind, keys[i].value);
    ++start[(hashes[i] & (kShards - 1)) + 1];
  }
  for (size_t s = 0; s < kShards; ++s) start[s + 1] += start[s];
  std::array<uint32_t, kShards> cursor;
  std::copy(start.begin(), start.end() - 1, cursor.begin());
  for (size_t i = 0; i < n; ++i) {
    items[cursor[hashes[i] & (kShards - 1)]++] = {hashes[i], keys[i].value.data(),
                                                  static_cast<uint32_t>(keys[i].value.size()),
                                                  keys[i].kind, static_cast<uint32_t>(i)};
  }
  // Threads start at different shards so that they rarely wait on each other's locks.
  const size_t first = (reinterpret_cast<uintptr_t>(keys.data()) >> 6) & (kShards - 1);
  for (size_t k = 0; k < kShards; ++k) {
    const size_t s = (first + k) & (kShards - 1);
    if (start[s] == start[s + 1]) continue;
    Shard& shard = shards_[s];
    std::lock_guard guard(shard.lock);
    fresh.clear();
    // Two-stage prefetch: the slot of the key kAhead on, then the entry of the key half as far
    // on, whose slot has arrived by now. The table is ours while the lock is held.
    constexpr uint32_t kAhead = 8;
    const uint32_t end = start[s + 1];
    for (uint32_t j = start[s]; j < end; ++j) {
      if (j + kAhead < end) {
        __builtin_prefetch(&shard.slots[(items[j + kAhead].hash >> 32) & shard.mask]);
      }
      if (j + kAhead / 2 < end) {
        const uint64_t h = items[j + kAhead / 2].hash;
        const Shard::Slot slot = shard.slots[(h >> 32) & shard.mask];
        if (slot.handle != 0 && slot.tag == static_cast<uint32_t>(h >> 32)) {
          __builtin_prefetch(shard.At(slot.handle));
        }
      }
      const Item& it = items[j];
      bool inserted = false;
      Entry* e = FindOrInsertLocked(shard, it.kind, std::string_view(it.data, it.size), it.hash,
                                    &inserted);
      if (inserted) {
        e->id = kPending | static_cast<IdentifierId>(fresh.size());
        fresh.push_back(e);
      }
      ++e->count;
      ids[it.index] = e->id;
    }
    if (fresh.empty()) continue;
    const IdentifierId base = next_id_.fetch_add(static_cast<uint32_t>(fresh.size()));
    IDG_REQUIRE(base < kPending && base + fresh.size() < kPending,
                "more than 2^31 distinct identifiers");
    for (size_t f = 0; f < fresh.size(); ++f) Publish(fresh[f], base + static_cast<IdentifierId>(f));
    for (uint32_t j = start[s]; j < end; ++j) {
      IdentifierId& id = ids[items[j].index];
      if (id & kPending) id = base + (id & ~kPending);
    }
  }
}

IdentifierId Interner::InternHashed(KindId kind, std::string_view value, uint64_t h, bool count) {
  Shard& shard = shards_[h & (kShards - 1)];
  std::lock_guard guard(shard.lock);
  bool inserted = false;
  Entry* e = FindOrInsertLocked(shard, kind, value, h, &inserted);
  if (inserted) Publish(e, next_id_.fetch_add(1));
  IDG_REQUIRE(e->id != kNoIdentifier, "more than 2^32-1 distinct identifiers");
  if (count) ++e->count;
  return e->id;
}

void Interner::Publish(Entry* e, IdentifierId id) {
  e->id = id;
  entries_.Ensure(id);
  entries_[id] = e;
}

Interner::Entry* Interner::FindOrInsertLocked(Shard& shard, KindId kind, std::string_view value,
                                              uint64_t h, bool* inserted) {
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
      *inserted = false;
      return e;
    }
  }
  const uint32_t handle = shard.NewEntry(kNoIdentifier, kind, value, 0);
  if (shard.Full()) {
    shard.Grow();
    i = tag & shard.mask;
    while (shard.slots[i].handle != 0) i = (i + 1) & shard.mask;
  }
  shard.slots[i] = {tag, handle};
  ++shard.used;
  *inserted = true;
  return shard.At(handle);
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

void Interner::Count(IdentifierId id) {
  Entry* e = entries_[id];
  Shard& shard = shards_[Hash(e->kind, e->value()) & (kShards - 1)];
  std::lock_guard guard(shard.lock);
  ++e->count;
}

void Interner::Uncount(IdentifierId id) {
  Entry* e = entries_[id];
  Shard& shard = shards_[Hash(e->kind, e->value()) & (kShards - 1)];
  std::lock_guard guard(shard.lock);
  IDG_ASSERT(e->count > 0);
  --e->count;
}

void Interner::Scrub(IdentifierId id) {
  Entry* e = entries_[id];
  Shard& shard = shards_[Hash(e->kind, e->value()) & (kShards - 1)];
  std::lock_guard guard(shard.lock);
  std::memset(reinterpret_cast<char*>(e + 1), 0, e->size);
}

size_t Interner::bytes_reserved() const {
  size_t bytes = entries_.bytes_reserved();
  for (size_t s = 0; s < kShards; ++s) {
    bytes += (shards_[s].mask + 1) * sizeof(Shard::Slot) + shards_[s].allocated;
  }
  return bytes;
}

}  // namespace idg
