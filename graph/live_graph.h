// The live identity graph behind the real-time service: records arrive one batch at a time
// and are resolved against everything already there, lookups and profiles are answered while
// that happens, and a person can be erased.
//
// Writes (Ingest, Erase*) are serialized by one lock. Reads never take it: the writer
// publishes an immutable ProfileView per profile (an atomic shared_ptr per ProfileId) and a
// profile id per identifier and per record, so a reader sees each profile either before or
// after a batch, never half-way.
//
// Incremental resolution gives the clusters a bulk Resolve of the same records would give.
// Besides the clusters, the writer keeps "reach" sets: a plain union-find over every
// potential link (shared deterministic identifiers under their cap, fuzzy links), which only
// grows. A cluster never leaves its reach set, so after a change only the reach sets it
// touched are resolved again, with ResolveComponent (graph/resolver.h), which applies the
// bulk guardrails (caps, merge protection, strict clustering) to that set alone.
//
// Fuzzy matching uses a block index updated in place: a new record is scored against the
// records of its blocks (blocks over the cap are skipped whole, as in bulk blocking) with the
// model given at construction. Term-frequency weights use the value counts at the moment of
// scoring, so with term_frequency comparisons, scores (not the method) can differ from a bulk
// run over the final data. Reresolve scores every candidate pair again (with today's counts,
// and with a model trained again on the live records when asked) and resolves everything.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/config.h"
#include "base/ids.h"
#include "graph/interner.h"
#include "graph/profiles.h"
#include "graph/record_store.h"
#include "graph/resolver.h"
#include "graph/segment_index.h"
#include "graph/segment_query.h"
#include "match/fellegi_sunter.h"

namespace idg {

// What a bulk resolve made, handed over whole to start a live graph from (io/job.h
// MakeLiveGraph takes these parts out of a ResolvedGraph).
namespace detail {
class LiveState;
}

struct BulkGraph {
  Config config;
  std::unique_ptr<Interner> interner;
  RecordStore records;
  std::vector<IdentifierId> junk;
  std::optional<FellegiSunterModel> model;  // when matching ran
  std::vector<FuzzyLink> links;             // the fuzzy links of that run, sorted by pair
  std::vector<uint8_t> link_levels;         // links × comparisons
  std::vector<RecordId> component;          // Resolution::component
  Profiles profiles;
};

// A record as a client sends it: raw values, named as in the config.
struct IncomingRecord {
  std::string source;     // a source name of the config
  std::string id;         // source record id, required
  int64_t timestamp = 0;  // seconds since the epoch; 0 = unknown
  std::vector<std::pair<std::string, std::string>> identifiers;  // (kind name, raw value)
  std::vector<std::pair<std::string, std::string>> attributes;   // (attribute name, raw value)
};

// A record of a batch that was not taken, or a value of it that was dropped.
struct IngestIssue {
  uint32_t index;      // position in the batch
  std::string field;   // "source", "id", or the kind or attribute name
  std::string reason;
  bool rejected;       // true: the record was not taken; false: only this value was dropped
};

struct IngestResult {
  std::vector<ProfileId> profiles;  // per record of the batch, after it; kNoProfile if rejected
  std::vector<IngestIssue> issues;
  std::vector<ProfileMerge> merges;  // profiles this batch joined: survivor and absorbed ids
  std::vector<ProfileSplit> splits;  // profiles this batch parted (a cap reached, say)
  uint64_t fuzzy_links = 0;          // links probabilistic matching found for the batch
};

// One member record of a profile. Strings are views into the graph's own storage, valid while
// the graph lives; see ProfileView::erased.
struct ProfileRecord {
  RecordId record;
  std::string_view source;
  std::string_view id;
  int64_t timestamp;
};

// One comparison of a fuzzy link: which level the pair reached and what it weighed.
struct LinkEvidence {
  std::string_view comparison;  // the attribute compared
  std::string_view level;       // "exact", "jaro_winkler>=0.92", ..., "else", "null"
  int32_t weight;               // fixed point, kWeightOne per bit
};

// An edge that joins two member records: the reason they are one person.
struct ProfileEdge {
  uint32_t a, b;                  // indices into ProfileView::records
  bool fuzzy;                     // false: a shared identifier; true: probabilistic match
  std::string_view kind, value;   // the shared identifier
  int64_t score = 0;              // fuzzy: match weight, fixed point
  double probability = 0;         // fuzzy: match probability under the model
  std::vector<LinkEvidence> evidence;  // fuzzy: per comparison
};

struct ProfileEvent {
  enum class Type : uint8_t { kCreated, kMerged, kSplit };
  Type type;
  int64_t at;                    // seconds since the epoch
  std::vector<ProfileId> other;  // kMerged: ids absorbed into this one; kSplit: parts split off
};

struct ProfileField {
  std::string_view name, value;
};

// A profile as readers see it: immutable once published.
struct ProfileView {
  ProfileId id = kNoProfile;
  std::vector<ProfileField> golden;       // attribute order; absent attributes left out
  std::vector<ProfileField> identifiers;  // (kind, value), distinct, kind order then value
  std::vector<ProfileRecord> records;     // ascending RecordId
  std::vector<ProfileEdge> edges;         // a spanning tree: records.size() - 1 edges
  std::vector<ProfileEvent> history;      // oldest first
  // Set before the profile's records are erased and their bytes overwritten. A reader that
  // copies strings out of a view checks it afterwards and drops what it copied when set.
  mutable std::atomic<bool> erased{false};
};

using ProfileViewPtr = std::shared_ptr<const ProfileView>;

struct LookupResult {
  std::string normalized;                // the value as normalized; empty when it does not
  std::vector<ProfileViewPtr> profiles;  // profiles holding it (usually one), ascending id
};

// The path of edges joining two records (empty when they are the same record).
struct Explanation {
  ProfileViewPtr profile;
  uint32_t from, to;                // indices into profile->records
  std::vector<uint32_t> edges;      // indices into profile->edges, in path order
};

struct EraseResult {
  std::vector<ProfileId> profiles;  // profiles erased
  uint64_t records = 0;             // records erased
  uint64_t identifiers = 0;         // identifier values no record holds any more
  std::vector<ProfileMerge> merges;  // re-resolving what remained
  std::vector<ProfileSplit> splits;
};

struct ReresolveOptions {
  // Train the Fellegi-Sunter model again on the live records first (as the bulk job does:
  // graph/matcher.h TrainModel), and score with it from then on; false: keep the model.
  bool retrain = false;
  // Progress of the current stage ("train", "score", "resolve"): (stage, done, total); called
  // on the thread that called Reresolve.
  std::function<void(const char* stage, uint64_t done, uint64_t total)> progress;
};

struct ReresolveReport {
  uint64_t records = 0;  // live records resolved again
  uint64_t profiles_before = 0, profiles_after = 0;
  uint64_t fuzzy_links_before = 0, fuzzy_links_after = 0;
  std::vector<ProfileMerge> merges;  // profiles joined: survivor and absorbed ids
  std::vector<ProfileSplit> splits;  // profiles parted
  bool retrained = false;
  int em_iterations = 0;  // of the training (the most any blocking rule's EM took); 0: none
  bool em_converged = false;
  double seconds = 0;  // under the write lock, training included
};

struct GraphStats {
  uint64_t records = 0;      // live records
  uint64_t identifiers = 0;  // identifier values held by live records
  uint64_t profiles = 0;
  uint64_t erased_records = 0;
  uint64_t ingested_records = 0;  // since start, over Ingest
  uint64_t fuzzy_links = 0;       // live fuzzy links
  std::vector<std::pair<ProfileId, uint32_t>> largest;  // (id, records), largest first
  // Of the serving process; the service fills them (LiveGraph::Stats leaves them 0).
  uint64_t memory_bytes = 0;  // resident set
  double uptime_seconds = 0;
};

class LiveGraph {
 public:
  // An empty graph. `model`: the trained model for fuzzy matching; without one (or without
  // [matching] in the config) only identifiers link. Throws idg::Error when the model does
  // not fit the config's comparisons.
  LiveGraph(Config config, std::optional<FellegiSunterModel> model);
  // The graph of a bulk resolve, with its profile ids, fuzzy links and model.
  explicit LiveGraph(BulkGraph bulk);
  ~LiveGraph();
  LiveGraph(const LiveGraph&) = delete;
  LiveGraph& operator=(const LiveGraph&) = delete;

