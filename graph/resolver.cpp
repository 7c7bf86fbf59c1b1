#include "graph/resolver.h"

#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <atomic>
#include <functional>
#include <memory>
#include <numeric>
#include <unordered_map>

#include "base/error.h"
#include "graph/resolve_steps.h"
#include "match/fellegi_sunter.h"

namespace idg {
namespace {

using detail::ComponentResolver;
using detail::FlagFn;
using detail::FlagOf;
using detail::kJunk;
using detail::kLinks;
using detail::kQuarantined;
using detail::kTag;
using detail::MergeTags;
using detail::StrictPass;

std::vector<uint8_t> FlagIdentifiers(const Config& config, const Interner& interner,
                                     std::span<const IdentifierId> junk) {
  const size_t m = interner.size();
  std::vector<uint8_t> flags(m, 0);
  for (IdentifierId id : junk) flags[id] = kJunk;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, m, 1 << 14), [&](const auto& r) {
    for (size_t i = r.begin(); i < r.end(); ++i) {
      if (!(flags[i] & kJunk)) flags[i] = FlagOf(config, interner, static_cast<IdentifierId>(i));
    }
  });
  return flags;
}

// All records' clusters on the shared union-find, for StrictPass.
class BulkClusters {
 public:
  BulkClusters(const RecordStore& records, const std::vector<uint8_t>& flags, UnionFind& uf)
      : uf_(uf), size_(records.size(), 0) {
    uf.Compress();
    for (RecordId r = 0; r < records.size(); ++r) {
      const RecordId root = uf.Parent(r);
      ++size_[root];
      for (IdentifierId id : records.identifiers(r)) {
        if (flags[id] & kTag) tags_[root].push_back(id);
      }
    }
    for (auto& [root, t] : tags_) MergeTags(t, {});
  }
  RecordId Find(RecordId x) const { return uf_.Find(x); }
  uint32_t Size(RecordId root) const { return size_[root]; }
  const std::vector<IdentifierId>* Tags(RecordId root) const {
    auto it = tags_.find(root);
    return it == tags_.end() ? nullptr : &it->second;
  }
  void Join(RecordId ra, RecordId rb) {
    uf_.Unite(ra, rb);
    const RecordId root = uf_.Find(ra), gone = root == ra ? rb : ra;
    size_[root] += size_[gone];
    auto ig = tags_.find(gone);
    if (ig == tags_.end()) return;
    std::vector<IdentifierId> moved = std::move(ig->second);
    tags_.erase(ig);
    MergeTags(tags_[root], moved);
  }

 private:
  UnionFind& uf_;
  std::vector<uint32_t> size_;
  std::unordered_map<RecordId, std::vector<IdentifierId>> tags_;  // roots with unique values
};

}  // namespace

