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
#include "match/fellegi_sunter.h"

namespace idg {
namespace {

enum Flag : uint8_t {
  kLinks = 1,        // deterministic, not junk, within the cap, on two or more records
  kJunk = 2,
  kQuarantined = 4,  // over the cap of a deterministic kind
  kTag = 8,          // a value of a unique kind that counts for merge protection
};

// The flag of an identifier that is not junk, from its kind and its count.
uint8_t FlagOf(const Config& config, const Interner& interner, IdentifierId id) {
  const KindConfig& kind = config.kinds[interner.kind(id)];
  const uint32_t count = interner.count(id);
  uint8_t f = 0;
  if (kind.max_records != 0 && count > kind.max_records) {
    if (kind.deterministic) f = kQuarantined;
  } else {
    if (kind.deterministic && count >= 2) f |= kLinks;
    if (kind.unique) f |= kTag;
  }
  return f;
}

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

using FlagFn = std::function<uint8_t(IdentifierId)>;

// Both hold values of some unique kind, and not the same ones. `a`, `b`: sorted.
bool Disagree(const Interner& interner, const std::vector<IdentifierId>& a,
              const std::vector<IdentifierId>& b) {
  for (IdentifierId x : a) {
    bool kind_seen = false, same = false;
    for (IdentifierId y : b) {
      if (interner.kind(y) != interner.kind(x)) continue;
      kind_seen = true;
      same |= x == y;
    }
    if (kind_seen && !same) return true;
  }
  return false;
}

void MergeTags(std::vector<IdentifierId>& into, const std::vector<IdentifierId>& from) {
  into.insert(into.end(), from.begin(), from.end());
  std::sort(into.begin(), into.end());
  into.erase(std::unique(into.begin(), into.end()), into.end());
}

// Re-resolves one component that holds two values of a unique kind. `members`: its records,
// ascending. Writes each member's new representative into `rep` (one per member) and refused
// identifiers into `refused`. Reads only content, so the outcome does not depend on load order.
class ComponentResolver {
 public:
  ComponentResolver(const Config& config, const RecordStore& records, const Interner& interner,
                    const FlagFn& flag)
      : config_(config), records_(records), interner_(interner), flag_(flag) {}

  // `links`: the fuzzy links inside this component.
  void Run(std::span<const RecordId> members, std::span<const FuzzyLink> links,
           std::span<RecordId> rep, std::vector<IdentifierId>& refused, uint64_t& refused_links) {
    const uint32_t s = static_cast<uint32_t>(members.size());
    parent_.resize(s);
    std::iota(parent_.begin(), parent_.end(), 0u);
    tags_.assign(s, {});
    occurrences_.clear();
    for (uint32_t j = 0; j < s; ++j) {
      for (IdentifierId id : records_.identifiers(members[j])) {
        const uint8_t f = flag_(id);
        if (f & kTag) tags_[j].push_back(id);
        if (f & kLinks) occurrences_.push_back({id, j});
      }
      std::sort(tags_[j].begin(), tags_[j].end());
    }
    std::sort(occurrences_.begin(), occurrences_.end());
    // Groups of records per identifier; unique kinds link first and unconditionally.
    groups_.clear();
    for (size_t i = 0; i < occurrences_.size();) {
      size_t e = i;
      while (e < occurrences_.size() && occurrences_[e].first == occurrences_[i].first) ++e;
      groups_.push_back({i, e});
      i = e;
    }
    auto kind_of = [&](const Group& g) { return interner_.kind(occurrences_[g.begin].first); };
    std::sort(groups_.begin(), groups_.end(), [&](const Group& a, const Group& b) {
      const KindId ka = kind_of(a), kb = kind_of(b);
      const bool ua = config_.kinds[ka].unique, ub = config_.kinds[kb].unique;
      if (ua != ub) return ua;
      if (ka != kb) return ka < kb;
      return interner_.value(occurrences_[a.begin].first) <
             interner_.value(occurrences_[b.begin].first);
    });
    for (const Group& g : groups_) {
      const IdentifierId id = occurrences_[g.begin].first;
      if (!config_.kinds[interner_.kind(id)].unique && Conflicts(g)) {
        refused.push_back(id);
        continue;
      }
      for (size_t i = g.begin + 1; i < g.end; ++i) {
        Link(occurrences_[g.begin].second, occurrences_[i].second);
      }
    }
    // Fuzzy links last, strongest first; ties in a content order (source, then record id).
    auto key = [&](RecordId r) {
      return std::make_pair(records_.source(r), records_.source_record_id(r));
    };
    link_order_.assign(links.begin(), links.end());
    std::sort(link_order_.begin(), link_order_.end(), [&](const FuzzyLink& x, const FuzzyLink& y) {
      if (x.score != y.score) return x.score > y.score;
      const auto xa = std::min(key(x.a), key(x.b)), ya = std::min(key(y.a), key(y.b));
      if (xa != ya) return xa < ya;
      return std::max(key(x.a), key(x.b)) < std::max(key(y.a), key(y.b));
    });
    for (const FuzzyLink& l : link_order_) {
      const uint32_t a = Local(members, l.a), b = Local(members, l.b);
      roots_ = {Find(a), Find(b)};
      if (roots_[0] != roots_[1] && Disagree(interner_, tags_[roots_[0]], tags_[roots_[1]])) {
        ++refused_links;
        continue;
      }
      Link(a, b);
    }
    for (uint32_t j = 0; j < s; ++j) rep[j] = members[Find(j)];
  }

