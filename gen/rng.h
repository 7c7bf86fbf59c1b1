// Small, fast, seeded pseudo-random numbers for the generator. Every stream is a pure
// function of (seed, stream index), so output never depends on which thread draws it.
#pragma once

#include <cstdint>
#include <span>

namespace idg::detail {

// SplitMix64's finalizer: a bijection on 64-bit integers with good avalanche. Used both to
// seed streams and to turn counters into unique, random-looking ids.
constexpr uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// xoshiro256** (Blackman & Vigna, 2018), seeded from (seed, stream) with SplitMix64.
// Not thread-safe: one Rng per block of work.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t x = Mix64(seed ^ 0x6a09e667f3bcc909ULL) + stream * 0x9e3779b97f4a7c15ULL;
    for (uint64_t& word : s_) {
      x += 0x9e3779b97f4a7c15ULL;
      word = Mix64(x);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) (Lemire's multiply-shift; the bias for our small n is negligible).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // True with probability p.
  bool Chance(double p) {
    return static_cast<double>(Next() >> 11) < p * 9007199254740992.0;  // 2^53
  }

  template <typename T>
  const T& Pick(std::span<const T> items) {
    return items[Below(items.size())];
  }

 private:
  static constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace idg::detail