Resolution Resolve(const Config& config, const RecordStore& records, const Interner& interner,
                   std::span<const IdentifierId> junk, std::span<const FuzzyLink> all_fuzzy,
                   const ClusteringOptions& clustering) {
  // Strict clustering takes the fuzzy links after the identifiers, one by one (step 4).
  const std::span<const FuzzyLink> fuzzy = clustering.strict ? std::span<const FuzzyLink>() : all_fuzzy;
  const size_t n = records.size();
  const size_t m = interner.size();
  const std::vector<uint8_t> flags = FlagIdentifiers(config, interner, junk);
  Resolution res;

  // (1) Every linking identifier joins its records: the first record to claim an identifier
  // becomes its anchor, later ones unite with the anchor.
  UnionFind uf(n);
  auto anchor = std::make_unique<std::atomic<RecordId>[]>(m);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, m, 1 << 16), [&](const auto& r) {
    for (size_t i = r.begin(); i < r.end(); ++i) anchor[i].store(kNoRecord, std::memory_order_relaxed);
  });
  tbb::combinable<uint64_t> unions, junk_hits;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 12), [&](const auto& r) {
    uint64_t local_unions = 0, local_junk = 0;
    for (size_t i = r.begin(); i < r.end(); ++i) {
      const auto rec = static_cast<RecordId>(i);
      for (IdentifierId id : records.identifiers(rec)) {
        const uint8_t f = flags[id];
        local_junk += (f & kJunk) != 0;
        if (!(f & kLinks)) continue;
        RecordId a = anchor[id].load(std::memory_order_relaxed);
        if (a == kNoRecord &&
            anchor[id].compare_exchange_strong(a, rec, std::memory_order_relaxed)) {
          continue;
        }
        local_unions += uf.Unite(rec, a);
      }
    }
    unions.local() += local_unions;
    junk_hits.local() += local_junk;
  });
  anchor.reset();
  tbb::combinable<uint64_t> fuzzy_unions;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, fuzzy.size(), 1 << 12), [&](const auto& r) {
    uint64_t local = 0;
    for (size_t i = r.begin(); i < r.end(); ++i) local += uf.Unite(fuzzy[i].a, fuzzy[i].b);
    fuzzy_unions.local() += local;
  });
  res.stats.fuzzy_unions = fuzzy_unions.combine(std::plus<>());
  uf.Compress();
  res.stats.unions = unions.combine(std::plus<>());
  res.stats.junk_occurrences = junk_hits.combine(std::plus<>());

  // (2) Components that hold two values of a unique kind.
  const bool any_unique = std::any_of(config.kinds.begin(), config.kinds.end(),
                                      [](const KindConfig& k) { return k.unique; });
  if (any_unique) {
    auto tag = std::make_unique<std::atomic<IdentifierId>[]>(n);
    auto conflict = std::make_unique<std::atomic<uint8_t>[]>(n);
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 16), [&](const auto& r) {
      for (size_t i = r.begin(); i < r.end(); ++i) {
        tag[i].store(kNoIdentifier, std::memory_order_relaxed);
        conflict[i].store(0, std::memory_order_relaxed);
      }
    });
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 12), [&](const auto& r) {
      for (size_t i = r.begin(); i < r.end(); ++i) {
        const auto rec = static_cast<RecordId>(i);
        const RecordId root = uf.Parent(rec);
        for (IdentifierId id : records.identifiers(rec)) {
          if (!(flags[id] & kTag)) continue;
          // One tag slot per root serves all unique kinds: two different values of any unique
          // kinds mark the component for a closer look, which decides exactly.
          IdentifierId t = tag[root].load(std::memory_order_relaxed);
          if (t == kNoIdentifier &&
              tag[root].compare_exchange_strong(t, id, std::memory_order_relaxed)) {
            continue;
          }
          if (t != id) conflict[root].store(1, std::memory_order_relaxed);
        }
      }
    });
    // (3) Re-resolve each marked component on its own.
    tbb::enumerable_thread_specific<std::vector<std::pair<RecordId, RecordId>>> found;
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 14), [&](const auto& r) {
      auto& local = found.local();
      for (size_t i = r.begin(); i < r.end(); ++i) {
        const RecordId root = uf.Parent(static_cast<RecordId>(i));
        if (conflict[root].load(std::memory_order_relaxed)) {
          local.push_back({root, static_cast<RecordId>(i)});
        }
      }
    });
    std::vector<std::pair<RecordId, RecordId>> marked;
    for (auto& local : found) marked.insert(marked.end(), local.begin(), local.end());
    tbb::parallel_sort(marked.begin(), marked.end());
    std::vector<RecordId> members(marked.size());
    std::vector<size_t> starts;
    for (size_t i = 0; i < marked.size(); ++i) {
      members[i] = marked[i].second;
      if (i == 0 || marked[i].first != marked[i - 1].first) starts.push_back(i);
    }
    starts.push_back(marked.size());
    res.stats.conflict_components = starts.size() - 1;
    // The fuzzy links of the marked components, grouped like their members.
    std::vector<std::pair<RecordId, size_t>> marked_links;
    for (size_t i = 0; i < fuzzy.size(); ++i) {
      const RecordId root = uf.Parent(fuzzy[i].a);
      if (conflict[root].load(std::memory_order_relaxed)) marked_links.push_back({root, i});
    }
    std::sort(marked_links.begin(), marked_links.end());
    tbb::enumerable_thread_specific<std::vector<IdentifierId>> refused;
    tbb::combinable<uint64_t> refused_links;
    const FlagFn flag = [&](IdentifierId id) { return flags[id]; };
    tbb::parallel_for(size_t{0}, starts.size() - 1, [&](size_t c) {
      ComponentResolver resolver(config, records, interner, flag);
      std::span<const RecordId> span(members.data() + starts[c], starts[c + 1] - starts[c]);
      const RecordId root = marked[starts[c]].first;
      auto lo = std::lower_bound(marked_links.begin(), marked_links.end(),
                                 std::make_pair(root, size_t{0}));
      std::vector<FuzzyLink> links;
      for (; lo != marked_links.end() && lo->first == root; ++lo) links.push_back(fuzzy[lo->second]);
      std::vector<RecordId> rep(span.size());
      resolver.Run(span, links, rep, refused.local(), refused_links.local());
      for (size_t j = 0; j < span.size(); ++j) uf.SetParent(span[j], rep[j]);
    });
    res.stats.refused_fuzzy = refused_links.combine(std::plus<>());
    for (auto& local : refused) res.refused.insert(res.refused.end(), local.begin(), local.end());
  }

  if (clustering.strict && !all_fuzzy.empty()) {
    BulkClusters clusters(records, flags, uf);
    StrictPass(all_fuzzy, interner, clustering.base_score, clusters, res.stats);
    uf.Compress();
  }
  res.component.resize(n);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 16), [&](const auto& r) {
    for (size_t i = r.begin(); i < r.end(); ++i) res.component[i] = uf.Parent(static_cast<RecordId>(i));
  });
  for (size_t id = 0; id < m; ++id) {
    if (flags[id] & kQuarantined) res.quarantined.push_back(static_cast<IdentifierId>(id));
    res.stats.linking_identifiers += (flags[id] & kLinks) != 0;
  }
  // Reports are ordered by content, never by id: ids depend on scheduling.
  auto by_content = [&](IdentifierId a, IdentifierId b) {
    if (interner.kind(a) != interner.kind(b)) return interner.kind(a) < interner.kind(b);
    return interner.value(a) < interner.value(b);
  };
  std::sort(res.quarantined.begin(), res.quarantined.end(), [&](IdentifierId a, IdentifierId b) {
    const uint32_t ca = interner.count(a), cb = interner.count(b);
    return ca != cb ? ca > cb : by_content(a, b);
  });
  std::sort(res.refused.begin(), res.refused.end(), by_content);
  return res;
}

}  // namespace idg
