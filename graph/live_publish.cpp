// The live graph's resolution and publication: reach sets resolved again, profile ids kept
// stable, views published for readers; erasure; start from a bulk resolve.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <ctime>
#include <thread>

#include "base/error.h"
#include "graph/live_state.h"
#include "match/similarity_common.h"

namespace idg::detail {
namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// Readers retry a read that raced with a publication this many times (yielding in between):
// enough to outlast the publication of any batch.
constexpr int kReadRetries = 1 << 20;

}  // namespace

ViewInputs LiveState::Inputs() const {
  return {config, matching_ ? &*model_ : nullptr, records_, *interner, junk};
}

std::vector<MemberLink> LiveState::LinksAmong(std::span<const RecordId> members) const {
  std::vector<MemberLink> out;
  for (RecordId x : members) {
    for (uint32_t li : links_of_[x]) {
      const Link& l = links_[li];
      if (l.a == x) out.push_back({l.a, l.b, l.score, link_levels_.data() + l.levels});
    }
  }
  return out;
}

void LiveState::Publish(std::span<const RecordId> members, ProfileId id,
                        std::vector<ProfileEvent> history) {
  const std::vector<MemberLink> links = LinksAmong(members);
  std::shared_ptr<const ProfileView> view =
      BuildProfileView(Inputs(), id, members, links, std::move(history));
  views_.EnsureUpTo(id);
  redirect_.EnsureUpTo(id);
  views_[id].store(std::move(view), std::memory_order_release);
}

void LiveState::PublishIdentifier(IdentifierId x) {
  std::vector<ProfileId> ps;
  for (RecordId r : holders_[x]) ps.push_back(profile_of_[r]);
  std::sort(ps.begin(), ps.end());
  ps.erase(std::unique(ps.begin(), ps.end()), ps.end());
  if (ps.size() >= 2) {
    {
      decltype(many_)::accessor acc;
      many_.insert(acc, x);
      acc->second = ps;
    }
    ident_profile_[x].store(kMany, std::memory_order_release);
    return;
  }
  ident_profile_[x].store(ps.empty() ? kNoProfile : ps[0], std::memory_order_release);
  many_.erase(x);
}

void LiveState::PublishStats() {
  auto st = std::make_shared<GraphStats>();
  st->records = records_.size() - erased_records_;
  st->identifiers = live_identifiers_;
  st->profiles = by_size_.size();
  st->erased_records = erased_records_;
  st->ingested_records = ingested_;
  st->fuzzy_links = live_links_;
  for (auto it = by_size_.rbegin(); it != by_size_.rend() && st->largest.size() < 10; ++it) {
    st->largest.push_back({it->second, it->first});
  }
  stats.store(std::move(st), std::memory_order_release);
}

