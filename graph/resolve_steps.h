// The steps of deterministic resolution that the bulk Resolve and ResolveComponent share
// (graph/resolver.h): identifier flags, the canonical re-resolution of a component that holds
// two values of a unique kind, and strict clustering. Private to resolver*.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iterator>
#include <numeric>
#include <span>
#include <tuple>
#include <vector>

#include "base/config.h"
#include "graph/interner.h"
#include "graph/record_store.h"
#include "graph/resolver.h"
#include "match/fellegi_sunter.h"

namespace idg::detail {

enum Flag : uint8_t {
  kLinks = 1,        // deterministic, not junk, within the cap, on two or more records
  kJunk = 2,
  kQuarantined = 4,  // over the cap of a deterministic kind
  kTag = 8,          // a value of a unique kind that counts for merge protection
};

// The flag of an identifier that is not junk, from its kind and its count.
inline uint8_t FlagOf(const Config& config, const Interner& interner, IdentifierId id) {
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

using FlagFn = std::function<uint8_t(IdentifierId)>;

// Both hold values of some unique kind, and not the same ones. `a`, `b`: sorted.
inline bool Disagree(const Interner& interner, const std::vector<IdentifierId>& a,
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

inline void MergeTags(std::vector<IdentifierId>& into, const std::vector<IdentifierId>& from) {
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

}  // namespace idg::detail
