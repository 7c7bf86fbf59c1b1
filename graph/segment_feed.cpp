// The live graph's writes applied to its segment index on a thread of their own
// (graph/segment_feed.h).
#include "graph/segment_feed.h"

#include <tbb/parallel_for.h>

#include <algorithm>

namespace idg::detail {

SegmentFeed::SegmentFeed(const Config& config, SegmentIndex& index)
    : config_(config), index_(index), thread_([this] { Run(); }) {}

SegmentFeed::~SegmentFeed() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SegmentFeed::Submit(std::vector<Change> changes) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return pending_.size() < kMaxPending; });
  pending_.push_back(std::move(changes));
  ++submitted_;
  cv_.notify_all();
}

void SegmentFeed::Sync() const {
  std::unique_lock lock(mu_);
  const uint64_t target = submitted_;
  cv_.wait(lock, [&] { return applied_ >= target; });
}

void SegmentFeed::Run() {
  while (true) {
    std::vector<std::vector<Change>> writes;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, nothing left
      writes.swap(pending_);
    }
    cv_.notify_all();  // room for writers waiting in Submit
    std::vector<Change> all = std::move(writes[0]);
    for (size_t i = 1; i < writes.size(); ++i) {
      all.insert(all.end(), std::make_move_iterator(writes[i].begin()), std::make_move_iterator(writes[i].end()));
    }
    Apply(all);
    {
      std::lock_guard lock(mu_);
      applied_ += writes.size();
    }
    cv_.notify_all();
  }
}

void SegmentFeed::Apply(std::vector<Change>& changes) {
  // The last change of each id counts.
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.first < b.first; });
  std::vector<ProfileId> removed;
  std::vector<const ProfileView*> views;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i + 1 < changes.size() && changes[i + 1].first == changes[i].first) continue;
    if (changes[i].second) {
      views.push_back(changes[i].second.get());
    } else {
      removed.push_back(changes[i].first);
    }
  }
  std::vector<SegmentRow> rows(views.size());
  tbb::parallel_for(size_t{0}, views.size(), [&](size_t i) { rows[i] = SegmentRowOf(config_, *views[i]); });
  index_.Apply(removed, rows);
}

}  // namespace idg::detail