 private:
  struct Group {
    size_t begin, end;  // range in occurrences_
  };

  static uint32_t Local(std::span<const RecordId> members, RecordId r) {
    return static_cast<uint32_t>(std::lower_bound(members.begin(), members.end(), r) - members.begin());
  }

  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }

  void Link(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (a < b) std::swap(a, b);
    parent_[a] = b;  // the smaller local index, hence the smaller RecordId, stays root
    std::vector<IdentifierId> merged;
    std::set_union(tags_[a].begin(), tags_[a].end(), tags_[b].begin(), tags_[b].end(),
                   std::back_inserter(merged));
    tags_[b] = std::move(merged);
    tags_[a].clear();
  }

  // True when two of the group's components hold different values of one unique kind.
  bool Conflicts(const Group& g) {
    roots_.clear();
    for (size_t i = g.begin; i < g.end; ++i) roots_.push_back(Find(occurrences_[i].second));
    std::sort(roots_.begin(), roots_.end());
    roots_.erase(std::unique(roots_.begin(), roots_.end()), roots_.end());
    for (size_t x = 0; x < roots_.size(); ++x) {
      for (size_t y = x + 1; y < roots_.size(); ++y) {
        if (Disagree(interner_, tags_[roots_[x]], tags_[roots_[y]])) return true;
      }
    }
    return false;
  }

