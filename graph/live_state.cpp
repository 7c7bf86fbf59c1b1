#include "graph/live_state.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <ctime>

#include "base/error.h"
#include "graph/matcher.h"
#include "match/similarity_common.h"

namespace idg::detail {
namespace {

std::string_view Trim(std::string_view v) {
  const size_t b = v.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return v.substr(b, v.find_last_not_of(" \t\r\n") + 1 - b);
}

}  // namespace

uint64_t ValueHash(std::string_view v) { return XXH3_64bits(v.data(), v.size()); }

uint64_t RecordKeyHash(SourceId source, std::string_view id) {
  return XXH3_64bits_withSeed(id.data(), id.size(), source);
}

LiveState::LiveState(Config c, std::unique_ptr<Interner> in,
                     std::optional<FellegiSunterModel> model)
    : config(std::move(c)),
      interner(std::move(in)),
      norm(config.engine),
      segments(config),
      model_(std::move(model)) {
  for (KindId k = 0; k < config.kinds.size(); ++k) {
    for (const std::string& j : config.kinds[k].junk) {
      junk.push_back(interner->Intern(k, j, /*count=*/false));
    }
  }
  std::sort(junk.begin(), junk.end());
  matching_ = config.matching.enabled && model_.has_value();
  if (matching_) {
    AdoptModel();
    blocks_.resize(block_rules_.size());
    tf_counts_.resize(compare_rules_.size());
    tf_present_.assign(compare_rules_.size(), 0);
  }
  stats.store(std::make_shared<GraphStats>());
}

// ---- ingest ------------------------------------------------------------------------------

IngestResult LiveState::Ingest(std::span<const IncomingRecord> batch) {
  IngestResult res;
  res.profiles.assign(batch.size(), kNoProfile);
  RecordBatch rb;
  std::vector<uint32_t> taken;  // batch index of each record appended
  std::string value;
  struct Norm {
    bool ident;
    uint16_t target;
    std::string value;
  };
  std::vector<Norm> values;
  for (uint32_t i = 0; i < batch.size(); ++i) {
    const IncomingRecord& in = batch[i];
    auto reject = [&](std::string field, std::string reason) {
      res.issues.push_back({i, std::move(field), std::move(reason), true});
    };
    const std::optional<SourceId> src = config.FindSource(in.source);
    if (!src) {
      reject("source", "unknown source '" + in.source + "'");
      continue;
    }
    const std::string_view id = Trim(in.id);
    if (id.empty()) {
      reject("id", "missing source record id");
      continue;
    }
    const bool strict = config.sources[*src].on_bad_value == BadValuePolicy::kRejectRow;
    values.clear();
    bool ok = true;
    for (int pass = 0; pass < 2 && ok; ++pass) {
      const auto& fields = pass == 0 ? in.identifiers : in.attributes;
      for (const auto& [name, raw] : fields) {
        const auto kind = pass == 0 ? config.FindKind(name) : std::nullopt;
        const auto attr = pass == 1 ? config.FindAttribute(name) : std::nullopt;
        if (!kind && !attr) {
          reject(name, pass == 0 ? "unknown identifier kind" : "unknown attribute");
          ok = false;
          break;
        }
        const Normalizer n = kind ? config.kinds[*kind].normalizer : config.attributes[*attr].normalizer;
        const NormResult r = norm.Normalize(n, raw, value);
        if (r.status == NormStatus::kEmpty) continue;
        if (r.status == NormStatus::kInvalid) {
          if (strict) {
            reject(name, r.reason);
            ok = false;
            break;
          }
          res.issues.push_back({i, name, r.reason, false});
          continue;
        }
        if (value.size() > Interner::kMaxValueBytes) {
          reject(name, "value longer than 65535 bytes");
          ok = false;
          break;
        }
        values.push_back({pass == 0, kind ? *kind : *attr, value});
      }
    }
    if (!ok) continue;
    rb.source.push_back(*src);
    rb.source_record_id.push_back(strings_.Add(id));
    rb.timestamp.push_back(in.timestamp);
    const size_t first_ident = rb.idents.size();
    for (const Norm& v : values) {
      if (!v.ident) {
        rb.attrs.push_back({v.target, strings_.Add(v.value)});
        continue;
      }
      const IdentifierId x = interner->Intern(v.target, v.value, /*count=*/false);
      if (std::find(rb.idents.begin() + first_ident, rb.idents.end(), x) == rb.idents.end()) {
        rb.idents.push_back(x);
      }
    }
    rb.EndRecord();
    taken.push_back(i);
  }
  if (taken.empty()) return res;
  // Counted only now, once per record, so that rejected records count nothing.
  for (IdentifierId x : rb.idents) interner->Count(x);
  const auto first = static_cast<RecordId>(records_.size());
  std::vector<RecordBatch> one;
  one.push_back(std::move(rb));
  records_.Append(std::move(one));
  GrowTo(records_.size());
  ingested_ += taken.size();
  std::vector<RecordId> dirty;
  for (RecordId r = first; r < records_.size(); ++r) Connect(r, dirty, res.fuzzy_links);
  Changes changes;
  Resolve(std::move(dirty), changes);
  for (size_t j = 0; j < taken.size(); ++j) res.profiles[taken[j]] = profile_of_[first + j];
  for (RecordId r = first; r < records_.size(); ++r) {
    record_keys_.insert({RecordKeyHash(records_.source(r), records_.source_record_id(r)), r});
  }
  res.merges = std::move(changes.merges);
  res.splits = std::move(changes.splits);
  FlushSegments();
  PublishStats();
  return res;
}

void LiveState::GrowTo(size_t n) {
  erased_.resize(n, 0);
  profile_of_.resize(n, kNoProfile);
  links_of_.resize(n);
  const size_t old = reach_parent_.size();
  reach_parent_.resize(n);
  reach_next_.resize(n);
  for (size_t r = old; r < n; ++r) reach_parent_[r] = reach_next_[r] = static_cast<RecordId>(r);
  block_key_.resize(n * block_rules_.size(), 0);
  holders_.resize(interner->size());
  if (interner->size() > 0) ident_profile_.EnsureUpTo(interner->size() - 1);
  if (n > 0) record_profile_.EnsureUpTo(n - 1);
}

// Links record r to what it shares identifiers and blocks with, in the reach sets and the
// fuzzy links, and notes which reach sets need resolving again.
void LiveState::Connect(RecordId r, std::vector<RecordId>& dirty, uint64_t& fuzzy_links) {
  for (IdentifierId x : records_.identifiers(r)) {
    std::vector<RecordId>& h = holders_[x];
    if (h.empty()) ++live_identifiers_;
    const KindConfig& kind = config.kinds[interner->kind(x)];
    if (kind.deterministic && !h.empty() && !std::binary_search(junk.begin(), junk.end(), x)) {
      const uint32_t count = interner->count(x);
      if (kind.max_records == 0 || count <= kind.max_records) {
        ReachUnite(r, h.front());
      } else {
        dirty.push_back(h.front());  // over its cap, maybe just now: its links end
      }
    }
    h.push_back(r);
  }
  if (matching_) {
    std::vector<std::string_view> row(config.attributes.size());
    for (const AttrValue& a : records_.attributes(r)) {
      if (row[a.attr].empty()) row[a.attr] = a.value;
    }
    for (size_t k = 0; k < compare_rules_.size(); ++k) {
      if (!config.matching.comparisons[k].term_frequency) continue;
      const std::string_view v = row[config.matching.comparisons[k].attr];
      if (v.empty()) continue;
      ++tf_counts_[k][ValueHash(v.substr(0, kSimilarityMaxLen))];
      ++tf_present_[k];
    }
    std::vector<RecordId> seen;
    std::string buf;
    const uint32_t cap = config.matching.max_block_size;
    for (size_t rule = 0; rule < block_rules_.size(); ++rule) {
      const uint64_t key = BlockKey(block_rules_[rule], row, buf);
      block_key_[size_t{r} * block_rules_.size() + rule] = key;
      if (key == 0) continue;
      std::vector<RecordId>& block = blocks_[rule][key];
      block.push_back(r);
      if (block.size() <= cap) {
        ScoreAgainst(r, std::span<const RecordId>(block).first(block.size() - 1), seen,
                     fuzzy_links);
      } else if (block.size() == cap + 1) {
        DropBlockPairs(rule, std::span<const RecordId>(block).first(cap), dirty);
      }
    }
  }
  dirty.push_back(r);
}

void LiveState::ScoreAgainst(RecordId r, std::span<const RecordId> others,
                             std::vector<RecordId>& seen, uint64_t& fuzzy_links) {
  std::vector<uint8_t> levels(compare_rules_.size());
  for (RecordId q : others) {
    if (std::find(seen.begin(), seen.end(), q) != seen.end()) continue;
    seen.push_back(q);
    const int64_t score = Score(q, r, levels.data());
    if (score < min_score_) continue;
    AddLink(q, r, score, levels.data());
    ReachUnite(q, r);
    ++fuzzy_links;
  }
}

std::string_view LiveState::Column(RecordId r, AttrId attr) const {
  for (const AttrValue& a : records_.attributes(r)) {
    if (a.attr == attr) return a.value;
  }
  return {};
}

// As kernels/score_pair.h ScorePair on the packed columns: values cut to the similarity cap,
// exact agreement on a term-frequency comparison weighs by the value's current frequency.
int64_t LiveState::Score(RecordId a, RecordId b, uint8_t* levels) const {
  int64_t score = 0;
  for (size_t k = 0; k < compare_rules_.size(); ++k) {
    const auto& cmp = config.matching.comparisons[k];
    const std::string_view va = Column(a, cmp.attr).substr(0, kSimilarityMaxLen);
    const std::string_view vb = Column(b, cmp.attr).substr(0, kSimilarityMaxLen);
    const uint8_t lv = CompareLevel(compare_rules_[k], Str{va.data(), uint32_t(va.size())},
                                    Str{vb.data(), uint32_t(vb.size())});
    levels[k] = lv;
    if (lv == kNullLevel) continue;
    if (lv == 0 && cmp.term_frequency) {
      const auto it = tf_counts_[k].find(ValueHash(va));
      const double f = it == tf_counts_[k].end() ? 0.0 : double(it->second) / tf_present_[k];
      score += model_->TermFrequencyWeight(k, 0, f);
    } else {
      score += weights_[k][lv];
    }
  }
  return score;
}

void LiveState::AddLink(RecordId a, RecordId b, int64_t score, const uint8_t* levels) {
  if (a > b) std::swap(a, b);
  const auto li = static_cast<uint32_t>(links_.size());
  links_.push_back({a, b, score, static_cast<uint32_t>(link_levels_.size())});
  link_levels_.insert(link_levels_.end(), levels, levels + compare_rules_.size());
  links_of_[a].push_back(li);
  links_of_[b].push_back(li);
  ++live_links_;
}

bool LiveState::RemoveLink(RecordId a, RecordId b) {
  if (a > b) std::swap(a, b);
  for (uint32_t li : links_of_[a]) {
    Link& l = links_[li];
    if (l.b != b || l.a != a) continue;
    for (RecordId end : {a, b}) std::erase(links_of_[end], li);
    l.a = l.b = kNoRecord;
    --live_links_;
    return true;
  }
  return false;
}

bool LiveState::OtherRuleBlocks(size_t rule, RecordId a, RecordId b) const {
  const size_t rules = block_rules_.size();
  for (size_t k = 0; k < rules; ++k) {
    if (k == rule) continue;
    const uint64_t ka = block_key_[size_t{a} * rules + k];
    if (ka == 0 || ka != block_key_[size_t{b} * rules + k]) continue;
    const auto it = blocks_[k].find(ka);
    if (it->second.size() <= config.matching.max_block_size) return true;
  }
  return false;
}

void LiveState::DropBlockPairs(size_t rule, std::span<const RecordId> block,
                               std::vector<RecordId>& dirty) {
  for (size_t i = 0; i < block.size(); ++i) {
    for (size_t j = i + 1; j < block.size(); ++j) {
      if (!OtherRuleBlocks(rule, block[i], block[j]) && RemoveLink(block[i], block[j])) {
        dirty.push_back(block[i]);
      }
    }
  }
}

void LiveState::ScoreBlockPairs(std::span<const RecordId> block, std::vector<RecordId>& dirty) {
  std::vector<uint8_t> levels(compare_rules_.size());
  for (size_t i = 0; i < block.size(); ++i) {
    for (size_t j = i + 1; j < block.size(); ++j) {
      const RecordId a = std::min(block[i], block[j]), b = std::max(block[i], block[j]);
      bool known = false;
      for (uint32_t li : links_of_[a]) known |= links_[li].b == b;
      if (known) continue;
      const int64_t score = Score(a, b, levels.data());
      if (score < min_score_) continue;
      AddLink(a, b, score, levels.data());
      ReachUnite(a, b);
      dirty.push_back(a);
    }
  }
}

RecordId LiveState::ReachFind(RecordId x) {
  while (reach_parent_[x] != x) x = reach_parent_[x] = reach_parent_[reach_parent_[x]];
  return x;
}

void LiveState::ReachUnite(RecordId a, RecordId b) {
  a = ReachFind(a);
  b = ReachFind(b);
  if (a == b) return;
  if (a < b) std::swap(a, b);
  reach_parent_[a] = b;
  std::swap(reach_next_[a], reach_next_[b]);  // splices the two member rings into one
}

}  // namespace idg::detail
