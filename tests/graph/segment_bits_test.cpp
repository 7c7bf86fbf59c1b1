#include "graph/segment_bits.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <limits>
#include <random>
#include <utility>
#include <vector>

namespace idg {
namespace {

// The word loop behind range scans, for each column width, against a plain loop: values near
// the type's limits and its null, ranges past them, a length that is no multiple of 64.
template <class T>
void CheckRangeInScope(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const size_t n = 64 * 37 + 23;
  const int64_t tmin = std::numeric_limits<T>::min(), tmax = std::numeric_limits<T>::max();
  const int64_t picks[] = {tmin, tmin + 1, -5, 0, 3, 7, 100, tmax - 1, tmax};
  std::vector<T> col(n);
  for (T& v : col) v = static_cast<T>(rng() % 3 ? static_cast<int64_t>(rng() % 11) - 3 : picks[rng() % std::size(picks)]);
  std::vector<uint64_t> scope(segments::WordsFor(n));
  for (uint64_t& w : scope) w = rng() % 5 == 0 ? 0 : rng();
  const std::pair<int64_t, int64_t> ranges[] = {{0, 3},  {tmin + 1, -1}, {7, tmax}, {tmin + 1, tmax},
                                                {5, 4},  {-3, -3},       {tmax, tmax}};
  for (const auto& [lo, hi] : ranges) {
    std::vector<uint64_t> out(scope.size(), ~uint64_t{0});
    const uint64_t got = segments::RangeInScope(col.data(), n, scope.data(), lo, hi, out.data());
    uint64_t want = 0;
    for (size_t i = 0; i < n; ++i) {
      const bool in = (scope[i / 64] >> (i % 64) & 1) && col[i] != tmin && col[i] >= lo && col[i] <= hi;
      want += in;
      ASSERT_EQ((out[i / 64] >> (i % 64) & 1) != 0, in) << i << " in [" << lo << ", " << hi << "]";
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(segments::RangeInScope(col.data(), n, scope.data(), lo, hi, nullptr), want);
  }
}

TEST(SegmentBits, RangeInScopeMatchesAPlainLoop) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    CheckRangeInScope<int16_t>(seed);
    CheckRangeInScope<int32_t>(seed);
    CheckRangeInScope<int64_t>(seed);
  }
}

}  // namespace
}  // namespace idg
