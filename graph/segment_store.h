// The segment index's storage, shared by segment_index.cpp (updates) and segment_eval.cpp
// (queries). Private to graph/segment_*.cpp.
#pragma once

#include <roaring/roaring.hh>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "graph/segment_bits.h"
#include "graph/segment_codes.h"
#include "graph/segment_index.h"
#include "graph/segment_query.h"

namespace idg::segments {

constexpr int64_t kNull = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kNewString = -2;  // never a code (codes are >= 0) nor kNull

struct Hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// One value per ProfileId, stored 16 bits wide while every value fits (dates from 1900 to
// 2059, small integers and codes, masks of up to 15 bits), then 32, then 64: scans and probes
// read less memory. Ordered columns (`coded`) also keep each value's byte code for range scans.
class Column {
 public:
  explicit Column(int64_t fill, bool coded = false) : fill_(fill), coded_(coded) {}
  // Calls f(values, widen) with the column's array and the function that reads one value.
  template <class F>
  decltype(auto) Visit(F&& f) const {
    if (width_ == 16) return f(h_, [](int16_t v) { return Widen(v); });
    if (width_ == 32) return f(n_, [](int32_t v) { return Widen(v); });
    return f(w_, [](int64_t v) { return v; });
  }
  size_t size() const { return Visit([](const auto& v, auto) { return v.size(); }); }
  int64_t Get(size_t i) const {
    return Visit([&](const auto& v, auto widen) { return i < v.size() ? widen(v[i]) : fill_; });
  }
  void Set(size_t i, int64_t v) {
    while (!Fits(v)) Grow();
    if (i >= size()) {
      const size_t n = std::max(i + 1, size() * 3 / 2);
      Mutate([&](auto& vec) { vec.resize(n, Narrow<typename std::decay_t<decltype(vec)>::value_type>(fill_)); });
    }
    Mutate([&](auto& vec) { vec[i] = Narrow<typename std::decay_t<decltype(vec)>::value_type>(v); });
    if (coded_) SetCode(i, v);
  }
  size_t bytes() const {
    return h_.capacity() * sizeof(int16_t) + n_.capacity() * sizeof(int32_t) +
           w_.capacity() * sizeof(int64_t) + codes_.capacity();
  }
  // One byte per id (as many as values), 0 for null; null unless the column is coded.
  const uint8_t* codes() const { return coded_ ? codes_.data() : nullptr; }
  const ByteCodes& code_map() const { return map_; }

 private:
  template <class T>
  static T Narrow(int64_t v) {
    return v == kNull ? std::numeric_limits<T>::min() : static_cast<T>(v);
  }
  template <class T>
  static int64_t Widen(T v) {
    return v == std::numeric_limits<T>::min() ? kNull : static_cast<int64_t>(v);
  }
  bool Fits(int64_t v) const {
    if (v == kNull || width_ == 64) return true;
    const int64_t lo = width_ == 16 ? std::numeric_limits<int16_t>::min() : std::numeric_limits<int32_t>::min();
    const int64_t hi = width_ == 16 ? std::numeric_limits<int16_t>::max() : std::numeric_limits<int32_t>::max();
    return v > lo && v <= hi;
  }
  void SetCode(size_t i, int64_t v) {
    if (v != kNull && !map_.Covers(v)) Recode();
    if (codes_.size() < size()) {  // as the column grew: by half, not double
      codes_.reserve(size());
      codes_.resize(size(), 0);
    }
    codes_[i] = v == kNull ? 0 : map_.Code(v);
  }
  // New codes for every value, fitted to the present values' span.
  void Recode() {
    int64_t lo = kMax, hi = kNull;
    Visit([&](const auto& vals, auto widen) {
      for (const auto x : vals) {
        const int64_t v = widen(x);
        if (v == kNull) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      map_.Fit(lo, hi);
      codes_.resize(vals.size());
      for (size_t j = 0; j < vals.size(); ++j) {
        const int64_t v = widen(vals[j]);
        codes_[j] = v == kNull ? 0 : map_.Code(v);
      }
    });
  }
  template <class F>
  void Mutate(F&& f) {
    if (width_ == 16) return f(h_);
    if (width_ == 32) return f(n_);
    f(w_);
  }
  // The next width, keeping every value.
  void Grow() {
    if (width_ == 16) {
      n_.resize(h_.size());
      for (size_t j = 0; j < h_.size(); ++j) n_[j] = Narrow<int32_t>(Widen(h_[j]));
      h_ = {};
      width_ = 32;
    } else {
      w_.resize(n_.size());
      for (size_t j = 0; j < n_.size(); ++j) w_[j] = Widen(n_[j]);
      n_ = {};
      width_ = 64;
    }
  }

  int64_t fill_;
  bool coded_;
  ByteCodes map_;
  std::vector<uint8_t> codes_;
  int width_ = 16;
  std::vector<int16_t> h_;
  std::vector<int32_t> n_;
  std::vector<int64_t> w_;
};

// The profiles holding one value. A value held by many profiles (see Impl::Reshape) also
// keeps one bit per id, for word-at-a-time intersections.
struct Bitmap {
  Roaring bits;
  uint64_t count = 0;
  Words dense;  // empty unless dense