  const Config& config_;
  const RecordStore& records_;
  const Interner& interner_;
  const FlagFn& flag_;
  std::vector<uint32_t> parent_;
  std::vector<std::vector<IdentifierId>> tags_;
  std::vector<std::pair<IdentifierId, uint32_t>> occurrences_;
  std::vector<Group> groups_;
  std::vector<uint32_t> roots_;
  std::vector<FuzzyLink> link_order_;
};

// Step 4 of strict clustering: fuzzy links strongest first (ties by pair); a link joins
// clusters of sizes s and t only with at least base + log2(s·t) bits, and never two values of
// a unique kind. `Clusters` holds the clusters so far: Find(x) is x's root, Size(root),
// Tags(root) its unique values (sorted; null when none), Join(ra, rb) unites two roots.
template <typename Clusters>
void StrictPass(std::span<const FuzzyLink> links, const Interner& interner, int64_t base,
                Clusters& c, ResolveStats& stats) {
  std::vector<FuzzyLink> order(links.begin(), links.end());
  std::sort(order.begin(), order.end(), [](const FuzzyLink& x, const FuzzyLink& y) {
    if (x.score != y.score) return x.score > y.score;
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  for (const FuzzyLink& l : order) {
    const RecordId ra = c.Find(l.a), rb = c.Find(l.b);
    if (ra == rb) continue;
    const double need =
        double(base) + std::log2(double(c.Size(ra)) * double(c.Size(rb))) * kWeightOne;
    if (double(l.score) < need) {
      ++stats.refused_strict;
      continue;
    }
    const std::vector<IdentifierId>* ta = c.Tags(ra);
    const std::vector<IdentifierId>* tb = c.Tags(rb);
    if (ta != nullptr && tb != nullptr && Disagree(interner, *ta, *tb)) {
      ++stats.refused_fuzzy;
      continue;
    }
    c.Join(ra, rb);
    ++stats.fuzzy_unions;
  }
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

namespace {

// The clusters of one component's members, by local index, for StrictPass.
class LocalClusters {
 public:
  LocalClusters(std::vector<uint32_t>& parent, std::vector<std::vector<IdentifierId>>& tags)
      : parent_(parent), tags_(tags), size_(parent.size(), 0) {
    for (uint32_t j = 0; j < parent.size(); ++j) ++size_[Find(j)];
  }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  uint32_t Size(uint32_t root) const { return size_[root]; }
  const std::vector<IdentifierId>* Tags(uint32_t root) const {
    return tags_[root].empty() ? nullptr : &tags_[root];
  }
  void Join(uint32_t a, uint32_t b) {
    if (a < b) std::swap(a, b);
    parent_[a] = b;
    size_[b] += size_[a];
    MergeTags(tags_[b], tags_[a]);
    tags_[a].clear();
  }

 private:
  std::vector<uint32_t>& parent_;
  std::vector<std::vector<IdentifierId>>& tags_;  // per root: its unique values, sorted
  std::vector<uint32_t> size_;
};

}  // namespace

std::vector<RecordId> ResolveComponent(const Config& config, const RecordStore& records,
                                       const Interner& interner,
                                       std::span<const IdentifierId> junk,
                                       std::span<const RecordId> members,
                                       std::span<const FuzzyLink> links,
                                       const ClusteringOptions& clustering, ResolveStats* stats) {
  IDG_ASSERT(std::is_sorted(junk.begin(), junk.end()));
  IDG_ASSERT(std::is_sorted(members.begin(), members.end()));
  ResolveStats local_stats;
  ResolveStats& st = stats != nullptr ? *stats : local_stats;
  const auto s = static_cast<uint32_t>(members.size());
  auto local = [&](RecordId r) {
    return static_cast<uint32_t>(std::lower_bound(members.begin(), members.end(), r) -
                                 members.begin());
  };
  const FlagFn flag = [&](IdentifierId id) -> uint8_t {
    if (std::binary_search(junk.begin(), junk.end(), id)) return kJunk;
    return FlagOf(config, interner, id);
  };
  std::vector<uint32_t> parent(s);
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto unite = [&](uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (a < b) std::swap(a, b);
    parent[a] = b;
    return true;
  };
  // Links mapped to local indices; the map keeps their order by pair.
  std::vector<FuzzyLink> local_links;
  local_links.reserve(links.size());
  for (const FuzzyLink& l : links) local_links.push_back({local(l.a), local(l.b), l.score});

  // (1) Linking identifiers, and fuzzy links unless strict clustering takes them later.
  std::vector<std::pair<IdentifierId, uint32_t>> occurrences;
  std::vector<std::vector<IdentifierId>> tags(s);
  for (uint32_t j = 0; j < s; ++j) {
    for (IdentifierId id : records.identifiers(members[j])) {
      const uint8_t f = flag(id);
      st.junk_occurrences += (f & kJunk) != 0;
      if (f & kLinks) occurrences.push_back({id, j});
      if (f & kTag) tags[j].push_back(id);
    }
  }
  std::sort(occurrences.begin(), occurrences.end());
  for (size_t i = 1; i < occurrences.size(); ++i) {
    if (occurrences[i].first == occurrences[i - 1].first) {
      st.unions += unite(occurrences[i - 1].second, occurrences[i].second);
    }
  }
  if (!clustering.strict) {
    for (const FuzzyLink& l : local_links) st.fuzzy_unions += unite(l.a, l.b);
  }
  // (2) Components holding two values of a unique kind; (3) each resolved on its own.
  std::vector<uint8_t> conflict(s, 0);
  std::vector<IdentifierId> first_tag(s, kNoIdentifier);
  bool any_conflict = false;
  for (uint32_t j = 0; j < s; ++j) {
    const uint32_t root = find(j);
    for (IdentifierId id : tags[j]) {
      if (first_tag[root] == kNoIdentifier) first_tag[root] = id;
      if (first_tag[root] != id) {
        conflict[root] = 1;
        any_conflict = true;
      }
    }
  }
  if (any_conflict) {
    ComponentResolver resolver(config, records, interner, flag);
    std::vector<IdentifierId> refused;
    uint64_t refused_links = 0;
    std::vector<RecordId> part, rep;
    std::vector<FuzzyLink> part_links;
    std::vector<uint32_t> roots(s);
    for (uint32_t j = 0; j < s; ++j) roots[j] = find(j);
    for (uint32_t root = 0; root < s; ++root) {
      if (!conflict[root]) continue;
      part.clear();
      for (uint32_t j = root; j < s; ++j) {
        if (roots[j] == root) part.push_back(members[j]);
      }
      part_links.clear();
      if (!clustering.strict) {
        for (const FuzzyLink& l : links) {
          if (roots[local(l.a)] == root) part_links.push_back(l);
        }
      }
      rep.resize(part.size());
      resolver.Run(part, part_links, rep, refused, refused_links);
      for (size_t i = 0; i < part.size(); ++i) parent[local(part[i])] = local(rep[i]);
      ++st.conflict_components;
    }
    st.refused_fuzzy += refused_links;
  }
  // (4) Strict clustering.
  if (clustering.strict && !local_links.empty()) {
    std::vector<std::vector<IdentifierId>> root_tags(s);
    for (uint32_t j = 0; j < s; ++j) MergeTags(root_tags[find(j)], tags[j]);
    LocalClusters clusters(parent, root_tags);
    StrictPass(local_links, interner, clustering.base_score, clusters, st);
  }
  std::vector<RecordId> rep(s);
  for (uint32_t j = 0; j < s; ++j) rep[j] = members[find(j)];
  return rep;
}

}  // namespace idg
