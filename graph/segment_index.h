// Segment indexes: per profile field a column (one value per ProfileId) and, while the field
// has few distinct values (SegmentsConfig::max_bitmap_values), one CRoaring bitmap per value,
// kept up to date as profiles change. Counts and member lists of a SegmentQuery pick, per
// predicate, bitmaps or a scan of the column (or a probe of the profiles still in question),
// and run in parallel on TBB.
//
// Consistency: Apply takes the index's write lock for one whole write (a batch's merges,
// splits and erasures together) and queries hold its read lock, so a count sees a write
// entirely or not at all. The lock is fair (queued): a stream of counts cannot starve
// ingest. Profile ids must be below 2^32 (bitmaps are 32-bit).
#pragma once

#include <tbb/queuing_rw_mutex.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/config.h"
#include "base/ids.h"
#include "graph/segment_query.h"

namespace idg {

struct ProfileView;

// What the index keeps of one profile.
struct SegmentRow {
  ProfileId id = kNoProfile;
  std::vector<std::string_view> golden;  // per attribute of the config; empty: absent
  uint64_t kinds = 0;                    // bit k: holds an identifier of kind k
  uint64_t sources = 0;                  // bit s: a member record comes from source s
  uint32_t records = 0;                  // member records
  int64_t first_seen = 0, last_seen = 0; // Unix seconds of member timestamps; 0: none
};

// The row of a published profile (strings borrow from the view).
SegmentRow SegmentRowOf(const Config& config, const ProfileView& view);

struct SegmentPage {
  std::vector<ProfileId> ids;  // ascending, all after the cursor
  uint64_t total = 0;          // profiles matching, all pages together
  ProfileId next = 0;          // cursor for the next page; 0 when this is the last
};

struct SegmentFieldStats {
  std::string name;
  uint64_t values = 0;   // bitmaps held (strings: distinct values)
  uint64_t bucket = 1;   // values per bitmap: more than one when an ordered field has buckets
  bool bitmaps = false;  // false: answered by scans of the column
  uint64_t bytes = 0;    // column, dictionary and bitmaps
};

struct SegmentIndexStats {
  uint64_t profiles = 0;
  uint64_t bytes = 0;
  std::vector<SegmentFieldStats> fields;
};

class SegmentIndex {
 public:
  // Throws idg::Error when the config has more than 64 identifier kinds or sources.
  // `dense_divisor`: a value held by at least 1/dense_divisor of the ids also keeps one bit
  // per id (0: never), for fast intersections of large sets; a knob for tests.
  explicit SegmentIndex(const Config& config, uint64_t dense_divisor = 64);
  ~SegmentIndex();
  SegmentIndex(const SegmentIndex&) = delete;
  SegmentIndex& operator=(const SegmentIndex&) = delete;

  // One write, atomic for queries: the `removed` profiles leave, then each row is added or
  // replaces the row its id had. Throws idg::Error for a profile id of 2^32 or more.
  void Apply(std::span<const ProfileId> removed, std::span<const SegmentRow> rows);

  // `today`: days since the epoch that `now` stands for (TodayUtc() in service).
  uint64_t Count(const SegmentQuery& query, int64_t today) const;
  // Matching profiles with ids above `after`, ascending, at most `limit`.
  SegmentPage Members(const SegmentQuery& query, int64_t today, ProfileId after,
                      uint32_t limit) const;
  SegmentIndexStats Stats() const;

  struct Impl;  // defined and used in segment_index.cpp only

 private:
  std::unique_ptr<Impl> impl_;
  mutable tbb::queuing_rw_mutex mu_;
};

}  // namespace idg
