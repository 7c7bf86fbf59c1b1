// Deterministic resolution: records that share an identifier of a deterministic kind are one
// person, within guardrails (DESIGN.md decision 5):
//  - junk values (configured per kind, interned before loading) never link;
//  - an identifier held by more records than its kind's fan-out cap is quarantined: it never
//    links and is reported;
//  - a kind marked unique never ends up with two values in one profile unless one record
//    itself claims both: links that would join different values are refused (merge
//    protection).
//
// Algorithm. (1) Every linkable identifier, and every fuzzy link, joins its records on the
// lock-free union-find in parallel. (2) Components holding two values of a unique kind are found in parallel. (3) Only
// those components are re-resolved, each on its own: first the links of unique kinds, then the
// other identifiers in a canonical content order (kind, then value), refusing an identifier
// whose records' components together hold two values of a unique kind. Step 3 reads only
// content, never load order, so the result does not depend on thread count or input order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/config.h"
#include "base/ids.h"
#include "graph/interner.h"
#include "graph/record_store.h"
#include "graph/union_find.h"

namespace idg {

// A link probabilistic matching found: the pair and its match weight (fixed point, see
// match/fellegi_sunter.h).
struct FuzzyLink {
  RecordId a, b;  // a < b
  int64_t score;
};

struct ResolveStats {
  uint64_t linking_identifiers = 0;  // identifiers on two or more records that may link
  uint64_t unions = 0;               // links that joined two components
  uint64_t junk_occurrences = 0;     // record-identifier pairs dropped as junk
  uint64_t conflict_components = 0;  // components re-resolved for merge protection
  uint64_t fuzzy_unions = 0;         // fuzzy links that joined two components
  uint64_t refused_fuzzy = 0;        // fuzzy links refused by merge protection
  uint64_t refused_strict = 0;       // fuzzy links too weak for the clusters they would join
};

// How fuzzy links form clusters.
struct ClusteringOptions {
  // false: connected components of all links. true: links are taken strongest first, and a
  // link joins two clusters of sizes s and t only if its score is at least
  // `base_score + log2(s * t)` bits: the best of s·t pairs must beat the chance that one of
  // them looks alike by accident, so weak bridges do not chain large clusters together.
  bool strict = false;
  int64_t base_score = 0;  // fixed point; the score of the match-probability threshold
};

struct Resolution {
  // Per record: the smallest RecordId of its component (its representative).
  std::vector<RecordId> component;
  std::vector<IdentifierId> quarantined;  // over their fan-out cap, most records first
  std::vector<IdentifierId> refused;      // links refused by merge protection, by kind and value
  ResolveStats stats;
};

// `junk`: identifier ids that never link (the config's junk values, interned). `fuzzy`:
// links from probabilistic matching; they obey merge protection too, and in a component that
// is re-resolved they come after the identifiers, strongest first.
// Reads `interner` counts, so call it after loading has finished.
Resolution Resolve(const Config& config, const RecordStore& records, const Interner& interner,
                   std::span<const IdentifierId> junk, std::span<const FuzzyLink> fuzzy = {},
                   const ClusteringOptions& clustering = {});

// Resolves `members` on their own exactly as Resolve would within all records, provided no
// record outside them shares a linking identifier or a fuzzy link with one of them (a "closed"
// set, such as a connected component of all potential links). `members`: ascending; `links`:
// the fuzzy links among them, sorted by pair; `junk`: sorted. Identifier flags (caps, links)
// come from `interner` counts, so those must count exactly the records that hold each value.
// Returns each member's representative: the smallest member of its cluster. Adds to `stats`.
std::vector<RecordId> ResolveComponent(const Config& config, const RecordStore& records,
                                       const Interner& interner,
                                       std::span<const IdentifierId> junk,
                                       std::span<const RecordId> members,
                                       std::span<const FuzzyLink> links,
                                       const ClusteringOptions& clustering,
                                       ResolveStats* stats = nullptr);

}  // namespace idg
