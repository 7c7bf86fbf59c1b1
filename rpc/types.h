// The replies of the service as plain owning C++ values: what rpc::Client returns, and what
// the server copies a graph view into before answering (views hold string_views into the
// graph, these hold their own strings). Value types; no capnp here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/ids.h"
#include "graph/live_graph.h"

namespace idg::rpc {

struct Identifier {
  std::string kind;   // an identifier kind of the config
  std::string value;  // normalized (in replies) or raw (in requests)
  bool operator==(const Identifier&) const = default;
};

struct Field {
  std::string name;   // an attribute of the config
  std::string value;  // normalized
  bool operator==(const Field&) const = default;
};

struct MemberRecord {
  std::string source;
  std::string id;  // the record's id in its source
  int64_t timestamp = 0;
  bool operator==(const MemberRecord&) const = default;
};

struct Evidence {
  std::string comparison;  // the attribute compared
  std::string level;       // "exact", "jaro_winkler>=0.92", ..., "else", "null"
  int32_t weight = 0;      // fixed point, kWeightOne per bit
  bool operator==(const Evidence&) const = default;
};

// A reason two records are one person.
struct Edge {
  uint32_t a = 0, b = 0;  // indices into the enclosing records
  bool fuzzy = false;     // false: `identifier` is shared; true: probabilistic match
  Identifier identifier;
  int64_t score = 0;               // fuzzy: match weight, fixed point
  double probability = 0;          // fuzzy: match probability under the model
  std::vector<Evidence> evidence;  // fuzzy: per comparison
  bool operator==(const Edge&) const = default;
};

struct Event {
  ProfileEvent::Type type = ProfileEvent::Type::kCreated;
  int64_t at = 0;
  std::vector<ProfileId> other;  // merged: ids absorbed; split: parts split off
  bool operator==(const Event&) const = default;
};

struct ProfileReply {
  ProfileId id = kNoProfile;
  std::vector<Field> golden;            // attribute order
  std::vector<Identifier> identifiers;  // kind order, then value
  std::vector<MemberRecord> records;    // load order
  std::vector<Edge> edges;              // a spanning tree: records.size() - 1 edges
  std::vector<Event> history;           // oldest first
  bool operator==(const ProfileReply&) const = default;
};

// What a lookup answers about a profile; the rest of it is Client::Profile's.
struct ProfileSummary {
  ProfileId id = kNoProfile;
  std::vector<Field> golden;            // attribute order
  std::vector<Identifier> identifiers;  // kind order, then value
  uint32_t records = 0;                 // how many member records it has
  bool operator==(const ProfileSummary&) const = default;
};

struct LookupReply {
  std::string normalized;  // the value as normalized; empty when it does not normalize
  std::vector<ProfileSummary> profiles;  // ascending id; empty when none holds it
};

// Why records are one person.
struct ExplainReply {
  ProfileId profile = kNoProfile;
  std::vector<MemberRecord> records;  // Explain: the path's records, from a to b;
                                      // ExplainProfile: every member
  std::vector<Edge> edges;            // Explain: the path in order; ExplainProfile: a spanning tree
};

// A named segment (Writer.defineSegment) as Reader.listSegments gives it. Pages of segment
// members are graph/segment_index.h's SegmentPage.
struct Segment {
  std::string name;
  std::string query;   // the text as defined
  uint64_t count = 0;  // profiles matching it when listed
  bool operator==(const Segment&) const = default;
};

// Where a re-resolution has come (Admin.reresolveProgress).
struct ReresolveStatus {
  bool running = false;  // false: none under way; the rest tells where the last one ended
  std::string stage;     // "train", "score" or "resolve"
  uint64_t done = 0, total = 0;
};

// A copy of an explanation, records renumbered in path order. Returns false, leaving `out`
// unspecified, when the profile was erased while it was being copied (ProfileView::erased):
// the caller answers "not found" then.
bool CopyExplanation(const Explanation& e, ExplainReply& out);

}  // namespace idg::rpc