  void Add(uint32_t id) {
    if (!bits.addChecked(id)) return;
    ++count;
    if (dense.empty()) return;
    if ((id >> 6) >= dense.size()) dense.resize(std::max<size_t>((id >> 6) + 1, dense.size() * 3 / 2));
    SetBit(dense.data(), id);
  }
  void Remove(uint32_t id) {
    if (!bits.removeChecked(id)) return;
    --count;
    if (!dense.empty()) ClearBit(dense.data(), id);
  }
  IdSet View() const { return dense.empty() ? IdSet::Borrow(bits, count) : IdSet::Borrow(dense, count); }
  // Keeps the dense copy while at least 1/divisor of the ids hold the value (divisor 0:
  // never), and drops it once under a quarter of that.
  void Reshape(uint64_t universe, uint64_t divisor) {
    if (divisor == 0) return;
    if (dense.empty() && count >= (universe + divisor - 1) / divisor) {
      dense.assign(WordsFor(universe), 0);
      IdSet::Borrow(bits, count).ForEach(0, universe, [&](uint32_t id) {
        SetBit(dense.data(), id);
        return true;
      });
    } else if (!dense.empty() && count < universe / divisor / 4) {
      dense = Words();
    }
  }
  size_t bytes() const { return bits.getSizeInBytes(false) + dense.capacity() * 8 + 64; }
};

// One field of every profile: a column, and bitmaps while the field has few values. Set
// fields (source, has) hold a bit mask in the column and one bitmap per bit, always.
struct Field {
  explicit Field(FieldSpec s)
      : spec(std::move(s)),
        column(is_set() ? 0 : kNull, spec.type == FieldType::kInteger || spec.type == FieldType::kDate) {}
  FieldSpec spec;
  Column column;  // per ProfileId; kNull: absent (set fields: 0)
  // Strings: a dictionary of the values some profile holds now.
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> codes;
  std::vector<std::string_view> dict;  // code -> value (a key of `codes`); empty when free
  std::vector<uint32_t> refs;          // code -> profiles holding it
  std::vector<int64_t> free_codes;
  bool bitmapped = true;
  // Value (string code, set bit) -> profiles. Ordered fields (integers, dates) with more values
  // than bitmaps allowed keep one bitmap per bucket of 2^shift consecutive values instead.
  std::map<int64_t, Bitmap> bitmaps;
  int shift = 0;
  std::vector<int64_t> touched;  // keys of bitmaps that grew since the last Reshape
  bool coarsened = false;        // buckets merged since then: `touched` is out of date
  Bitmap present;                     // profiles with a value (bitmapped, not set fields)

  bool is_set() const { return spec.type == FieldType::kSet; }

  // Whether a string field's column value `code` is the value `v` ("" for none).
  bool Holds(int64_t code, std::string_view v) const {
    return code == kNull ? v.empty() : dict[static_cast<size_t>(code)] == v;
  }

  int64_t Code(std::string_view v) {
    if (auto it = codes.find(v); it != codes.end()) return it->second;
    int64_t c;
    if (!free_codes.empty()) {
      c = free_codes.back();
      free_codes.pop_back();
    } else {
      c = static_cast<int64_t>(dict.size());
      dict.emplace_back();
      refs.push_back(0);
    }
    const auto it = codes.emplace(std::string(v), c).first;
    dict[c] = it->first;
    return c;
  }

