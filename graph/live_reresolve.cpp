// Bulk re-resolution of the live graph (live_graph.h LiveGraph::Reresolve), under the write
// lock: a model trained again on the live records (optional), every candidate pair of the block
// index scored again, the fuzzy links and reach sets rebuilt, and every reach set resolved
// again through Resolve, which keeps profile ids stable and publishes only what changed.
//
// Reach sets are rebuilt from today's potential links and, besides, each profile's records
// are put together: every profile before and every cluster after then lies within one reach
// set, so resolving the sets one at a time keeps the ids a resolve of everything at once would
// (graph/profiles.h), and readers see each profile whole, before or after.
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <tuple>
#include <unordered_map>

#include "base/error.h"
#include "graph/live_state.h"
#include "graph/matcher.h"
#include "match/similarity_common.h"

namespace idg {

ReresolveReport LiveGraph::Reresolve(const ReresolveOptions& options) {
  std::lock_guard lock(s_->write_mu);
  return s_->Reresolve(options);
}

namespace detail {
namespace {

// A block that gives candidate pairs (within the size cap): its records, ascending.
struct CandidateBlock {
  const std::vector<RecordId>* records;
  uint32_t rule;
};

// Links one thread found: pairs and their levels (links × comparisons).
struct FoundLinks {
  std::vector<FuzzyLink> links;
  std::vector<uint8_t> levels;
};

// A link with its levels (one per comparison) borrowed, for sorting and comparing.
struct LinkRef {
  RecordId a, b;  // a < b
  int64_t score;
  const uint8_t* levels;
};

void SortByPair(std::vector<LinkRef>& links) {
  std::sort(links.begin(), links.end(), [](const LinkRef& x, const LinkRef& y) {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
}

// Marks the records of links in one list and not the other, or whose score or levels differ.
// `old_links`, `new_links`: sorted by pair.
void MarkChanged(std::span<const LinkRef> old_links, std::span<const LinkRef> new_links,
                 size_t comparisons, std::vector<uint8_t>& changed) {
  size_t i = 0, j = 0;
  while (i < old_links.size() || j < new_links.size()) {
    const LinkRef* o = i < old_links.size() ? &old_links[i] : nullptr;
    const LinkRef* n = j < new_links.size() ? &new_links[j] : nullptr;
    if (o && n && o->a == n->a && o->b == n->b) {
      if (o->score != n->score || !std::equal(o->levels, o->levels + comparisons, n->levels)) {
        changed[o->a] = changed[o->b] = 1;
      }
      ++i;
      ++j;
    } else if (!n || (o && std::tie(o->a, o->b) < std::tie(n->a, n->b))) {
      changed[o->a] = changed[o->b] = 1;
      ++i;
    } else {
      changed[n->a] = changed[n->b] = 1;
      ++j;
    }
  }
}

void Report(const ReresolveOptions& options, const char* stage, uint64_t done, uint64_t total) {
  if (options.progress) options.progress(stage, done, total);
}

// Steps of 1/64 of `n` (at least one), so that progress moves in small steps.
size_t StepOf(size_t n) { return std::max<size_t>(1, (n + 63) / 64); }

}  // namespace

ReresolveReport LiveState::Reresolve(const ReresolveOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ReresolveReport report;
  report.records = records_.size() - erased_records_;
  report.profiles_before = by_size_.size();
  report.fuzzy_links_before = live_links_;
  if (options.retrain) {
    IDG_REQUIRE(config.matching.enabled,
                "re-resolution with retraining needs a [matching] section in the config");
    Report(options, "train", 0, 1);
    MatchStats trained;
    FellegiSunterModel model = TrainModel(config, LiveAttributes(), &trained);
    UseModel(std::move(model));
    report.retrained = true;
    report.em_iterations = trained.em_iterations;
    report.em_converged = trained.em_converged;
    Report(options, "train", 1, 1);
  }
  const std::vector<RecordId> edges_changed =
      matching_ ? Rescore(options.retrain, options) : std::vector<RecordId>{};
  RebuildReach();
  const std::vector<std::pair<ProfileId, ProfileViewPtr>> before = ViewsOf(edges_changed);
  Changes changes;
  ResolveAll(changes, options);
  RepublishUnchanged(before);
  FlushSegments();
  PublishStats();
  report.merges = std::move(changes.merges);
  report.splits = std::move(changes.splits);
  report.profiles_after = by_size_.size();
  report.fuzzy_links_after = live_links_;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

// ---- the model ---------------------------------------------------------------------------

void LiveState::AdoptModel() {
  CheckModelFitsConfig(config, *model_);
  block_rules_ = BlockingRulesOf(config);
  compare_rules_ = ComparisonRulesOf(config);
  weights_.assign(compare_rules_.size(), {});
  for (size_t k = 0; k < compare_rules_.size(); ++k) {
    for (size_t l = 0; l < model_->comparisons[k].m.size(); ++l) {
      weights_[k].push_back(model_->Weight(k, static_cast<uint8_t>(l)));
    }
  }
  min_score_ = model_->ScoreForProbability(config.matching.threshold);
  clustering_.strict = config.matching.strict_clustering;
  clustering_.base_score = min_score_;
}

void LiveState::UseModel(FellegiSunterModel model) {
  // Moving keeps the strings where they are (a vector's move takes its buffer along).
  if (model_) {
    retired_models_.push_back(std::make_unique<const FellegiSunterModel>(std::move(*model_)));
  }
  model_.reset();
  model_.emplace(std::move(model));
  const bool indexed = matching_;
  matching_ = true;
  AdoptModel();
  if (!indexed) IndexForMatching();
}

// The block index and term-frequency counts of the live records, built whole: at load, and
// when a graph that had no model (and so kept none) gets one.
void LiveState::IndexForMatching() {
  const size_t rules = block_rules_.size(), comparisons = compare_rules_.size();
  blocks_.assign(rules, {});
  block_key_.assign(records_.size() * rules, 0);
  tf_counts_.assign(comparisons, {});
  tf_present_.assign(comparisons, 0);
  std::vector<std::string_view> row(config.attributes.size());
  std::string buf;
  for (RecordId r = 0; r < records_.size(); ++r) {
    if (erased_[r]) continue;
    std::fill(row.begin(), row.end(), std::string_view());
    for (const AttrValue& a : records_.attributes(r)) {
      if (row[a.attr].empty()) row[a.attr] = a.value;
    }
    for (size_t k = 0; k < comparisons; ++k) {
      const auto& cmp = config.matching.comparisons[k];
      const std::string_view v = row[cmp.attr].substr(0, kSimilarityMaxLen);
      if (!cmp.term_frequency || v.empty()) continue;
      ++tf_counts_[k][ValueHash(v)];
      ++tf_present_[k];
    }
    for (size_t rule = 0; rule < rules; ++rule) {
      const uint64_t key = BlockKey(block_rules_[rule], row, buf);
      block_key_[size_t{r} * rules + rule] = key;
      if (key != 0) blocks_[rule][key].push_back(r);
    }
  }
}

// The live records' attributes in record order, erased ones (their values wiped) left out:
// what the bulk job would train on. Views into records_, valid while the write lock is held.
RecordStore LiveState::LiveAttributes() const {
  std::vector<RecordBatch> batches(1);
  RecordBatch& b = batches[0];
  for (RecordId r = 0; r < records_.size(); ++r) {
    if (erased_[r]) continue;
    b.source.push_back(records_.source(r));
    b.source_record_id.push_back(records_.source_record_id(r));
    b.timestamp.push_back(records_.timestamp(r));
    for (const AttrValue& a : records_.attributes(r)) b.attrs.push_back(a);
    b.EndRecord();
  }
  RecordStore store;
  store.Append(std::move(batches));
  return store;
}

// ---- fuzzy links -------------------------------------------------------------------------

// Scores every candidate pair again: the pairs of blocks within the size cap, each pair once
// (under the first rule whose block holds it), as bulk blocking gives them. Replaces the fuzzy
// links and returns the records whose links changed; all records with a link before or after
// when `model_changed` (their probabilities did).
std::vector<RecordId> LiveState::Rescore(bool model_changed, const ReresolveOptions& options) {
  const size_t rules = block_rules_.size(), comparisons = compare_rules_.size();
  const uint32_t cap = config.matching.max_block_size;
  std::vector<CandidateBlock> blocks;
  std::vector<uint8_t> gives(records_.size() * rules, 0);  // record × rule: its block gives pairs
  for (uint32_t rule = 0; rule < rules; ++rule) {
    for (const auto& [key, members] : blocks_[rule]) {
      if (members.size() < 2 || members.size() > cap) continue;
      blocks.push_back({&members, rule});
      for (RecordId r : members) gives[size_t{r} * rules + rule] = 1;
    }
  }
  auto earlier_rule_holds = [&](uint32_t rule, RecordId a, RecordId b) {
    for (uint32_t k = 0; k < rule; ++k) {
      const size_t at = size_t{a} * rules + k;
      if (gives[at] && block_key_[at] == block_key_[size_t{b} * rules + k]) return true;
    }
    return false;
  };
  tbb::enumerable_thread_specific<FoundLinks> found;
  auto score_block = [&](const CandidateBlock& block, std::vector<uint8_t>& levels) {
    FoundLinks& out = found.local();
    const std::vector<RecordId>& recs = *block.records;
    for (size_t i = 0; i < recs.size(); ++i) {
      for (size_t j = i + 1; j < recs.size(); ++j) {
        const RecordId a = std::min(recs[i], recs[j]), b = std::max(recs[i], recs[j]);
        if (earlier_rule_holds(block.rule, a, b)) continue;
        const int64_t score = Score(a, b, levels.data());
        if (score < min_score_) continue;
        out.links.push_back({a, b, score});
        out.levels.insert(out.levels.end(), levels.begin(), levels.end());
      }
    }
  };
  const size_t step = StepOf(blocks.size());
  for (size_t begin = 0; begin < blocks.size(); begin += step) {
    const size_t end = std::min(blocks.size(), begin + step);
    tbb::parallel_for(tbb::blocked_range<size_t>(begin, end), [&](const auto& range) {
      std::vector<uint8_t> levels(comparisons);
      for (size_t i = range.begin(); i < range.end(); ++i) score_block(blocks[i], levels);
    });
    Report(options, "score", end, blocks.size());
  }

  std::vector<LinkRef> old_links, new_links;
  for (const Link& l : links_) {
    if (l.a != kNoRecord) old_links.push_back({l.a, l.b, l.score, link_levels_.data() + l.levels});
  }
  for (const FoundLinks& f : found) {
    for (size_t i = 0; i < f.links.size(); ++i) {
      const FuzzyLink& l = f.links[i];
      new_links.push_back({l.a, l.b, l.score, f.levels.data() + i * comparisons});
    }
  }
  SortByPair(old_links);
  SortByPair(new_links);
  std::vector<uint8_t> changed(records_.size(), 0);
  if (model_changed) {
    for (const auto* list : {&old_links, &new_links}) {
      for (const LinkRef& l : *list) changed[l.a] = changed[l.b] = 1;
    }
  } else {
    MarkChanged(old_links, new_links, comparisons, changed);
  }
  for (const LinkRef& l : old_links) {
    links_of_[l.a].clear();
    links_of_[l.b].clear();
  }
  links_.clear();
  link_levels_.clear();
  live_links_ = 0;
  for (const LinkRef& l : new_links) AddLink(l.a, l.b, l.score, l.levels);
  std::vector<RecordId> out;
  for (RecordId r = 0; r < changed.size(); ++r) {
    if (changed[r]) out.push_back(r);
  }
  return out;
}

// ---- reach sets and resolution -----------------------------------------------------------

bool LiveState::LinksRecords(IdentifierId x) const {
  const KindConfig& kind = config.kinds[interner->kind(x)];
  return kind.deterministic && !std::binary_search(junk.begin(), junk.end(), x) &&
         (kind.max_records == 0 || interner->count(x) <= kind.max_records);
}

void LiveState::RebuildReach() {
  for (RecordId r = 0; r < reach_parent_.size(); ++r) reach_parent_[r] = reach_next_[r] = r;
  for (IdentifierId x = 0; x < holders_.size(); ++x) {
    const std::vector<RecordId>& h = holders_[x];
    if (h.size() < 2 || !LinksRecords(x)) continue;
    for (size_t i = 1; i < h.size(); ++i) ReachUnite(h[0], h[i]);
  }
  for (const Link& l : links_) {
    if (l.a != kNoRecord) ReachUnite(l.a, l.b);
  }
  std::unordered_map<ProfileId, RecordId> first;  // per profile: its first record
  for (RecordId r = 0; r < records_.size(); ++r) {
    if (erased_[r]) continue;
    const auto [it, fresh] = first.try_emplace(profile_of_[r], r);
    if (!fresh) ReachUnite(it->second, r);
  }
}

// Every reach set through Resolve, kResolveSlice at a time. Resolve publishes the profile of an
// identifier whose records moved after the views of its whole call: a reader that meanwhile
// finds a view without it retries (LiveGraph::Lookup), so a call stays small whatever the size
// of the graph.
void LiveState::ResolveAll(Changes& changes, const ReresolveOptions& options) {
  constexpr size_t kResolveSlice = 1024;  // reach sets
  std::vector<RecordId> roots;
  for (RecordId r = 0; r < records_.size(); ++r) {
    if (!erased_[r] && ReachFind(r) == r) roots.push_back(r);
  }
  Report(options, "resolve", 0, roots.size());
  for (size_t begin = 0; begin < roots.size(); begin += kResolveSlice) {
    const size_t end = std::min(roots.size(), begin + kResolveSlice);
    Resolve(std::vector<RecordId>(roots.begin() + begin, roots.begin() + end), changes);
    Report(options, "resolve", end, roots.size());
  }
}

// The profiles holding `records` now, with their views.
std::vector<std::pair<ProfileId, ProfileViewPtr>> LiveState::ViewsOf(
    std::span<const RecordId> records) {
  std::vector<ProfileId> ids;
  for (RecordId r : records) {
    if (!erased_[r]) ids.push_back(profile_of_[r]);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<std::pair<ProfileId, ProfileViewPtr>> out;
  for (ProfileId id : ids) out.push_back({id, views_[id].load()});
  return out;
}

// Resolve publishes a profile only when its records change. Those of `views` it left as they
// were get their edges (links and model) up to date; their records, and so their segment rows,
// are the same.
void LiveState::RepublishUnchanged(std::span<const std::pair<ProfileId, ProfileViewPtr>> views) {
  std::vector<RecordId> members;
  for (const auto& [id, old] : views) {
    if (!old || views_[id].load() != old) continue;
    members.clear();
    for (const ProfileRecord& r : old->records) members.push_back(r.record);
    Publish(members, id, old->history);
  }
}

}  // namespace detail
}  // namespace idg
