// Golden records: one value per attribute for a profile, chosen from its member records by the
// attribute's survivorship rule (base/config.h Survivorship):
//  - most recent:      the value of the member with the latest timestamp;
//  - most frequent:    the value most members agree on;
//  - source priority:  the value from the highest-priority source (first in the config).
// Ties fall through to the other rules (recency, then source priority), and last to the
// smaller value, so the choice depends only on content, never on load order.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "base/config.h"
#include "graph/record_store.h"

namespace idg {

struct GoldenField {
  AttrId attr;
  std::string_view value;  // a view into the record store
  RecordId from;           // the member record it was taken from
  uint32_t support;        // how many members hold this exact value
};

// The golden record of a profile with records `members`, in attribute order; attributes no
// member holds are absent. Thread-safe (reads only).
std::vector<GoldenField> GoldenRecord(const Config& config, const RecordStore& records,
                                      std::span<const RecordId> members);

}  // namespace idg
