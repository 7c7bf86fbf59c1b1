// Lock-free concurrent union-find over dense ids 0..n-1.
//
// Algorithm: parents in an array of atomics; Unite links the root with the larger id under
// the root with the smaller id by CAS ("link by index"), and Find shortens paths by path
// halving with a relaxed CAS that may fail harmlessly. Any number of threads may call Unite
// and Find at once; readers never lock. Because links always point from a larger id to a
// smaller one, the root of every component is its smallest member, whatever the order of
// the unions or the number of threads. This follows the wait-free union-find of
// Anderson & Woll (STOC 1991) as used in Jayanti & Tarjan (2016) with linking by index, and
// the CAS `Link` of GAPBS' cc.cc (Sutton, Ben-Nun, Bar-Noy; "Optimizing Parallel Graph
// Connectivity Computation via Subgraph Sampling", IPDPS 2018).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

namespace idg {

class UnionFind {
 public:
  using Id = uint32_t;
  struct Edge {
    Id u, v;
  };

  UnionFind() = default;
  explicit UnionFind(size_t n) { Reset(n); }

  // Makes every id 0..n-1 its own component. Not thread-safe.
  void Reset(size_t n);
  // Grows to n ids, the new ones singletons. Not thread-safe with other calls.
  void Grow(size_t n);

  size_t size() const { return n_; }

  // Root of x's component. Thread-safe; may shorten paths.
  Id Find(Id x) const {
    for (;;) {
      Id p = parent_[x].load(std::memory_order_relaxed);
      if (p == x) return x;
      Id gp = parent_[p].load(std::memory_order_relaxed);
      if (gp == p) return p;
      // Path halving: point x at its grandparent; losing the race is fine.
      parent_[x].compare_exchange_weak(p, gp, std::memory_order_relaxed);
      x = gp;
    }
  }

  // Joins the components of a and b. Returns true when they were apart. Thread-safe.
  bool Unite(Id a, Id b) {
    for (;;) {
      a = Find(a);
      b = Find(b);
      if (a == b) return false;
      if (a < b) std::swap(a, b);
      Id expected = a;
      if (parent_[a].compare_exchange_strong(expected, b, std::memory_order_acq_rel)) {
        return true;
      }
    }
  }

  // Unites every edge, in parallel on TBB. `edges`: m pairs of ids < size().
  void UniteAll(std::span<const Edge> edges);

  // Points every id straight at its root, in parallel. Afterwards Parent(x) == Find(x)
  // until the next Unite. Call with no concurrent Unite.
  void Compress();

  // The stored parent (the root after Compress). Thread-safe.
  Id Parent(Id x) const { return parent_[x].load(std::memory_order_relaxed); }

  // Overwrites x's parent; for re-resolving a component in isolation. Not thread-safe.
  void SetParent(Id x, Id p) { parent_[x].store(p, std::memory_order_relaxed); }

 private:
  size_t n_ = 0;
  std::unique_ptr<std::atomic<Id>[]> parent_;
};

}  // namespace idg
