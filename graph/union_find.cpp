#include "graph/union_find.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>

namespace idg {

void UnionFind::Reset(size_t n) {
  parent_ = std::make_unique<std::atomic<Id>[]>(n);
  n_ = n;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 16), [&](const auto& r) {
    for (size_t i = r.begin(); i < r.end(); ++i) {
      parent_[i].store(static_cast<Id>(i), std::memory_order_relaxed);
    }
  });
}

void UnionFind::Grow(size_t n) {
  if (n <= n_) return;
  auto next = std::make_unique<std::atomic<Id>[]>(n);
  for (size_t i = 0; i < n_; ++i) next[i].store(Parent(static_cast<Id>(i)), std::memory_order_relaxed);
  for (size_t i = n_; i < n; ++i) next[i].store(static_cast<Id>(i), std::memory_order_relaxed);
  parent_ = std::move(next);
  n_ = n;
}

void UnionFind::UniteAll(std::span<const Edge> edges) {
  // Afforest-style sampling for an edge list (Sutton et al., IPDPS 2018): unite a first slice
  // of the edges, then compress so that every id points at its root. Afterwards most edges
  // of a large component are dismissed by comparing two parents, without a CAS or a walk.
  // Prefetching the parents of edges a few steps ahead hides most random-access latency.
  const size_t sample = edges.size() > 4 * n_ ? std::min(edges.size(), n_ / 2) : 0;
  constexpr size_t kAhead = 32;
  auto unite_range = [&](size_t begin, size_t end) {
    tbb::parallel_for(tbb::blocked_range<size_t>(begin, end, 1 << 14), [&](const auto& r) {
      const size_t stop = r.end();
      for (size_t i = r.begin(); i < stop; ++i) {
        if (i + kAhead < stop) {
          __builtin_prefetch(&parent_[edges[i + kAhead].u]);
          __builtin_prefetch(&parent_[edges[i + kAhead].v]);
        }
        const Edge e = edges[i];
        if (parent_[e.u].load(std::memory_order_relaxed) ==
            parent_[e.v].load(std::memory_order_relaxed)) {
          continue;  // already one component (same parent)
        }
        Unite(e.u, e.v);
      }
    });
  };
  if (sample > 0) {
    unite_range(0, sample);
    Compress();
  }
  unite_range(sample, edges.size());
}

void UnionFind::Compress() {
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n_, 1 << 14), [&](const auto& r) {
    for (size_t i = r.begin(); i < r.end(); ++i) {
      Id x = static_cast<Id>(i);
      parent_[i].store(Find(x), std::memory_order_relaxed);
    }
  });
}

}  // namespace idg
