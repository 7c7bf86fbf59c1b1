// Builds the view of one profile that the live graph publishes to readers (live_graph.h
// ProfileView): golden record, identifiers, member records, and a spanning tree of the edges
// that join the members, for explanations.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/config.h"
#include "graph/interner.h"
#include "graph/live_graph.h"
#include "graph/record_store.h"
#include "match/fellegi_sunter.h"

namespace idg {

// A fuzzy link between two members, with its evidence.
struct MemberLink {
  RecordId a, b;
  int64_t score;
  const uint8_t* levels;  // one per comparison; borrowed for the call
};

struct ViewInputs {
  const Config& config;
  const FellegiSunterModel* model;  // null without matching
  const RecordStore& records;
  const Interner& interner;
  std::span<const IdentifierId> junk;  // sorted
};

// `members`: ascending; `links`: fuzzy links of the members (those leading to other records
// are skipped). The tree takes shared linking
// identifiers first (kind order, then value), then fuzzy links strongest first, so it reads
// only content. Strings in the view borrow from `records`, `interner` and the config.
std::shared_ptr<ProfileView> BuildProfileView(const ViewInputs& in, ProfileId id,
                                              std::span<const RecordId> members,
                                              std::span<const MemberLink> links,
                                              std::vector<ProfileEvent> history);

// The edges joining records `from` and `to` in the view's tree, in path order (indices into
// view.edges); empty when from == to or they are not joined.
std::vector<uint32_t> TreePath(const ProfileView& view, uint32_t from, uint32_t to);

}  // namespace idg
