#include "graph/union_find.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <numeric>
#include <thread>
#include <vector>

#include "graph/edge_gen.h"

namespace idg {
namespace {

// Serial reference: labels by the smallest member, from a plain sequential union-find.
std::vector<uint32_t> ReferenceLabels(size_t n, const std::vector<UnionFind::Edge>& edges) {
  std::vector<uint32_t> p(n);
  std::iota(p.begin(), p.end(), 0u);
  auto find = [&](uint32_t x) {
    while (p[x] != x) x = p[x];
    return x;
  };
  for (auto [u, v] : edges) {
    uint32_t a = find(u), b = find(v);
    if (a != b) p[std::max(a, b)] = std::min(a, b);
  }
  std::vector<uint32_t> label(n);
  for (uint32_t i = 0; i < n; ++i) label[i] = find(i);
  return label;
}

std::vector<uint32_t> Labels(const UnionFind& uf) {
  std::vector<uint32_t> label(uf.size());
  for (uint32_t i = 0; i < uf.size(); ++i) label[i] = uf.Find(i);
  return label;
}

TEST(UnionFind, SingletonsAndSimpleUnions) {
  UnionFind uf(5);
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(uf.Find(i), i);
  EXPECT_TRUE(uf.Unite(3, 4));
  EXPECT_FALSE(uf.Unite(4, 3));
  EXPECT_TRUE(uf.Unite(4, 1));
  EXPECT_EQ(uf.Find(3), 1u);  // the root is the smallest member
  EXPECT_EQ(uf.Find(0), 0u);
  EXPECT_NE(uf.Find(0), uf.Find(4));
}

TEST(UnionFind, GrowKeepsComponents) {
  UnionFind uf(3);
  uf.Unite(1, 2);
  uf.Grow(6);
  EXPECT_EQ(uf.Find(2), 1u);
  EXPECT_EQ(uf.Find(5), 5u);
  uf.Unite(5, 2);
  EXPECT_EQ(uf.Find(5), 1u);
}

class UnionFindGraphs : public ::testing::TestWithParam<int> {};

TEST_P(UnionFindGraphs, MatchesSerialReferenceForEveryThreadCount) {
  const int scale = 14;
  const size_t n = size_t{1} << scale;
  // Sparse enough to leave many components; dense enough for the sampling phase to run.
  for (uint64_t m : {uint64_t{n / 2}, uint64_t{6 * n}}) {
    auto edges = GetParam() == 0 ? UniformEdges(scale, m, 7) : RmatEdges(scale, m, 7);
    const auto expected = ReferenceLabels(n, edges);
    for (int threads : {1, 2, 4}) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
      UnionFind uf(n);
      uf.UniteAll(edges);
      EXPECT_EQ(Labels(uf), expected) << "threads=" << threads << " m=" << m;
      uf.Compress();
      for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(uf.Parent(i), expected[i]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Graphs, UnionFindGraphs, ::testing::Values(0, 1));

// Writers unite while readers call Find without locks. Readers must only ever see a root
// that is a member of the component and no larger than the node itself (links point down).
TEST(UnionFind, ConcurrentFindDuringUnite) {
  const int scale = 15;
  const size_t n = size_t{1} << scale;
  auto edges = UniformEdges(scale, 3 * n, 11);
  UnionFind uf(n);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&, t] {
      uint64_t s = 99 + t;
      while (!done.load()) {
        uint32_t x = static_cast<uint32_t>(SplitMix64(s) % n);
        uint32_t r = uf.Find(x);
        if (r > x || uf.Find(r) > r) bad.fetch_add(1);
      }
    });
  }
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      for (size_t i = t; i < edges.size(); i += 2) uf.Unite(edges[i].u, edges[i].v);
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_EQ(Labels(uf), ReferenceLabels(n, edges));
}

TEST(EdgeGen, SameSeedSameEdgesWhateverTheThreadCount) {
  std::vector<UnionFind::Edge> one, two;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one = RmatEdges(12, 200000, 5);
  }
  two = RmatEdges(12, 200000, 5);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(one[i].u, two[i].u);
    ASSERT_EQ(one[i].v, two[i].v);
    ASSERT_LT(one[i].u, 1u << 12);
  }
  auto other = RmatEdges(12, 200000, 6);
  EXPECT_NE(other[0].u * 4096 + other[0].v, one[0].u * 4096 + one[0].v);
}

}  // namespace
}  // namespace idg
