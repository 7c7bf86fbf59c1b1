// Sets of profile ids for segment evaluation (graph/segment_eval.cpp): a CRoaring bitmap while
// sparse, one bit per id when dense. Dense word loops are compiled for the CPU they run on
// (function clones for AVX2, POPCNT and the baseline), since the packaged CRoaring is built for
// the baseline and counts bits in software.
#pragma once

#include <roaring/roaring.hh>

#include <bit>
#include <cstdint>
#include <vector>

namespace idg::segments {

using Words = std::vector<uint64_t>;

inline size_t WordsFor(uint64_t ids) { return static_cast<size_t>((ids + 63) / 64); }
inline bool TestBit(const uint64_t* w, size_t n, uint32_t id) {
  const size_t i = id >> 6;
  return i < n && ((w[i] >> (id & 63)) & 1) != 0;
}
inline void SetBit(uint64_t* w, uint32_t id) { w[id >> 6] |= uint64_t{1} << (id & 63); }
inline void ClearBit(uint64_t* w, uint32_t id) { w[id >> 6] &= ~(uint64_t{1} << (id & 63)); }

// Word loops over n words; each returns the bits set in its result.
uint64_t AndWords(uint64_t* out, const uint64_t* a, const uint64_t* b, size_t n);
uint64_t AndCountWords(const uint64_t* a, const uint64_t* b, size_t n);
uint64_t AndNotWords(uint64_t* out, const uint64_t* a, const uint64_t* b, size_t n);  // a & ~b
void OrWords(uint64_t* out, const uint64_t* a, size_t n);                              // out |= a
uint64_t CountWords(const uint64_t* a, size_t n);

// Over ids [0, n) of a column: counts those set in `scope` (at least WordsFor(n) words) whose
// value v has lo <= v <= hi; with `out`, also writes their bits there (WordsFor(n) words). The
// column's null (its type's minimum) never matches unless lo allows it: callers pass lo above.
uint64_t RangeInScope(const int16_t* col, size_t n, const uint64_t* scope, int64_t lo, int64_t hi,
                      uint64_t* out);
uint64_t RangeInScope(const int32_t* col, size_t n, const uint64_t* scope, int64_t lo, int64_t hi,
                      uint64_t* out);
uint64_t RangeInScope(const int64_t* col, size_t n, const uint64_t* scope, int64_t lo, int64_t hi,
                      uint64_t* out);

// The byte codes a range of values takes (graph/segment_codes.h): those of the buckets it
// holds whole, and those of the (at most two) buckets it cuts.
struct CodeRange {
  uint8_t full_lo = 1, full_hi = 0;  // none while full_lo > full_hi
  uint8_t edge[2] = {0, 0};          // 0: none
};

// The same over a column's byte codes: ids of `scope` whose code the range holds whole, and
// those whose code it cuts and whose column value lies in [lo, hi].
uint64_t CodedRangeInScope(const uint8_t* codes, const int16_t* col, size_t n, const uint64_t* scope,
                           const CodeRange& r, int64_t lo, int64_t hi, uint64_t* out);
uint64_t CodedRangeInScope(const uint8_t* codes, const int32_t* col, size_t n, const uint64_t* scope,
                           const CodeRange& r, int64_t lo, int64_t hi, uint64_t* out);
uint64_t CodedRangeInScope(const uint8_t* codes, const int64_t* col, size_t n, const uint64_t* scope,
                           const CodeRange& r, int64_t lo, int64_t hi, uint64_t* out);

// A set of profile ids, owned or borrowed from the index (valid while its read lock is held).
class IdSet {
 public:
  IdSet() = default;
  static IdSet Sparse(Roaring r);
  static IdSet Dense(Words w, uint64_t count);
  static IdSet Borrow(const Roaring& r, uint64_t count);
  static IdSet Borrow(const Words& w, uint64_t count);

  bool dense() const { return dense_; }
  uint64_t count() const { return count_; }
  const Roaring& sparse() const { return sparse_ ? *sparse_ : own_sparse_; }
  const uint64_t* words() const { return words_ ? words_->data() : own_words_.data(); }
  size_t nwords() const { return words_ ? words_->size() : own_words_.size(); }
  bool Contains(uint32_t id) const {
    return dense_ ? TestBit(words(), nwords(), id) : sparse().contains(id);
  }

  // Calls f(id) for each id in [lo, hi), ascending; f returns false to stop.
  template <class F>
  void ForEach(uint64_t lo, uint64_t hi, F&& f) const {
    if (dense_) {
      const uint64_t* w = words();
      const size_t end = std::min(nwords(), WordsFor(hi));
      for (size_t i = lo / 64; i < end; ++i) {
        uint64_t x = w[i];
        if (i == lo / 64) x &= ~uint64_t{0} << (lo % 64);
        while (x != 0) {
          const uint64_t id = i * 64 + static_cast<uint64_t>(std::countr_zero(x));
          if (id >= hi || !f(static_cast<uint32_t>(id))) return;
          x &= x - 1;
        }
      }
      return;
    }
    if (lo >= (uint64_t{1} << 32)) return;
    roaring_uint32_iterator_t it;
    roaring_init_iterator(&sparse().roaring, &it);
    if (!roaring_move_uint32_iterator_equalorlarger(&it, static_cast<uint32_t>(lo))) return;
    uint32_t buf[1024];
    while (true) {
      const uint32_t got = roaring_read_uint32_iterator(&it, buf, 1024);
      for (uint32_t i = 0; i < got; ++i) {
        if (buf[i] >= hi || !f(buf[i])) return;
      }
      if (got < 1024) return;
    }
  }

 private:
  bool dense_ = false;
  uint64_t count_ = 0;
  Roaring own_sparse_;
  Words own_words_;
  const Roaring* sparse_ = nullptr;
  const Words* words_ = nullptr;
};

// Set algebra over the ids below `bound`; dense results span WordsFor(bound) words.
IdSet Intersect(const IdSet& a, const IdSet& b, uint64_t bound);
uint64_t IntersectCount(const IdSet& a, const IdSet& b, uint64_t bound);
IdSet Minus(const IdSet& a, const IdSet& b, uint64_t bound);  // a \ b
// Dense when any part is, or when the parts together hold 1/64 of the ids or more.
IdSet Union(const std::vector<IdSet>& parts, uint64_t bound);

}  // namespace idg::segments