  void Set(uint32_t id, int64_t v, uint32_t max_bitmaps) {
    column.Set(id, v);
    if (is_set()) {
      for (uint64_t m = static_cast<uint64_t>(v); m != 0; m &= m - 1) {
        bitmaps[std::countr_zero(m)].Add(id);
      }
      return;
    }
    if (v == kNull) return;
    if (spec.type == FieldType::kString) ++refs[v];
    if (!bitmapped) return;
    bitmaps[v >> shift].Add(id);
    touched.push_back(v >> shift);
    present.Add(id);
    if (bitmaps.size() > max_bitmaps) Coarsen(max_bitmaps);
  }

  // Too many bitmaps: ordered fields merge neighbouring buckets until they fit; strings (and
  // ordered values too far apart to fit) are answered from the column alone from now on.
  void Coarsen(uint32_t max_bitmaps) {
    const bool ordered = spec.type == FieldType::kInteger || spec.type == FieldType::kDate;
    coarsened = true;
    while (ordered && bitmaps.size() > max_bitmaps && shift < 62) {
      ++shift;
      std::map<int64_t, Bitmap> merged;
      for (auto& [key, b] : bitmaps) {
        Bitmap& m = merged[key >> 1];
        m.bits |= b.bits;
        m.count += b.count;
      }
      bitmaps = std::move(merged);
    }
    if (bitmaps.size() > max_bitmaps) {
      bitmapped = false;
      bitmaps.clear();
      present = Bitmap();
    }
  }

  void Unset(uint32_t id) {
    const int64_t v = column.Get(id);
    if (is_set()) {
      column.Set(id, 0);
      for (uint64_t m = static_cast<uint64_t>(v); m != 0; m &= m - 1) {
        bitmaps.find(std::countr_zero(m))->second.Remove(id);
      }
      return;
    }
    if (v == kNull) return;
    column.Set(id, kNull);
    if (bitmapped) {
      const auto it = bitmaps.find(v >> shift);
      it->second.Remove(id);
      if (it->second.count == 0) bitmaps.erase(it);
      present.Remove(id);
    }
    if (spec.type == FieldType::kString && --refs[v] == 0) {  // no profile holds it: forget it
      codes.erase(codes.find(dict[v]));
      dict[v] = {};
      free_codes.push_back(v);
    }
  }
};

}  // namespace idg::segments

namespace idg {

using segments::Bitmap;
using segments::Field;

struct SegmentIndex::Impl {
  uint32_t max_bitmaps;
  uint64_t dense_divisor;
  std::vector<Field> fields;
  Bitmap live;
  uint64_t bound = 0;  // every id held is below it

  // Gives dense copies to the values held by at least 1/dense_divisor of the ids, drops them
  // from those under a quarter of that.
  // After a write: bitmaps that grew may need a dense copy; every bitmap is looked at again
  // only once the ids have grown by a quarter, since a copy is dropped only well below the
  // threshold that gave it.
  void Reshape() {
    live.Reshape(bound, dense_divisor);
    const bool all = bound > reshaped_bound + reshaped_bound / 4;
    if (all) reshaped_bound = bound;
    for (Field& f : fields) {
      f.present.Reshape(bound, dense_divisor);
      if (all || f.is_set() || f.coarsened) {
        for (auto& [v, b] : f.bitmaps) b.Reshape(bound, dense_divisor);
      } else {
        for (int64_t key : f.touched) {
          if (auto it = f.bitmaps.find(key); it != f.bitmaps.end()) it->second.Reshape(bound, dense_divisor);
        }
      }
      f.touched.clear();
      f.coarsened = false;
    }
  }
  uint64_t reshaped_bound = 0;

  // The value of field f in the row: a string's code (interned when `intern`; else
  // kNewString for a string not in the dictionary), a set's mask, a number, or kNull.
  int64_t ValueOf(size_t f, const SegmentRow& row, bool intern);
};

namespace segments {
// Query evaluation (segment_eval.cpp), under the index's read lock.
uint64_t CountQuery(const SegmentIndex::Impl& ix, const QueryNode& q, int64_t today);
IdSet EvalQuery(const SegmentIndex::Impl& ix, const QueryNode& q, int64_t today);
}  // namespace segments

}  // namespace idg
