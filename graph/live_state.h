// The live graph's state (graph/live_graph.h), in two halves: what only the writer touches,
// under write_mu, and what readers see, published with atomics. Private to live_graph*.cpp.
#pragma once

#include <tbb/concurrent_hash_map.h>
#include <tbb/concurrent_unordered_map.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/segmented_array.h"
#include "base/string_arena.h"
#include "graph/live_graph.h"
#include "graph/profile_view.h"
#include "graph/segment_index.h"
#include "match/blocking.h"
#include "match/normalize.h"

namespace idg::detail {

class LiveState {
 public:
  LiveState(Config config, std::unique_ptr<Interner> interner,
            std::optional<FellegiSunterModel> model);

  // --- writer side: callers hold write_mu ---
  void LoadBulk(RecordStore records, std::span<const FuzzyLink> links,
                std::span<const uint8_t> link_levels, const Profiles& profiles);
  IngestResult Ingest(std::span<const IncomingRecord> batch);
  // Erases the profiles (current ids), adding to `res`.
  void Erase(std::span<const ProfileId> ids, EraseResult& res);
  // Everything resolved again (live_reresolve.cpp).
  ReresolveReport Reresolve(const ReresolveOptions& options);

  // --- reader side: lock-free ---
  ProfileViewPtr View(ProfileId id) const;
  std::vector<ProfileId> ProfilesOfIdentifier(IdentifierId id) const;
  // Whether `view` holds identifier (kind, value).
  static bool Holds(const ProfileView& view, std::string_view kind, std::string_view value);
  // The view holding record (source, id) and the record's index in it.
  std::optional<std::pair<ProfileViewPtr, uint32_t>> FindRecord(SourceId source,
                                                                std::string_view id) const;

  const Config config;
  const std::unique_ptr<Interner> interner;
  const Normalizers norm;
  std::vector<IdentifierId> junk;  // sorted
  std::mutex write_mu;
  std::atomic<uint32_t> published_identifiers{0};  // ids below this have a published profile
  std::atomic<std::shared_ptr<const GraphStats>> stats;
  SegmentIndex segments;

 private:
  struct Link {
    RecordId a, b;  // a < b
    int64_t score;
    uint32_t levels;  // offset in link_levels_
  };
  struct Changes {  // what one write did, for its result
    std::vector<ProfileMerge> merges;
    std::vector<ProfileSplit> splits;
  };

  static constexpr ProfileId kMany = kNoProfile - 1;  // identifier held by several profiles

  // Ingest steps.
  void GrowTo(size_t records);
  void Connect(RecordId r, std::vector<RecordId>& dirty, uint64_t& fuzzy_links);
  void ScoreAgainst(RecordId r, std::span<const RecordId> others, std::vector<RecordId>& seen,
                    uint64_t& fuzzy_links);
  // A block crossing the cap: its pairs stop (or start again) being candidates. The records
  // of links removed or added go to `dirty`.
  void DropBlockPairs(size_t rule, std::span<const RecordId> block, std::vector<RecordId>& dirty);
  void ScoreBlockPairs(std::span<const RecordId> block, std::vector<RecordId>& dirty);
  bool OtherRuleBlocks(size_t rule, RecordId a, RecordId b) const;
  void AddLink(RecordId a, RecordId b, int64_t score, const uint8_t* levels);
  bool RemoveLink(RecordId a, RecordId b);  // false when there was none
  int64_t Score(RecordId a, RecordId b, uint8_t* levels) const;
  std::string_view Column(RecordId r, AttrId attr) const;