  const Config& config() const;

  // --- writes: serialized among themselves, never blocking readers ---

  // Normalizes, interns, links and resolves the batch. Bad records are reported, the others
  // are taken. Thread-safe.
  IngestResult Ingest(std::span<const IncomingRecord> batch);
  // Erases the profile: its records, and the identifier values only they held. The rest of
  // the records they were connected to are resolved again. Empty result when no such profile.
  EraseResult EraseProfile(ProfileId id);
  // Erases every profile holding the identifier. Throws idg::Error for an unknown kind.
  EraseResult EraseIdentifier(std::string_view kind, std::string_view raw_value);
  // Resolves every live record again, as after a lot of ingest: every candidate pair of the
  // block index scored again with the model (trained again first with options.retrain), the
  // fuzzy links and reach sets rebuilt, and every reach set resolved again. Profile ids stay
  // stable as under Ingest (a profile whose records stay together keeps its id; merges and
  // splits are reported); only profiles whose records or edges changed are published again,
  // so with the same model and nothing changed, nothing is. Holds the write lock throughout:
  // writes wait, reads go on and see each profile before or after. Throws idg::Error,
  // changing nothing, when retraining is asked for without [matching] in the config or with
  // fewer than two live records.
  ReresolveReport Reresolve(const ReresolveOptions& options = {});

  // --- reads: lock-free, thread-safe with writes ---

  // Throws idg::Error for an unknown kind; a value that does not normalize finds nothing.
  LookupResult Lookup(std::string_view kind, std::string_view raw_value) const;
  // The profile with this id, following merges to the survivor; null when there is none.
  ProfileViewPtr Profile(ProfileId id) const;
  // Why two records (source, source record id) are one person; nullopt when either is
  // unknown or they are in different profiles. Throws idg::Error for an unknown source.
  std::optional<Explanation> Explain(std::string_view source_a, std::string_view id_a,
                                     std::string_view source_b, std::string_view id_b) const;
  // The profile a record (source, source record id) is in; kNoProfile when unknown.
  ProfileId ProfileOfRecord(std::string_view source, std::string_view id) const;
  GraphStats Stats(size_t largest = 10) const;

  // --- segments: counts over profiles (graph/segment_query.h, graph/segment_index.h) ---

  // Throws QueryError naming the position and what was expected.
  SegmentQuery ParseSegment(std::string_view text) const;
  // Over the profiles as of the last completed write; `now` is today (UTC).
  uint64_t SegmentCount(const SegmentQuery& query) const;
  SegmentPage SegmentMembers(const SegmentQuery& query, ProfileId after, uint32_t limit) const;
  SegmentIndexStats SegmentStats() const;
  // The index itself, for callers that pin `today` (tests, benchmarks).
  const SegmentIndex& segments() const;

 private:
  std::unique_ptr<detail::LiveState> s_;
};

}  // namespace idg
