#include "graph/live_graph.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <thread>

#include "base/error.h"
#include "graph/live_state.h"
#include "graph/matcher.h"
#include "graph/profile_view.h"

namespace idg {

using detail::LiveState;

LiveGraph::LiveGraph(Config config, std::optional<FellegiSunterModel> model)
    : s_(std::make_unique<LiveState>(std::move(config), std::make_unique<Interner>(),
                                     std::move(model))) {}

LiveGraph::LiveGraph(BulkGraph bulk)
    : s_(std::make_unique<LiveState>(std::move(bulk.config), std::move(bulk.interner),
                                     std::move(bulk.model))) {
  s_->junk = std::move(bulk.junk);
  std::sort(s_->junk.begin(), s_->junk.end());
  s_->LoadBulk(std::move(bulk.records), bulk.links, bulk.link_levels, bulk.profiles);
}

LiveGraph::~LiveGraph() = default;

const Config& LiveGraph::config() const { return s_->config; }

IngestResult LiveGraph::Ingest(std::span<const IncomingRecord> batch) {
  std::lock_guard lock(s_->write_mu);
  return s_->Ingest(batch);
}

EraseResult LiveGraph::EraseProfile(ProfileId id) {
  std::lock_guard lock(s_->write_mu);
  EraseResult res;
  const ProfileViewPtr view = Profile(id);
  if (view) {
    const ProfileId ids[] = {view->id};
    s_->Erase(ids, res);
  }
  return res;
}

EraseResult LiveGraph::EraseIdentifier(std::string_view kind, std::string_view raw_value) {
  std::lock_guard lock(s_->write_mu);
  EraseResult res;
  std::vector<ProfileId> ids;
  for (const ProfileViewPtr& v : Lookup(kind, raw_value).profiles) ids.push_back(v->id);
  if (!ids.empty()) s_->Erase(ids, res);
  return res;
}

LookupResult LiveGraph::Lookup(std::string_view kind, std::string_view raw_value) const {
  const std::optional<KindId> k = s_->config.FindKind(kind);
  IDG_REQUIRE(k.has_value(), "unknown identifier kind '" + std::string(kind) + "'");
  LookupResult res;
  const NormResult n = s_->norm.Normalize(s_->config.kinds[*k].normalizer, raw_value, res.normalized);
  if (n.status != NormStatus::kOk) {
    res.normalized.clear();
    return res;
  }
  const std::optional<IdentifierId> id = s_->interner->Find(*k, res.normalized);
  if (!id || *id >= s_->published_identifiers.load(std::memory_order_acquire)) return res;
  // A publication may move the identifier between reading its profiles and their views:
  // read again until every view holds it.
  const std::string_view kind_name = s_->config.kinds[*k].name;
  for (int attempt = 0; attempt < (1 << 20); ++attempt) {
    res.profiles.clear();
    bool torn = false;
    for (ProfileId p : s_->ProfilesOfIdentifier(*id)) {
      ProfileViewPtr v = Profile(p);
      if (!v) continue;
      if (!LiveState::Holds(*v, kind_name, res.normalized)) {
        torn = true;
        break;
      }
      res.profiles.push_back(std::move(v));
    }
    if (!torn) break;
    std::this_thread::yield();
  }
  std::sort(res.profiles.begin(), res.profiles.end(),
            [](const ProfileViewPtr& a, const ProfileViewPtr& b) { return a->id < b->id; });
  res.profiles.erase(std::unique(res.profiles.begin(), res.profiles.end()), res.profiles.end());
  return res;
}

ProfileViewPtr LiveGraph::Profile(ProfileId id) const { return s_->View(id); }

ProfileId LiveGraph::ProfileOfRecord(std::string_view source, std::string_view id) const {
  const std::optional<SourceId> src = s_->config.FindSource(source);
  IDG_REQUIRE(src.has_value(), "unknown source '" + std::string(source) + "'");
  const auto found = s_->FindRecord(*src, id);
  return found ? found->first->id : kNoProfile;
}

std::optional<Explanation> LiveGraph::Explain(std::string_view source_a, std::string_view id_a,
                                              std::string_view source_b,
                                              std::string_view id_b) const {
  const std::optional<SourceId> sa = s_->config.FindSource(source_a);
  const std::optional<SourceId> sb = s_->config.FindSource(source_b);
  IDG_REQUIRE(sa.has_value(), "unknown source '" + std::string(source_a) + "'");
  IDG_REQUIRE(sb.has_value(), "unknown source '" + std::string(source_b) + "'");
  const auto a = s_->FindRecord(*sa, id_a);
  const auto b = s_->FindRecord(*sb, id_b);
  if (!a || !b || a->first != b->first) return std::nullopt;
  Explanation e{a->first, a->second, b->second, TreePath(*a->first, a->second, b->second)};
  if (a->second != b->second && e.edges.empty()) return std::nullopt;
  return e;
}

GraphStats LiveGraph::Stats(size_t largest) const {
  std::shared_ptr<const GraphStats> snap = s_->stats.load(std::memory_order_acquire);
  GraphStats st = *snap;
  if (st.largest.size() > largest) st.largest.resize(largest);
  return st;
}

SegmentQuery LiveGraph::ParseSegment(std::string_view text) const {
  return SegmentQuery::Parse(text, s_->config, s_->norm);
}

uint64_t LiveGraph::SegmentCount(const SegmentQuery& query) const {
  return s_->segments.Count(query, TodayUtc());
}

SegmentPage LiveGraph::SegmentMembers(const SegmentQuery& query, ProfileId after,
                                      uint32_t limit) const {
  return s_->segments.Members(query, TodayUtc(), after, limit);
}

SegmentIndexStats LiveGraph::SegmentStats() const { return s_->segments.Stats(); }

const SegmentIndex& LiveGraph::segments() const { return s_->segments; }

}  // namespace idg
