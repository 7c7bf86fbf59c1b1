// ResolveComponent (graph/resolver.h): the bulk resolution steps applied to one closed set of
// records, for the live graph.
#include "graph/resolver.h"

#include <algorithm>
#include <numeric>

#include "base/error.h"
#include "graph/resolve_steps.h"

namespace idg {
namespace {

using detail::ComponentResolver;
using detail::FlagFn;
using detail::FlagOf;
using detail::kJunk;
using detail::kLinks;
using detail::kTag;
using detail::MergeTags;
using detail::StrictPass;

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