void LiveState::FlushSegments() {
  // The last change of each id counts.
  std::stable_sort(segment_changes_.begin(), segment_changes_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ProfileId> removed;
  std::vector<const ProfileView*> views;
  for (size_t i = 0; i < segment_changes_.size(); ++i) {
    if (i + 1 < segment_changes_.size() && segment_changes_[i + 1].first == segment_changes_[i].first) continue;
    if (segment_changes_[i].second) {
      views.push_back(segment_changes_[i].second.get());
    } else {
      removed.push_back(segment_changes_[i].first);
    }
  }
  std::vector<SegmentRow> rows(views.size());
  tbb::parallel_for(size_t{0}, views.size(),
                    [&](size_t i) { rows[i] = SegmentRowOf(config, *views[i]); });
  segments.Apply(removed, rows);
  segment_changes_.clear();
}

void LiveState::Resolve(std::vector<RecordId> dirty, Changes& changes) {
  for (RecordId& d : dirty) d = ReachFind(d);
  std::sort(dirty.begin(), dirty.end());
  dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
  const int64_t now = Now();
  std::vector<RecordId> members, comp;
  std::vector<ProfileId> previous;
  std::vector<FuzzyLink> links;
  std::vector<IdentifierId> touched;
  std::vector<std::pair<ProfileId, ProfileId>> absorbed;  // (old id, survivor)
  for (RecordId root : dirty) {
    members.clear();
    RecordId x = root;
    do {
      if (!erased_[x]) members.push_back(x);
      x = reach_next_[x];
    } while (x != root);
    if (members.empty()) continue;
    std::sort(members.begin(), members.end());
    links.clear();
    for (const MemberLink& l : LinksAmong(members)) links.push_back({l.a, l.b, l.score});
    std::sort(links.begin(), links.end(),
              [](const FuzzyLink& p, const FuzzyLink& q) { return std::tie(p.a, p.b) < std::tie(q.a, q.b); });
    const std::vector<RecordId> rep =
        ResolveComponent(config, records_, *interner, junk, members, links, clustering_);
    comp.resize(members.size());
    previous.resize(members.size());
    for (size_t j = 0; j < members.size(); ++j) {
      comp[j] = static_cast<RecordId>(
          std::lower_bound(members.begin(), members.end(), rep[j]) - members.begin());
      previous[j] = profile_of_[members[j]];
    }
    const Profiles built = Profiles::Build(comp, previous, next_free_);
    next_free_ = std::max(next_free_, built.next_free());
    // An absorbed id is gone unless it went on with a part of its profile (merge and split).
    for (const ProfileMerge& m : built.merges()) {
      for (ProfileId a : m.absorbed) {
        if (!built.find(a)) absorbed.push_back({a, m.survivor});
      }
      changes.merges.push_back(m);
    }
    for (const ProfileSplit& s : built.splits()) changes.splits.push_back(s);
    std::vector<RecordId> mem;
    for (uint32_t i = 0; i < built.size(); ++i) {
      const ProfileId id = built.id(i);
      mem.clear();
      for (RecordId j : built.members(i)) mem.push_back(members[j]);
      const ProfileViewPtr old = id < profile_bound_.load() ? views_[id].load() : nullptr;
      const bool same = old && old->records.size() == mem.size() &&
                        std::equal(mem.begin(), mem.end(), old->records.begin(),
                                   [](RecordId r, const ProfileRecord& p) { return r == p.record; });
      if (same) continue;
      std::vector<ProfileEvent> history = old ? old->history : std::vector<ProfileEvent>{};
      if (!old) history.push_back({ProfileEvent::Type::kCreated, now, {}});
      for (const ProfileMerge& m : built.merges()) {
        if (m.survivor == id) history.push_back({ProfileEvent::Type::kMerged, now, m.absorbed});
      }
      for (const ProfileSplit& s : built.splits()) {
        if (s.from != id) continue;
        std::vector<ProfileId> parts;
        for (ProfileId p : s.parts) {
          if (p != id) parts.push_back(p);
        }
        history.push_back({ProfileEvent::Type::kSplit, now, std::move(parts)});
      }
      profile_bound_.store(std::max(profile_bound_.load(), next_free_), std::memory_order_release);
      Publish(mem, id, std::move(history));
      segment_changes_.push_back({id, views_[id].load()});
      if (old) by_size_.erase({static_cast<uint32_t>(old->records.size()), id});
      by_size_.insert({static_cast<uint32_t>(mem.size()), id});
      for (RecordId r : mem) {
        if (profile_of_[r] == id) continue;
        profile_of_[r] = id;
        for (IdentifierId t : records_.identifiers(r)) touched.push_back(t);
      }
    }
  }
  // Readers go from an absorbed id to its survivor, whose view is out already.
  for (const auto& [old_id, survivor] : absorbed) {
    redirect_[old_id].store(survivor, std::memory_order_release);
    const ProfileViewPtr gone = views_[old_id].exchange(nullptr);
    segment_changes_.push_back({old_id, nullptr});
    if (gone) by_size_.erase({static_cast<uint32_t>(gone->records.size()), old_id});
  }
  for (RecordId root : dirty) {
    RecordId x = root;
    do {
      if (!erased_[x]) record_profile_[x].store(profile_of_[x], std::memory_order_release);
      x = reach_next_[x];
    } while (x != root);
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (IdentifierId t : touched) PublishIdentifier(t);
  published_identifiers.store(static_cast<uint32_t>(holders_.size()), std::memory_order_release);
}

// ---- erasure -----------------------------------------------------------------------------

void LiveState::Erase(std::span<const ProfileId> ids, EraseResult& res) {
  std::vector<RecordId> dirty, gone_records;
  std::vector<IdentifierId> touched, gone_values;
  const uint32_t cap = config.matching.max_block_size;
  const size_t rules = block_rules_.size();
  for (ProfileId id : ids) {
    const ProfileViewPtr view = views_[id].load();
    if (!view) continue;
    view->erased.store(true, std::memory_order_release);
    res.profiles.push_back(id);
    by_size_.erase({static_cast<uint32_t>(view->records.size()), id});
    for (const ProfileRecord& pr : view->records) {
      const RecordId r = pr.record;
      erased_[r] = 1;
      ++erased_records_;
      ++res.records;
      gone_records.push_back(r);
      record_profile_[r].store(kNoProfile, std::memory_order_release);
      profile_of_[r] = kNoProfile;
      for (IdentifierId x : records_.identifiers(r)) {
        std::vector<RecordId>& h = holders_[x];
        std::erase(h, r);
        interner->Uncount(x);
        if (h.empty()) {
          --live_identifiers_;
          ++res.identifiers;
          ident_profile_[x].store(kNoProfile, std::memory_order_release);
          many_.erase(x);
          gone_values.push_back(x);
          continue;
        }
        touched.push_back(x);
        const KindConfig& kind = config.kinds[interner->kind(x)];
        if (kind.deterministic && kind.max_records != 0 &&
            interner->count(x) == kind.max_records) {
          for (RecordId o : h) ReachUnite(o, h.front());  // back under its cap: links again
          dirty.push_back(h.front());
        }
      }
      for (const uint32_t li : std::vector<uint32_t>(links_of_[r])) {
        RemoveLink(links_[li].a, links_[li].b);
      }
      for (size_t k = 0; matching_ && k < compare_rules_.size(); ++k) {
        const auto& cmp = config.matching.comparisons[k];
        const std::string_view v = Column(r, cmp.attr).substr(0, kSimilarityMaxLen);
        if (!cmp.term_frequency || v.empty()) continue;
        auto it = tf_counts_[k].find(ValueHash(v));
        if (--it->second == 0) tf_counts_[k].erase(it);
        --tf_present_[k];
      }
      for (size_t rule = 0; rule < rules; ++rule) {
        uint64_t& key = block_key_[size_t{r} * rules + rule];
        if (key == 0) continue;
        auto it = blocks_[rule].find(key);
        std::erase(it->second, r);
        if (it->second.empty()) {
          blocks_[rule].erase(it);
        } else if (it->second.size() == cap) {
          ScoreBlockPairs(it->second, dirty);  // back within the cap: candidates again
        }
        key = 0;
      }
      dirty.push_back(r);
    }
    views_[id].store(nullptr, std::memory_order_release);
    segment_changes_.push_back({id, nullptr});
  }
  Changes changes;
  Resolve(std::move(dirty), changes);
  res.merges = std::move(changes.merges);
  res.splits = std::move(changes.splits);
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (IdentifierId x : touched) PublishIdentifier(x);
  for (IdentifierId x : gone_values) interner->Scrub(x);
  for (RecordId r : gone_records) records_.Scrub(r);
  FlushSegments();
  PublishStats();
}

// ---- reads -------------------------------------------------------------------------------

ProfileViewPtr LiveState::View(ProfileId id) const {
  for (int hops = 0; hops < 64; ++hops) {
    if (id == 0 || id >= profile_bound_.load(std::memory_order_acquire)) return nullptr;
    ProfileViewPtr v = views_[id].load(std::memory_order_acquire);
    if (v) return v;
    const ProfileId next = redirect_[id].load(std::memory_order_acquire);
    if (next == 0) return nullptr;
    id = next;
  }
  return nullptr;
}

std::vector<ProfileId> LiveState::ProfilesOfIdentifier(IdentifierId id) const {
  for (int attempt = 0; attempt < kReadRetries; ++attempt) {
    const ProfileId p = ident_profile_[id].load(std::memory_order_acquire);
    if (p == kNoProfile) return {};
    if (p != kMany) return {p};
    decltype(many_)::const_accessor acc;
    if (many_.find(acc, id)) return acc->second;
    // The writer went from several profiles to one between the two reads: read again.
    std::this_thread::yield();
  }
  return {};
}

bool LiveState::Holds(const ProfileView& view, std::string_view kind, std::string_view value) {
  return std::any_of(view.identifiers.begin(), view.identifiers.end(),
                     [&](const ProfileField& f) { return f.name == kind && f.value == value; });
}

std::optional<std::pair<ProfileViewPtr, uint32_t>> LiveState::FindRecord(
    SourceId source, std::string_view id) const {
  const std::string_view source_name = config.sources[source].name;
  const auto [begin, end] = record_keys_.equal_range(RecordKeyHash(source, id));
  for (auto it = begin; it != end; ++it) {
    const RecordId r = it->second;
    // A publication may move the record between reading its profile id and the view: retry.
    for (int attempt = 0; attempt < kReadRetries; ++attempt) {
      const ProfileId p = record_profile_[r].load(std::memory_order_acquire);
      if (p == kNoProfile) break;
      const ProfileViewPtr v = View(p);
      if (!v) break;
      const auto at = std::lower_bound(
          v->records.begin(), v->records.end(), r,
          [](const ProfileRecord& pr, RecordId x) { return pr.record < x; });
      if (at != v->records.end() && at->record == r) {
        if (at->source != source_name || at->id != id) break;  // a hash collision
        return std::make_pair(v, static_cast<uint32_t>(at - v->records.begin()));
      }
      std::this_thread::yield();
    }
  }
  return std::nullopt;
}

// ---- start from a bulk resolve -----------------------------------------------------------

void LiveState::LoadBulk(RecordStore records, std::span<const FuzzyLink> links,
                         std::span<const uint8_t> link_levels, const Profiles& profiles) {
  records_ = std::move(records);
  const size_t n = records_.size();
  GrowTo(n);
  for (RecordId r = 0; r < n; ++r) {
    for (IdentifierId x : records_.identifiers(r)) holders_[x].push_back(r);
  }
  for (IdentifierId x = 0; x < holders_.size(); ++x) {
    const std::vector<RecordId>& h = holders_[x];
    if (h.empty()) continue;
    ++live_identifiers_;
    const KindConfig& kind = config.kinds[interner->kind(x)];
    if (!kind.deterministic || std::binary_search(junk.begin(), junk.end(), x)) continue;
    if (kind.max_records != 0 && h.size() > kind.max_records) continue;
    for (size_t i = 1; i < h.size(); ++i) ReachUnite(h[0], h[i]);
  }
  if (matching_) {
    const size_t k = compare_rules_.size();
    IDG_REQUIRE(link_levels.size() == links.size() * k, "one level per link and comparison");
    for (size_t i = 0; i < links.size(); ++i) {
      AddLink(links[i].a, links[i].b, links[i].score, link_levels.data() + i * k);
      ReachUnite(links[i].a, links[i].b);
    }
    IndexForMatching();
  }
  next_free_ = std::max<ProfileId>(profiles.next_free(), 1);
  profile_bound_.store(next_free_);
  views_.EnsureUpTo(next_free_);
  redirect_.EnsureUpTo(next_free_);
  for (RecordId r = 0; r < n; ++r) profile_of_[r] = profiles.profile_of(r);
  const int64_t now = Now();
  tbb::parallel_for(uint32_t{0}, static_cast<uint32_t>(profiles.size()), [&](uint32_t i) {
    Publish(profiles.members(i), profiles.id(i), {{ProfileEvent::Type::kCreated, now, {}}});
  });
  for (uint32_t i = 0; i < profiles.size(); ++i) {
    by_size_.insert({static_cast<uint32_t>(profiles.members(i).size()), profiles.id(i)});
  }
  tbb::parallel_for(RecordId{0}, static_cast<RecordId>(n), [&](RecordId r) {
    record_profile_[r].store(profile_of_[r], std::memory_order_relaxed);
    record_keys_.insert({RecordKeyHash(records_.source(r), records_.source_record_id(r)), r});
  });
  for (IdentifierId x = 0; x < holders_.size(); ++x) {
    if (!holders_[x].empty()) PublishIdentifier(x);
  }
  published_identifiers.store(static_cast<uint32_t>(holders_.size()), std::memory_order_release);
  for (uint32_t i = 0; i < profiles.size(); ++i) {
    segment_changes_.push_back({profiles.id(i), views_[profiles.id(i)].load()});
  }
  FlushSegments();
  PublishStats();
}

}  // namespace idg::detail