  // Re-resolution steps (live_reresolve.cpp); the first and third serve construction and
  // LoadBulk too.
  void AdoptModel();        // rules, weights and threshold from model_
  void UseModel(FellegiSunterModel model);  // replaces model_, keeping the old one
  void IndexForMatching();  // block index and value counts of the live records, whole
  RecordStore LiveAttributes() const;
  std::vector<RecordId> Rescore(bool model_changed, const ReresolveOptions& options);
  bool LinksRecords(IdentifierId x) const;
  void RebuildReach();
  void ResolveAll(Changes& changes, const ReresolveOptions& options);
  std::vector<std::pair<ProfileId, ProfileViewPtr>> ViewsOf(std::span<const RecordId> records);
  void RepublishUnchanged(std::span<const std::pair<ProfileId, ProfileViewPtr>> views);

  // Reach sets: a union-find with member rings.
  RecordId ReachFind(RecordId x);
  void ReachUnite(RecordId a, RecordId b);

  // Resolves the reach sets of `dirty` roots again and publishes what changed.
  void Resolve(std::vector<RecordId> dirty, Changes& changes);
  void Publish(std::span<const RecordId> members, ProfileId id, std::vector<ProfileEvent> history);
  void PublishIdentifier(IdentifierId id);
  void PublishStats();
  // Hands the profiles published or retired since the last call to the segment index, as
  // one write.
  void FlushSegments();
  std::vector<MemberLink> LinksAmong(std::span<const RecordId> members) const;
  ViewInputs Inputs() const;

  // writer side
  std::optional<FellegiSunterModel> model_;
  // Models replaced by Reresolve: views published with them borrow their names.
  std::vector<std::unique_ptr<const FellegiSunterModel>> retired_models_;
  bool matching_ = false;
  ClusteringOptions clustering_;
  int64_t min_score_ = 0;
  std::vector<BlockingRule> block_rules_;
  std::vector<ComparisonRule> compare_rules_;
  std::vector<std::vector<int32_t>> weights_;  // [comparison][level]
  RecordStore records_;
  StringArena strings_{1 << 20};
  std::vector<uint8_t> erased_;
  std::vector<ProfileId> profile_of_;
  std::vector<std::vector<RecordId>> holders_;  // per identifier: live records, ascending
  std::vector<RecordId> reach_parent_, reach_next_;
  std::vector<std::unordered_map<uint64_t, std::vector<RecordId>>> blocks_;  // per rule
  std::vector<uint64_t> block_key_;  // records × rules; 0: not blocked
  std::vector<Link> links_;          // fuzzy links; dead ones have a == kNoRecord
  std::vector<uint8_t> link_levels_;
  std::vector<std::vector<uint32_t>> links_of_;  // per record: indices into links_
  std::vector<std::unordered_map<uint64_t, uint32_t>> tf_counts_;  // per comparison: value hash
  std::vector<uint32_t> tf_present_;  // per comparison: records with a value
  ProfileId next_free_ = 1;
  std::set<std::pair<uint32_t, ProfileId>> by_size_;  // (records, id) of every profile
  uint64_t live_identifiers_ = 0, erased_records_ = 0, ingested_ = 0, live_links_ = 0;
  std::vector<IdentifierId> scratch_ids_;
  std::vector<std::pair<ProfileId, ProfileViewPtr>> segment_changes_;  // null view: retired

  // reader side
  SegmentedArray<std::atomic<std::shared_ptr<const ProfileView>>, 16> views_;  // per ProfileId
  SegmentedArray<std::atomic<ProfileId>, 16> redirect_;  // absorbed id -> survivor
  SegmentedArray<std::atomic<ProfileId>> ident_profile_;   // kNoProfile, a profile, or kMany
  SegmentedArray<std::atomic<ProfileId>> record_profile_;  // kNoProfile once erased
  std::atomic<ProfileId> profile_bound_{1};                // ids below it may have a view
  tbb::concurrent_hash_map<IdentifierId, std::vector<ProfileId>> many_;  // for kMany
  tbb::concurrent_unordered_multimap<uint64_t, RecordId> record_keys_;  // hash(source, id)
};

uint64_t RecordKeyHash(SourceId source, std::string_view id);
uint64_t ValueHash(std::string_view value);

}  // namespace idg::detail
