// Interning of identifiers: (kind, normalized value) -> dense IdentifierId.
//
// A hash table split into 256 shards, each open-addressed (linear probing) behind its own
// spin lock, so that many threads intern at once with little contention. A slot is 8 bytes: a
// 32-bit hash tag and a 32-bit handle of the entry, one header (id, count, kind, size) followed
// by the value's bytes in the shard's arena. A lookup that hits touches two cache lines: the
// slot and the entry. Memory: about 8 / 0.6 bytes of slots and 12 bytes of header (rounded to
// 8) plus the value per identifier. Ids are dense (0..size()-1) and never move; which thread gets which id depends on
// scheduling, so nothing may rely on the numeric order of ids, only on their equality.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "base/ids.h"
#include "base/segmented_array.h"

namespace idg {

class Interner {
 public:
  struct Key {
    KindId kind;
    std::string_view value;
  };

  Interner();
  ~Interner();
  Interner(const Interner&) = delete;
  Interner& operator=(const Interner&) = delete;

  // The longest value that can be interned.
  static constexpr size_t kMaxValueBytes = 65535;

  // The id of (kind, value), added if new. When `count` is set, one more record holds it.
  // Thread-safe. `value` is copied; longer values than kMaxValueBytes are an idg::Error.
  IdentifierId Intern(KindId kind, std::string_view value, bool count = true);

  // ids[i] = Intern(keys[i].kind, keys[i].value), counting each; much faster than one call a
  // key for large batches (they are grouped by shard). `ids.size() == keys.size()`.
  // Thread-safe.
  void InternBatch(std::span<const Key> keys, std::span<IdentifierId> ids);

  // Sizes the table for about `distinct` identifiers, so that loading does not rehash as it
  // grows. Call before interning starts; not thread-safe.
  void Reserve(size_t distinct);

  // The id of (kind, value) if interned. Thread-safe with Intern.
  std::optional<IdentifierId> Find(KindId kind, std::string_view value) const;

  // One record more, or one fewer (it was erased), holds the identifier. Thread-safe with
  // Intern.
  void Count(IdentifierId id);
  void Uncount(IdentifierId id);
  // Overwrites the value's bytes with zeros, so that the value is gone from memory and Find no
  // longer finds it (interning it again gives a new id). For erasure: value(id) reads zeros
  // afterwards. Thread-safe with Intern and Find.
  void Scrub(IdentifierId id);

  size_t size() const { return next_id_.load(std::memory_order_acquire); }

  // Per-id data, valid for id < size() once the Intern that made it has returned.
  KindId kind(IdentifierId id) const { return entries_[id]->kind; }
  std::string_view value(IdentifierId id) const { return entries_[id]->value(); }
  // Number of records holding the identifier, as counted by Intern. Read it once interning
  // has finished (counts change under the shard locks while it runs).
  uint32_t count(IdentifierId id) const { return entries_[id]->count; }

  size_t bytes_reserved() const;

 private:
  struct Entry {  // followed by `size` bytes of value, in a shard arena; 8-byte aligned
    IdentifierId id;  // kPending | k while a batch holds the shard, see InternBatch
    uint32_t count;
    KindId kind;
    uint16_t size;
    std::string_view value() const { return {reinterpret_cast<const char*>(this + 1), size}; }
  };
  struct Shard;
  static uint64_t Hash(KindId kind, std::string_view value);
  IdentifierId InternHashed(KindId kind, std::string_view value, uint64_t hash, bool count);
  // The caller holds shard's lock. Returns the entry; `inserted` says whether it is new, in
  // which case its id is not set yet.
  Entry* FindOrInsertLocked(Shard& shard, KindId kind, std::string_view value, uint64_t hash,
                            bool* inserted);
  // Gives `e` the id `id`. The caller holds the lock of e's shard.
  void Publish(Entry* e, IdentifierId id);

  std::unique_ptr<Shard[]> shards_;
  std::atomic<uint32_t> next_id_{0};
  SegmentedArray<Entry*> entries_;
};

}  // namespace idg
