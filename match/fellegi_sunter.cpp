#include "match/fellegi_sunter.h"

#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/error.h"

namespace idg {
namespace {

int32_t ToFixed(double bits) { return static_cast<int32_t>(std::lround(bits * kWeightOne)); }

void Normalize(std::vector<double>& p, double floor) {
  for (double& x : p) x = std::max(x, floor);
  const double sum = std::accumulate(p.begin(), p.end(), 0.0);
  for (double& x : p) x /= sum;
}

void CheckShape(const PatternCounts& patterns, const FellegiSunterModel& model) {
  IDG_REQUIRE(patterns.comparisons == model.comparisons.size(),
              "comparison vectors have " + std::to_string(patterns.comparisons) +
                  " comparisons, the model " + std::to_string(model.comparisons.size()));
  for (size_t i = 0; i < patterns.size(); ++i) {
    for (size_t k = 0; k < patterns.comparisons; ++k) {
      const uint8_t l = patterns.pattern(i)[k];
      IDG_REQUIRE(l == kNullLevel || l < model.comparisons[k].m.size(),
                  "level " + std::to_string(l) + " out of range for comparison '" +
                      model.comparisons[k].name + "'");
    }
  }
}

}  // namespace

int32_t FellegiSunterModel::Weight(size_t k, uint8_t level) const {
  if (level == kNullLevel) return 0;
  const ComparisonModel& c = comparisons[k];
  return ToFixed(std::log2(c.m[level] / c.u[level]));
}

int32_t FellegiSunterModel::TermFrequencyWeight(size_t k, uint8_t level, double frequency) const {
  if (level == kNullLevel) return 0;
  const ComparisonModel& c = comparisons[k];
  // Agreeing on a value of this frequency by chance has probability about `frequency`.
  return ToFixed(std::log2(c.m[level] / std::max(frequency, 1e-9)));
}

int64_t FellegiSunterModel::Score(std::span<const uint8_t> levels) const {
  IDG_ASSERT(levels.size() == comparisons.size());
  int64_t s = 0;
  for (size_t k = 0; k < levels.size(); ++k) s += Weight(k, levels[k]);
  return s;
}

double FellegiSunterModel::MatchProbability(int64_t score) const {
  const double bits = std::log2(prior / (1 - prior)) + double(score) / kWeightOne;
  return 1.0 / (1.0 + std::exp2(-bits));
}

int64_t FellegiSunterModel::ScoreForProbability(double p) const {
  IDG_REQUIRE(p > 0 && p < 1, "a match probability threshold must lie strictly between 0 and 1");
  const double bits = std::log2(p / (1 - p)) - std::log2(prior / (1 - prior));
  return std::llround(bits * kWeightOne);
}

PatternCounts CountPatterns(std::span<const uint8_t> vectors, size_t comparisons) {
  IDG_REQUIRE(comparisons > 0 && vectors.size() % comparisons == 0,
              "comparison vectors must be pairs x comparisons levels");
  const size_t n = vectors.size() / comparisons;
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  auto row = [&](uint32_t i) { return vectors.subspan(size_t{i} * comparisons, comparisons); };
  tbb::parallel_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const auto ra = row(a), rb = row(b);
    return std::lexicographical_compare(ra.begin(), ra.end(), rb.begin(), rb.end());
  });
  PatternCounts p;
  p.comparisons = comparisons;
  for (size_t i = 0; i < n;) {
    size_t e = i + 1;
    while (e < n && std::equal(row(order[e]).begin(), row(order[e]).end(), row(order[i]).begin())) {
      ++e;
    }
    const auto r = row(order[i]);
    p.levels.insert(p.levels.end(), r.begin(), r.end());
    p.counts.push_back(e - i);
    i = e;
  }
  return p;
}

EmResult TrainEm(const PatternCounts& patterns, FellegiSunterModel& model,
                 const EmOptions& options) {
  CheckShape(patterns, model);
  const size_t kc = patterns.comparisons;
  EmResult result;
  uint64_t total = 0;
  for (uint64_t c : patterns.counts) total += c;
  IDG_REQUIRE(total > 0, "EM needs at least one comparison vector");
  std::vector<double> posterior(patterns.size());
  for (result.iterations = 1; result.iterations <= options.max_iterations; ++result.iterations) {
    // E step: P(match | pattern) under the current parameters, in log space for stability.
    const double log_prior_m = std::log(model.prior), log_prior_u = std::log(1 - model.prior);
    double log_likelihood = 0, expected_matches = 0;
    for (size_t i = 0; i < patterns.size(); ++i) {
      double lm = log_prior_m, lu = log_prior_u;
      const auto levels = patterns.pattern(i);
      for (size_t k = 0; k < kc; ++k) {
        if (levels[k] == kNullLevel) continue;
        lm += std::log(model.comparisons[k].m[levels[k]]);
        lu += std::log(model.comparisons[k].u[levels[k]]);
      }
      const double top = std::max(lm, lu);
      const double norm = top + std::log(std::exp(lm - top) + std::exp(lu - top));
      posterior[i] = std::exp(lm - norm);
      log_likelihood += double(patterns.counts[i]) * norm;
      expected_matches += double(patterns.counts[i]) * posterior[i];
    }
    result.log_likelihood = log_likelihood;
    // M step: level frequencies weighted by the posteriors.
    double change = 0;
    const double prior = std::clamp(expected_matches / double(total), options.floor, 1 - options.floor);
    change = std::max(change, std::abs(prior - model.prior));
    model.prior = prior;
    for (size_t k = 0; k < kc; ++k) {
      ComparisonModel& c = model.comparisons[k];
      std::vector<double> m(c.m.size(), 0.0), u(c.u.size(), 0.0);
      for (size_t i = 0; i < patterns.size(); ++i) {
        const uint8_t l = patterns.pattern(i)[k];
        if (l == kNullLevel) continue;
        m[l] += double(patterns.counts[i]) * posterior[i];
        u[l] += double(patterns.counts[i]) * (1 - posterior[i]);
      }
      Normalize(m, options.floor);
      for (size_t l = 0; l < m.size(); ++l) change = std::max(change, std::abs(m[l] - c.m[l]));
      c.m = std::move(m);
      if (options.train_u) {
        Normalize(u, options.floor);
        for (size_t l = 0; l < u.size(); ++l) change = std::max(change, std::abs(u[l] - c.u[l]));
        c.u = std::move(u);
      }
    }
    if (change < options.tolerance) {
      result.converged = true;
      break;
    }
  }
  result.iterations = std::min(result.iterations, options.max_iterations);
  return result;
}

void EstimateU(const PatternCounts& random_pairs, FellegiSunterModel& model, double floor) {
  CheckShape(random_pairs, model);
  for (size_t k = 0; k < random_pairs.comparisons; ++k) {
    std::vector<double> u(model.comparisons[k].u.size(), 0.0);
    for (size_t i = 0; i < random_pairs.size(); ++i) {
      const uint8_t l = random_pairs.pattern(i)[k];
      if (l != kNullLevel) u[l] += double(random_pairs.counts[i]);
    }
    Normalize(u, floor);
    model.comparisons[k].u = std::move(u);
  }
}

}  // namespace idg
