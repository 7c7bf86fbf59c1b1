#include "graph/record_keys.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>

namespace idg {

uint64_t RecordKeys::Hash(SourceId source, std::string_view id) {
  return XXH3_64bits_withSeed(id.data(), id.size(), source);
}

RecordKeys::RecordKeys(const RecordStore& records) : records_(records), entries_(records.size()) {
  tbb::parallel_for(size_t{0}, records.size(), [&](size_t i) {
    const auto r = static_cast<RecordId>(i);
    entries_[i] = {Hash(records.source(r), records.source_record_id(r)), r};
  });
  tbb::parallel_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.record < b.record;
  });
}

std::optional<RecordId> RecordKeys::Find(SourceId source, std::string_view id) const {
  const uint64_t h = Hash(source, id);
  auto it = std::lower_bound(entries_.begin(), entries_.end(), h,
                             [](const Entry& e, uint64_t v) { return e.hash < v; });
  for (; it != entries_.end() && it->hash == h; ++it) {
    if (records_.source(it->record) == source && records_.source_record_id(it->record) == id) {
      return it->record;
    }
  }
  return std::nullopt;
}

}  // namespace idg
