#include "graph/profiles.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "base/error.h"

namespace idg {

Profiles Profiles::Build(std::span<const RecordId> component, std::span<const ProfileId> previous,
                         ProfileId first_free) {
  IDG_REQUIRE(previous.empty() || previous.size() == component.size(),
              "previous profile ids must be given for every record or for none");
  const size_t n = component.size();
  Profiles p;
  // Profile indices follow the roots in record order.
  std::vector<uint32_t> root_index(n, 0);
  uint32_t count = 0;
  for (size_t r = 0; r < n; ++r) {
    if (component[r] == r) root_index[r] = count++;
  }
  p.index_of_.resize(n);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 16), [&](const auto& range) {
    for (size_t r = range.begin(); r < range.end(); ++r) p.index_of_[r] = root_index[component[r]];
  });
  root_index = {};

  // Members, grouped by profile, ascending within each: count, place, then sort the few
  // profiles whose members were placed out of order by concurrent threads.
  {
    auto sizes = std::make_unique<std::atomic<uint32_t>[]>(count);
    tbb::parallel_for(tbb::blocked_range<size_t>(0, count, 1 << 16), [&](const auto& range) {
      for (size_t i = range.begin(); i < range.end(); ++i) sizes[i].store(0, std::memory_order_relaxed);
    });
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 14), [&](const auto& range) {
      for (size_t r = range.begin(); r < range.end(); ++r) {
        sizes[p.index_of_[r]].fetch_add(1, std::memory_order_relaxed);
      }
    });
    p.member_begin_.resize(count + 1);
    p.member_begin_[0] = 0;
    for (size_t i = 0; i < count; ++i) {
      p.member_begin_[i + 1] = p.member_begin_[i] + sizes[i].load(std::memory_order_relaxed);
      sizes[i].store(0, std::memory_order_relaxed);  // now: members placed so far
    }
    p.members_.resize(n);
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 14), [&](const auto& range) {
      for (size_t r = range.begin(); r < range.end(); ++r) {
        const uint32_t i = p.index_of_[r];
        p.members_[p.member_begin_[i] + sizes[i].fetch_add(1, std::memory_order_relaxed)] =
            static_cast<RecordId>(r);
      }
    });
    tbb::parallel_for(tbb::blocked_range<size_t>(0, count, 1 << 12), [&](const auto& range) {
      for (size_t i = range.begin(); i < range.end(); ++i) {
        auto* b = p.members_.data() + p.member_begin_[i];
        auto* e = p.members_.data() + p.member_begin_[i + 1];
        if (e - b > 1 && !std::is_sorted(b, e)) std::sort(b, e);
      }
    });
  }

  p.ids_.assign(count, kNoProfile);
  ProfileId next = std::max<ProfileId>(first_free, 1);
  if (!previous.empty()) {
    // (profile index, earlier id) for every record that had one, then overlap counts.
    std::vector<std::pair<uint32_t, ProfileId>> pairs;
    pairs.reserve(n);
    for (size_t r = 0; r < n; ++r) {
      if (previous[r] != kNoProfile) {
        pairs.push_back({p.index_of_[r], previous[r]});
        next = std::max(next, previous[r] + 1);
      }
    }
    tbb::parallel_sort(pairs.begin(), pairs.end());
    struct Overlap {
      uint64_t count;
      uint32_t index;
      ProfileId old_id;
    };
    std::vector<Overlap> overlaps;
    for (size_t i = 0; i < pairs.size();) {
      size_t e = i;
      while (e < pairs.size() && pairs[e] == pairs[i]) ++e;
      overlaps.push_back({e - i, pairs[i].first, pairs[i].second});
      i = e;
    }
    pairs = {};
    // Merges: a new profile holding several earlier ones (overlaps are sorted by index).
    std::vector<Overlap> by_index = overlaps;
    std::sort(overlaps.begin(), overlaps.end(), [](const Overlap& a, const Overlap& b) {
      if (a.count != b.count) return a.count > b.count;
      if (a.old_id != b.old_id) return a.old_id < b.old_id;
      return a.index < b.index;
    });
    std::vector<ProfileId> claimed_ids;  // earlier ids already given to a profile
    std::vector<std::pair<ProfileId, uint32_t>> claims;
    for (const Overlap& o : overlaps) {
      if (p.ids_[o.index] != kNoProfile) continue;
      auto it = std::lower_bound(claimed_ids.begin(), claimed_ids.end(), o.old_id);
      if (it != claimed_ids.end() && *it == o.old_id) continue;
      claimed_ids.insert(it, o.old_id);
      p.ids_[o.index] = o.old_id;
    }
    for (uint32_t i = 0; i < count; ++i) {
      if (p.ids_[i] == kNoProfile) p.ids_[i] = next++;
    }
    for (size_t i = 0; i < by_index.size();) {
      size_t e = i;
      while (e < by_index.size() && by_index[e].index == by_index[i].index) ++e;
      if (e - i > 1) {
        ProfileMerge m{p.ids_[by_index[i].index], {}};
        for (size_t j = i; j < e; ++j) {
          if (by_index[j].old_id != m.survivor) m.absorbed.push_back(by_index[j].old_id);
        }
        std::sort(m.absorbed.begin(), m.absorbed.end());
        p.merges_.push_back(std::move(m));
      }
      i = e;
    }
    std::sort(by_index.begin(), by_index.end(), [](const Overlap& a, const Overlap& b) {
      return a.old_id != b.old_id ? a.old_id < b.old_id : a.index < b.index;
    });
    for (size_t i = 0; i < by_index.size();) {
      size_t e = i;
      while (e < by_index.size() && by_index[e].old_id == by_index[i].old_id) ++e;
      if (e - i > 1) {
        ProfileSplit s{by_index[i].old_id, {}};
        for (size_t j = i; j < e; ++j) s.parts.push_back(p.ids_[by_index[j].index]);
        std::sort(s.parts.begin(), s.parts.end());
        p.splits_.push_back(std::move(s));
      }
      i = e;
    }
    std::sort(p.merges_.begin(), p.merges_.end(),
              [](const auto& a, const auto& b) { return a.survivor < b.survivor; });
  } else {
    for (uint32_t i = 0; i < count; ++i) p.ids_[i] = next++;
  }
  p.next_free_ = next;
  p.by_id_.resize(count);
  for (uint32_t i = 0; i < count; ++i) p.by_id_[i] = i;
  if (!std::is_sorted(p.ids_.begin(), p.ids_.end())) {  // fresh ids are already in order
    tbb::parallel_sort(p.by_id_.begin(), p.by_id_.end(),
                       [&](uint32_t a, uint32_t b) { return p.ids_[a] < p.ids_[b]; });
  }
  return p;
}

std::optional<uint32_t> Profiles::find(ProfileId id) const {
  auto it = std::lower_bound(by_id_.begin(), by_id_.end(), id,
                             [&](uint32_t index, ProfileId v) { return ids_[index] < v; });
  if (it == by_id_.end() || ids_[*it] != id) return std::nullopt;
  return *it;
}

std::vector<uint32_t> Profiles::Largest(size_t k) const {
  std::vector<uint32_t> idx(size());
  for (uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
  k = std::min(k, idx.size());
  auto bigger = [&](uint32_t a, uint32_t b) {
    const uint64_t sa = member_begin_[a + 1] - member_begin_[a];
    const uint64_t sb = member_begin_[b + 1] - member_begin_[b];
    return sa != sb ? sa > sb : ids_[a] < ids_[b];
  };
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), bigger);
  idx.resize(k);
  return idx;
}

std::vector<uint64_t> Profiles::SizeHistogram(size_t buckets) const {
  std::vector<uint64_t> h(buckets, 0);
  for (size_t i = 0; i < size(); ++i) {
    const uint64_t s = member_begin_[i + 1] - member_begin_[i];
    ++h[std::min<uint64_t>(s, buckets - 1)];
  }
  return h;
}

}  // namespace idg
