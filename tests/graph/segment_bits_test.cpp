#include "graph/segment_bits.h"
#include "graph/segment_store.h"

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

// Range scans over an ordered column's byte codes against a plain loop, as values arrive that
// the codes do not cover yet (spans of a few values, of dates, of the whole int64 range), are
// replaced and removed; ranges cutting buckets, holding them whole, or past every value.
TEST(SegmentBits, CodedRangeInScopeMatchesAPlainLoop) {
  const int64_t kMin = std::numeric_limits<int64_t>::min() + 1, kTop = std::numeric_limits<int64_t>::max();
  struct Spread {
    int64_t from, span;
  };
  const Spread spreads[] = {{18, 70}, {20000, 730}, {-5, 100000}, {kMin, 3}, {kTop - 1000, 1000}, {kMin, -1}};
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    for (const Spread& sp : spreads) {
      std::mt19937_64 rng(seed);
      const size_t n = 64 * 29 + 41;
      auto draw = [&]() -> int64_t {
        if (rng() % 7 == 0) return segments::kNull;
        const uint64_t span = sp.span < 0 ? ~uint64_t{0} : static_cast<uint64_t>(sp.span) + 1;
        return static_cast<int64_t>(static_cast<uint64_t>(sp.from) + (span == 0 ? rng() : rng() % span));
      };
      segments::Column col(segments::kNull, /*coded=*/true);
      std::vector<int64_t> want(n, segments::kNull);
      for (int round = 0; round < 3; ++round) {
        for (size_t k = 0; k < n; ++k) {  // ids in random order, some twice
          const size_t i = rng() % n;
          want[i] = draw();
          col.Set(i, want[i]);
        }
        std::vector<uint64_t> scope(segments::WordsFor(n));
        for (uint64_t& w : scope) w = rng() % 5 == 0 ? ~uint64_t{0} : rng();
        for (int q = 0; q < 12; ++q) {
          int64_t lo = want[rng() % n], hi = want[rng() % n];
          if (lo == segments::kNull) lo = kMin;
          if (hi == segments::kNull) hi = kTop;
          if (lo > hi && q % 3 != 0) std::swap(lo, hi);
          if (q == 1) lo = hi;
          std::vector<uint64_t> out(scope.size(), ~uint64_t{0});
          const segments::CodeRange r = col.code_map().Range(lo, hi);
          const uint64_t got = col.Visit([&](const auto& vals, auto) {
            return segments::CodedRangeInScope(col.codes(), vals.data(), n, scope.data(), r, lo, hi, out.data());
          });
          uint64_t expect = 0;
          for (size_t i = 0; i < n; ++i) {
            const bool in = (scope[i / 64] >> (i % 64) & 1) && want[i] != segments::kNull && want[i] >= lo &&
                            want[i] <= hi;
            expect += in;
            ASSERT_EQ((out[i / 64] >> (i % 64) & 1) != 0, in)
                << "seed " << seed << " id " << i << " value " << want[i] << " in [" << lo << ", " << hi << "]";
          }
          EXPECT_EQ(got, expect);
        }
      }
    }
  }
}

}  // namespace
}  // namespace idg
