#include "match/eval.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace idg {
namespace {

TEST(EvalPairs, HandCheckedExample) {
  // Truth {0,1,2} {3,4}; predicted {0,1} {2,3,4}.
  // True pairs: 3 + 1 = 4. Predicted: 1 + 3 = 4. Correct: (0,1) and (3,4) = 2.
  std::vector<uint64_t> pred = {7, 7, 9, 9, 9};
  std::vector<uint64_t> truth = {1, 1, 1, 2, 2};
  PairMetrics m = EvaluatePairs(pred, truth);
  EXPECT_EQ(m.true_pairs, 4u);
  EXPECT_EQ(m.predicted_pairs, 4u);
  EXPECT_EQ(m.correct_pairs, 2u);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.f1, 0.5);
  EXPECT_EQ(m.predicted_clusters, 2u);
  EXPECT_EQ(m.true_clusters, 2u);
}

TEST(EvalPairs, PerfectAndAllSingletons) {
  std::vector<uint64_t> truth = {1, 1, 2, 3, 3, 3};
  PairMetrics m = EvaluatePairs(truth, truth);
  EXPECT_DOUBLE_EQ(m.f1, 1.0);
  EXPECT_EQ(m.correct_pairs, 4u);
  std::vector<uint64_t> singles = {0, 1, 2, 3, 4, 5};
  m = EvaluatePairs(singles, truth);
  EXPECT_EQ(m.predicted_pairs, 0u);
  EXPECT_DOUBLE_EQ(m.precision, 1.0);  // nothing predicted, nothing wrong
  EXPECT_DOUBLE_EQ(m.recall, 0.0);
  EXPECT_DOUBLE_EQ(m.f1, 0.0);
}

TEST(EvalPairs, OverMergeLowersPrecisionOnly) {
  std::vector<uint64_t> truth = {1, 1, 2, 2};
  std::vector<uint64_t> all = {0, 0, 0, 0};
  PairMetrics m = EvaluatePairs(all, truth);
  EXPECT_EQ(m.predicted_pairs, 6u);
  EXPECT_EQ(m.correct_pairs, 2u);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_NEAR(m.precision, 1.0 / 3.0, 1e-12);
}

TEST(EvalPairs, LabelsNeedNotBeDense) {
  std::vector<uint64_t> pred = {~0ull, 5, ~0ull};
  std::vector<uint64_t> truth = {3, 4, 3};
  EXPECT_DOUBLE_EQ(EvaluatePairs(pred, truth).f1, 1.0);
  EXPECT_THROW(EvaluatePairs(pred, std::vector<uint64_t>{1}), Error);
}

}  // namespace
}  // namespace idg
