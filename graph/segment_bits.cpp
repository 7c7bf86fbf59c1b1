// Dense word loops for segment evaluation (graph/segment_bits.h).
#include "graph/segment_bits.h"

namespace idg::segments {

// Function clones dispatch through an ifunc resolver that runs before the sanitizers start,
// so sanitized builds get the baseline only.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define IDG_CLONES
#else
#define IDG_CLONES __attribute__((target_clones("avx2", "popcnt", "default")))
#endif

IDG_CLONES uint64_t AndWords(uint64_t* out, const uint64_t* a, const uint64_t* b, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = a[i] & b[i];
    c += static_cast<uint64_t>(std::popcount(out[i]));
  }
  return c;
}

IDG_CLONES uint64_t AndCountWords(const uint64_t* a, const uint64_t* b, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) c += static_cast<uint64_t>(std::popcount(a[i] & b[i]));
  return c;
}

IDG_CLONES uint64_t AndNotWords(uint64_t* out, const uint64_t* a, const uint64_t* b, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = a[i] & ~b[i];
    c += static_cast<uint64_t>(std::popcount(out[i]));
  }
  return c;
}

IDG_CLONES void OrWords(uint64_t* out, const uint64_t* a, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] |= a[i];
}

IDG_CLONES uint64_t CountWords(const uint64_t* a, size_t n) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) c += static_cast<uint64_t>(std::popcount(a[i]));
  return c;
}

IdSet IdSet::Sparse(Roaring r) {
  IdSet s;
  s.count_ = r.cardinality();
  s.own_sparse_ = std::move(r);
  return s;
}

IdSet IdSet::Dense(Words w, uint64_t count) {
  IdSet s;
  s.dense_ = true;
  s.count_ = count;
  s.own_words_ = std::move(w);
  return s;
}

IdSet IdSet::Borrow(const Roaring& r, uint64_t count) {
  IdSet s;
  s.count_ = count;
  s.sparse_ = &r;
  return s;
}

IdSet IdSet::Borrow(const Words& w, uint64_t count) {
  IdSet s;
  s.dense_ = true;
  s.count_ = count;
  s.words_ = &w;
  return s;
}

}  // namespace idg::segments
