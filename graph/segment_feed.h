// Hands the live graph's writes to its segment index (graph/segment_index.h) off the writer's
// path: a write submits the profiles it published or retired and returns; one thread applies
// them in order, several waiting writes as one when it falls behind. Reads of the index call
// Sync first and so see every write completed before they began, as if applied inline; the
// index's own lock keeps each Apply whole. Private to graph/live_*.cpp.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "base/config.h"
#include "graph/live_graph.h"
#include "graph/segment_index.h"

namespace idg::detail {

class SegmentFeed {
 public:
  // A profile's new view, or null for a profile retired (merged away or erased).
  using Change = std::pair<ProfileId, ProfileViewPtr>;

  SegmentFeed(const Config& config, SegmentIndex& index);
  ~SegmentFeed();  // applies what was submitted, then stops
  SegmentFeed(const SegmentFeed&) = delete;
  SegmentFeed& operator=(const SegmentFeed&) = delete;

  // One write's changes, in the order they happened (the last change of an id counts). Waits
  // while kMaxPending writes are queued, so the index falls behind by a bounded amount.
  void Submit(std::vector<Change> changes);
  // Returns once every write submitted before the call is in the index.
  void Sync() const;

 private:
  static constexpr size_t kMaxPending = 8;
  void Run();
  void Apply(std::vector<Change>& changes);

  const Config& config_;
  SegmentIndex& index_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<std::vector<Change>> pending_;  // guarded by mu_
  uint64_t submitted_ = 0, applied_ = 0;      // writes; guarded by mu_
  bool stop_ = false;                         // guarded by mu_
  std::thread thread_;                        // last: starts once the rest is set up
};

}  // namespace idg::detail
