#include "match/fellegi_sunter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "base/error.h"

namespace idg {
namespace {

FellegiSunterModel TrueModel() {
  FellegiSunterModel m;
  m.prior = 0.1;
  m.comparisons = {
      {"first_name", {"exact", "jw>=0.92", "jw>=0.8", "else"}, {0.80, 0.10, 0.05, 0.05}, {0.01, 0.02, 0.07, 0.90}},
      {"surname", {"exact", "jw>=0.92", "else"}, {0.85, 0.10, 0.05}, {0.005, 0.015, 0.98}},
      {"dob", {"exact", "1 edit", "else"}, {0.90, 0.07, 0.03}, {0.001, 0.01, 0.989}},
      {"city", {"exact", "else"}, {0.70, 0.30}, {0.10, 0.90}},
  };
  return m;
}

uint8_t Draw(const std::vector<double>& p, std::mt19937_64& rng) {
  double x = std::uniform_real_distribution<double>(0, 1)(rng);
  for (size_t l = 0; l + 1 < p.size(); ++l) {
    if ((x -= p[l]) < 0) return static_cast<uint8_t>(l);
  }
  return static_cast<uint8_t>(p.size() - 1);
}

// Pairs drawn from the model: matches with probability prior, each comparison from m or u,
// and a missing value 10 % of the time.
std::vector<uint8_t> Simulate(const FellegiSunterModel& truth, size_t pairs, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> v;
  for (size_t i = 0; i < pairs; ++i) {
    const bool match = std::bernoulli_distribution(truth.prior)(rng);
    for (const auto& c : truth.comparisons) {
      const bool null = std::bernoulli_distribution(0.1)(rng);
      const uint8_t level = Draw(match ? c.m : c.u, rng);
      v.push_back(null ? kNullLevel : level);
    }
  }
  return v;
}

FellegiSunterModel StartingPoint(const FellegiSunterModel& truth, bool keep_u) {
  FellegiSunterModel m = truth;
  m.prior = 0.02;
  for (auto& c : m.comparisons) {
    const size_t n = c.m.size();
    for (size_t l = 0; l < n; ++l) {
      c.m[l] = l == 0 ? 0.5 : 0.5 / double(n - 1);  // agreement likelier for matches
      if (!keep_u) c.u[l] = l + 1 == n ? 0.5 : 0.5 / double(n - 1);
    }
  }
  return m;
}

TEST(FellegiSunter, EmRecoversKnownMAndPriorWithFixedU) {
  const FellegiSunterModel truth = TrueModel();
  const PatternCounts patterns = CountPatterns(Simulate(truth, 200000, 1), 4);
  FellegiSunterModel model = StartingPoint(truth, /*keep_u=*/true);
  const EmResult r = TrainEm(patterns, model);
  EXPECT_TRUE(r.converged);
  EXPECT_NEAR(model.prior, truth.prior, 0.005);
  for (size_t k = 0; k < 4; ++k) {
    for (size_t l = 0; l < truth.comparisons[k].m.size(); ++l) {
      EXPECT_NEAR(model.comparisons[k].m[l], truth.comparisons[k].m[l], 0.02)
          << truth.comparisons[k].name << " level " << l;
    }
  }
}

TEST(FellegiSunter, EmRecoversMAndUTogether) {
  const FellegiSunterModel truth = TrueModel();
  const PatternCounts patterns = CountPatterns(Simulate(truth, 300000, 2), 4);
  FellegiSunterModel model = StartingPoint(truth, /*keep_u=*/false);
  EmOptions options;
  options.train_u = true;
  options.max_iterations = 500;
  TrainEm(patterns, model, options);
  EXPECT_NEAR(model.prior, truth.prior, 0.01);
  for (size_t k = 0; k < 4; ++k) {
    for (size_t l = 0; l < truth.comparisons[k].m.size(); ++l) {
      EXPECT_NEAR(model.comparisons[k].m[l], truth.comparisons[k].m[l], 0.03);
      EXPECT_NEAR(model.comparisons[k].u[l], truth.comparisons[k].u[l], 0.03);
    }
  }
}

TEST(FellegiSunter, UFromRandomPairs) {
  FellegiSunterModel truth = TrueModel();
  truth.prior = 1e-6;  // random pairs are almost never matches
  const PatternCounts random = CountPatterns(Simulate(truth, 100000, 3), 4);
  FellegiSunterModel model = StartingPoint(truth, /*keep_u=*/false);
  EstimateU(random, model);
  for (size_t k = 0; k < 4; ++k) {
    for (size_t l = 0; l < truth.comparisons[k].u.size(); ++l) {
      EXPECT_NEAR(model.comparisons[k].u[l], truth.comparisons[k].u[l], 0.01);
    }
  }
}

TEST(FellegiSunter, WeightsScoresAndProbabilities) {
  const FellegiSunterModel m = TrueModel();
  // first_name exact: log2(0.8 / 0.01) = 6.32 bits.
  EXPECT_EQ(m.Weight(0, 0), std::lround(std::log2(0.8 / 0.01) * kWeightOne));
  EXPECT_EQ(m.Weight(0, kNullLevel), 0);
  EXPECT_LT(m.Weight(1, 2), 0);  // disagreement is evidence against
  const std::vector<uint8_t> levels = {0, 0, kNullLevel, 1};
  EXPECT_EQ(m.Score(levels), m.Weight(0, 0) + m.Weight(1, 0) + m.Weight(3, 1));
  // The prior alone at score 0.
  EXPECT_NEAR(m.MatchProbability(0), 0.1, 1e-12);
  for (double p : {0.01, 0.5, 0.9, 0.999}) {
    EXPECT_NEAR(m.MatchProbability(m.ScoreForProbability(p)), p, 1e-4);
  }
  // Agreeing on a rare value weighs more than on a common one.
  EXPECT_GT(m.TermFrequencyWeight(1, 0, 1e-5), m.TermFrequencyWeight(1, 0, 1e-2));
}

TEST(FellegiSunter, CountPatternsAggregates) {
  const std::vector<uint8_t> v = {0, 1, 2, 0, 0, 1, 2, 0, kNullLevel, 1};
  const PatternCounts p = CountPatterns(v, 2);
  ASSERT_EQ(p.size(), 3u);  // (0,1) x2, (2,0) x2, (null,1) x1
  uint64_t total = 0;
  for (uint64_t c : p.counts) total += c;
  EXPECT_EQ(total, 5u);
  EXPECT_THROW(CountPatterns(v, 3), Error);
}

}  // namespace
}  // namespace idg
