// All loaded records in columns (structure of arrays), indexed by dense RecordId in load
// order. Identifiers and attributes are CSR lists: offsets per record into flat arrays.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/string_arena.h"

namespace idg {

struct AttrValue {
  AttrId attr;
  std::string_view value;  // normalized
};

// The records of one input chunk, before they have global ids. Filled by one thread.
struct RecordBatch {
  std::vector<SourceId> source;
  std::vector<std::string_view> source_record_id;
  std::vector<int64_t> timestamp;            // seconds since the epoch, 0 when unknown
  std::vector<uint32_t> ident_end;           // per record: end of its run in `idents`
  std::vector<IdentifierId> idents;          // distinct within a record
  std::vector<uint32_t> attr_end;            // per record: end of its run in `attrs`
  std::vector<AttrValue> attrs;
  StringArena arena{1 << 18};                // owns the bytes of the views above

  size_t size() const { return source.size(); }
  // Closes the record being built: identifiers and attributes pushed since the last call.
  void EndRecord() {
    ident_end.push_back(static_cast<uint32_t>(idents.size()));
    attr_end.push_back(static_cast<uint32_t>(attrs.size()));
  }
};

class RecordStore {
 public:
  RecordStore() = default;
  RecordStore(RecordStore&&) = default;
  RecordStore& operator=(RecordStore&&) = default;

  // Appends the batches' records in order, in parallel. Takes ownership of their strings.
  void Append(std::vector<RecordBatch>&& batches);

  size_t size() const { return source_.size(); }
  SourceId source(RecordId r) const { return source_[r]; }
  std::string_view source_record_id(RecordId r) const { return source_record_id_[r]; }
  int64_t timestamp(RecordId r) const { return timestamp_[r]; }
  std::span<const IdentifierId> identifiers(RecordId r) const {
    return {idents_.data() + ident_begin_[r], idents_.data() + ident_begin_[r + 1]};
  }
  std::span<const AttrValue> attributes(RecordId r) const {
    return {attrs_.data() + attr_begin_[r], attrs_.data() + attr_begin_[r + 1]};
  }
  // Overwrites the record's strings (source record id, attribute values) with zeros, for
  // erasure. Not thread-safe with readers of those strings.
  void Scrub(RecordId r);

  size_t identifier_occurrences() const { return idents_.size(); }
  size_t bytes_reserved() const;

 private:
  std::vector<SourceId> source_;
  std::vector<std::string_view> source_record_id_;
  std::vector<int64_t> timestamp_;
  std::vector<uint64_t> ident_begin_{0};  // size() + 1
  std::vector<IdentifierId> idents_;
  std::vector<uint64_t> attr_begin_{0};   // size() + 1
  std::vector<AttrValue> attrs_;
  std::vector<StringArena> arenas_;
};

}  // namespace idg
