#include "graph/matcher.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <span>
#include <unordered_map>

#include "base/error.h"
#include "graph/edge_gen.h"
#include "kernels/pair_scorer.h"
#include "match/comparison.h"

namespace idg {
namespace {

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// columns[a][r]: record r's first value of attribute a ("" when none).
std::vector<std::vector<std::string_view>> AttributeColumns(const Config& config,
                                                            const RecordStore& records) {
  std::vector<std::vector<std::string_view>> cols(config.attributes.size(),
                                                  std::vector<std::string_view>(records.size()));
  tbb::parallel_for(size_t{0}, records.size(), [&](size_t r) {
    for (const AttrValue& v : records.attributes(static_cast<RecordId>(r))) {
      if (cols[v.attr][r].empty()) cols[v.attr][r] = v.value;
    }
  });
  return cols;
}

ComparisonRule RuleOf(const MatchingConfig::Comparison& c) {
  ComparisonRule r;
  r.method = c.method;
  r.thresholds = static_cast<uint8_t>(c.thresholds.size());
  for (size_t i = 0; i < c.thresholds.size(); ++i) r.threshold[i] = c.thresholds[i];
  return r;
}

struct Inputs {
  std::vector<std::vector<std::string_view>> attrs;
  std::vector<std::span<const std::string_view>> compare_cols;
  std::vector<ComparisonRule> rules;
  ScoringColumns scoring() const { return {compare_cols, rules}; }
};

Inputs MakeInputs(const Config& config, const RecordStore& records) {
  IDG_REQUIRE(config.matching.enabled, "the config has no [matching] section");
  Inputs in;
  in.attrs = AttributeColumns(config, records);
  for (const auto& c : config.matching.comparisons) {
    in.compare_cols.push_back(in.attrs[c.attr]);
    in.rules.push_back(RuleOf(c));
  }
  return in;
}

BlockIndex BuildBlocks(const Config& config, const Inputs& in, size_t n) {
  std::vector<std::span<const std::string_view>> cols;
  for (const auto& c : in.attrs) cols.push_back(c);
  return BuildBlocks(cols, n, BlockingRulesOf(config), config.matching.max_block_size);
}

}  // namespace

std::vector<BlockingRule> BlockingRulesOf(const Config& config) {
  std::vector<BlockingRule> rules;
  for (const auto& r : config.matching.blocking) {
    BlockingRule br{r.name, {}};
    for (const auto& p : r.parts) br.parts.push_back({p.attr, p.transform, p.length});
    rules.push_back(std::move(br));
  }
  return rules;
}

std::vector<ComparisonRule> ComparisonRulesOf(const Config& config) {
  std::vector<ComparisonRule> rules;
  for (const auto& c : config.matching.comparisons) rules.push_back(RuleOf(c));
  return rules;
}

FellegiSunterModel UntrainedModel(const Config& config) {
  FellegiSunterModel m;
  for (const auto& c : config.matching.comparisons) {
    ComparisonModel cm;
    cm.name = config.attributes[c.attr].name;
    cm.levels = LevelNames(RuleOf(c));
    const size_t n = cm.levels.size();
    // A neutral start for EM: matches mostly agree, non-matches mostly do not.
    for (size_t l = 0; l < n; ++l) {
      cm.m.push_back(l == 0 ? 0.7 : 0.3 / double(n - 1));
      cm.u.push_back(l + 1 == n ? 0.7 : 0.3 / double(n - 1));
    }
    m.comparisons.push_back(std::move(cm));
  }
  m.prior = 0.01;
  return m;
}

void CheckModelFitsConfig(const Config& config, const FellegiSunterModel& model) {
  const auto& comps = config.matching.comparisons;
  IDG_REQUIRE(model.comparisons.size() == comps.size(),
              "the model has " + std::to_string(model.comparisons.size()) +
                  " comparisons, the config " + std::to_string(comps.size()) +
                  ": train it again with this config");
  for (size_t k = 0; k < comps.size(); ++k) {
    const auto& name = config.attributes[comps[k].attr].name;
    IDG_REQUIRE(model.comparisons[k].name == name &&
                    model.comparisons[k].m.size() == comps[k].thresholds.size() + 2,
                "comparison " + std::to_string(k + 1) + " of the model ('" +
                    model.comparisons[k].name + "') does not match the config ('" + name +
                    "'): train it again with this config");
  }
}

FellegiSunterModel TrainModel(const Config& config, const RecordStore& records,
                              MatchStats* stats) {
  MatchStats local;
  MatchStats& st = stats ? *stats : local;
  const Inputs in = MakeInputs(config, records);
  FellegiSunterModel model = UntrainedModel(config);
  const size_t n = records.size();
  IDG_REQUIRE(n >= 2, "training needs at least two records");

  auto t = std::chrono::steady_clock::now();
  // u: random pairs are nearly all non-matches.
  std::vector<std::pair<uint32_t, uint32_t>> random;
  uint64_t s = config.matching.seed;
  const uint64_t want = std::min<uint64_t>(config.matching.random_pairs, uint64_t(n) * (n - 1) / 2);
  random.reserve(want);
  while (random.size() < want) {
    const auto a = static_cast<uint32_t>(SplitMix64(s) % n);
    const auto b = static_cast<uint32_t>(SplitMix64(s) % n);
    if (a != b) random.push_back({std::min(a, b), std::max(a, b)});
  }
  st.random_pairs = random.size();
  EstimateU(CountPatterns(ComparePairs(in.scoring(), random), in.rules.size()), model);
  random = {};

  // m and the prior, by EM over the blocked pairs, one blocking rule at a time (as Splink
  // does): the pairs a rule produces all agree on its own columns, so those comparisons say
  // nothing there and are left out (treated as missing) of that rule's EM. Blocked pairs are
  // no random sample either: their non-matches agree far more often than random pairs do. So
  // EM fits both classes among a rule's pairs (u starting from the random pairs' u), and the
  // model keeps EM's m (averaged over the rules that do not block on the comparison) with
  // the random pairs' u. The prior is the expected number of matches among all candidates
  // (each counted under the first rule that produced it) over all pairs.
  auto tb = std::chrono::steady_clock::now();
  BlockIndex blocks = BuildBlocks(config, in, n);
  CountCandidates(blocks);
  st.blocking = blocks.stats;
  st.candidate_pairs = 0;
  for (const BlockingStats& b : blocks.stats) st.candidate_pairs += b.pairs;
  st.seconds_blocking = Since(tb);
  const size_t kc = in.rules.size();
  std::vector<std::vector<double>> m_sum(kc);
  std::vector<int> m_rules(kc, 0);
  double expected_matches = 0;
  for (size_t k = 0; k < kc; ++k) m_sum[k].assign(model.comparisons[k].m.size(), 0.0);
  for (size_t r = 0; r < config.matching.blocking.size(); ++r) {
    const auto& rule = config.matching.blocking[r];
    const std::vector<std::pair<uint32_t, uint32_t>> pairs = RulePairs(blocks, r);
    if (pairs.empty()) continue;
    std::vector<bool> masked(kc, false);
    for (size_t k = 0; k < kc; ++k) {
      for (const auto& part : rule.parts) masked[k] = masked[k] || part.attr == config.matching.comparisons[k].attr;
    }
    std::vector<uint8_t> levels = ComparePairs(in.scoring(), pairs);
    for (size_t i = 0; i < pairs.size(); ++i) {
      for (size_t k = 0; k < kc; ++k) {
        if (masked[k]) levels[i * kc + k] = kNullLevel;
      }
    }
    FellegiSunterModel em = model;
    EmOptions opt;
    opt.max_iterations = config.matching.em_iterations;
    opt.train_u = true;
    const EmResult res = TrainEm(CountPatterns(levels, kc), em, opt);
    st.em_iterations = std::max(st.em_iterations, res.iterations);
    st.em_converged = st.em_converged || res.converged;
    for (size_t k = 0; k < kc; ++k) {
      if (masked[k]) continue;
      for (size_t l = 0; l < m_sum[k].size(); ++l) m_sum[k][l] += em.comparisons[k].m[l];
      ++m_rules[k];
    }
    // This rule's new pairs (not found by an earlier rule) and its share of matches.
    expected_matches += em.prior * double(blocks.stats[r].pairs);
  }
  for (size_t k = 0; k < kc; ++k) {
    if (m_rules[k] == 0) continue;  // blocked on by every rule: keep the starting m
    for (size_t l = 0; l < m_sum[k].size(); ++l) model.comparisons[k].m[l] = m_sum[k][l] / m_rules[k];
  }
  const double all_pairs = double(n) * double(n - 1) / 2;
  model.prior = std::clamp(expected_matches / all_pairs, 1e-12, 0.5);
  st.seconds_training = Since(t) - st.seconds_blocking;
  return model;
}

ScoringWork PrepareScoring(const Config& config, const RecordStore& records,
                           const FellegiSunterModel& model) {
  CheckModelFitsConfig(config, model);
  const Inputs in = MakeInputs(config, records);
  ScoringWork work;
  auto t = std::chrono::steady_clock::now();
  work.blocks = BuildBlocks(config, in, records.size());
  work.seconds_blocking = Since(t);
  const auto& comps = config.matching.comparisons;
  PairWeights w;
  w.level.resize(comps.size());
  w.exact_by_record.resize(comps.size());
  for (size_t k = 0; k < comps.size(); ++k) {
    for (size_t l = 0; l < model.comparisons[k].m.size(); ++l) {
      w.level[k].push_back(model.Weight(k, static_cast<uint8_t>(l)));
    }
    if (!comps[k].term_frequency) continue;
    // Term frequencies: how often each value occurs among records that have one.
    const auto& col = in.attrs[comps[k].attr];
    std::unordered_map<std::string_view, uint32_t> freq;
    size_t present = 0;
    for (std::string_view v : col) {
      if (v.empty()) continue;
      ++freq[v];
      ++present;
    }
    w.exact_by_record[k].resize(records.size(), 0);
    for (size_t r = 0; r < col.size(); ++r) {
      if (col[r].empty()) continue;
      w.exact_by_record[k][r] =
          model.TermFrequencyWeight(k, 0, double(freq[col[r]]) / double(present));
    }
  }
  const int64_t min_score = model.ScoreForProbability(config.matching.threshold);
  work.table = MakeScoringTable(in.scoring(), w, min_score);
  return work;
}

MatchResult MatchRecords(const Config& config, const RecordStore& records,
                         const FellegiSunterModel& model, ScoreDevice device) {
  MatchResult res;
  const auto t = std::chrono::steady_clock::now();
  const ScoringWork work = PrepareScoring(config, records, model);
  const BlockIndex& blocks = work.blocks;
  res.stats.seconds_blocking = work.seconds_blocking;
  ScoredPairs scored = ScoreBlocks(work.table, blocks, device);
  res.stats.blocking = blocks.stats;
  for (size_t r = 0; r < blocks.rules(); ++r) {
    res.stats.blocking[r].pairs = scored.scored[r];
    res.stats.blocking[r].duplicate_pairs = scored.duplicates[r];
    res.stats.candidate_pairs += scored.scored[r];
  }
  res.links.reserve(scored.pairs.size());
  for (size_t i = 0; i < scored.pairs.size(); ++i) {
    res.links.push_back({scored.pairs[i].first, scored.pairs[i].second, scored.scores[i]});
  }
  res.levels = std::move(scored.levels);
  res.stats.links = res.links.size();
  res.stats.device = std::move(scored.device);
  res.stats.device_note = std::move(scored.note);
  res.stats.seconds_scoring = Since(t) - res.stats.seconds_blocking;
  return res;
}

}  // namespace idg
