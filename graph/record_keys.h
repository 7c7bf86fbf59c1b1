// Finds records by (source, source record id), for joining files keyed that way (earlier
// profile assignments, truth files) onto a record store. 12 bytes per record.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "graph/record_store.h"

namespace idg {

class RecordKeys {
 public:
  explicit RecordKeys(const RecordStore& records);  // builds in parallel
  // The first record loaded with this key, if any. Thread-safe.
  std::optional<RecordId> Find(SourceId source, std::string_view id) const;

 private:
  static uint64_t Hash(SourceId source, std::string_view id);
  struct Entry {
    uint64_t hash;
    RecordId record;
  };
  const RecordStore& records_;
  std::vector<Entry> entries_;  // sorted by (hash, record)
};

}  // namespace idg
