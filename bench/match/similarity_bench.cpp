// String similarity per pair, one core: Jaro-Winkler, Levenshtein, OSA and 2-gram Jaccard on
// normalized names (~7 bytes) and street addresses (~24 bytes), half of the pairs being the
// same value with one or two typos and half two unrelated values; and the cached forms, one
// query preprocessed once against 32 candidates (how a record is scored against its block).
// Inputs come from a seeded generator; results are pairs per second (items/s).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "match/similarity.h"

namespace {

constexpr size_t kPairs = 4096;  // a multiple of 32

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

const char* const kFirst[] = {
    "michael", "jennifer",  "christopher", "jessica", "matthew", "ashley",    "joshua",
    "amanda",  "daniel",    "sarah",       "james",   "melissa", "robert",    "nicole",
    "john",    "stephanie", "joseph",      "heather", "andrew",  "elizabeth", "ryan",
    "megan",   "brandon",   "amber",       "jason",   "rachel",  "justin",    "lauren",
    "william", "kimberly",  "anthony",     "emily"};
const char* const kLast[] = {
    "smith",     "johnson",  "williams",  "brown",   "jones",    "garcia",   "miller",   "davis",
    "rodriguez", "martinez", "hernandez", "lopez",   "gonzalez", "wilson",   "anderson", "thomas",
    "taylor",    "moore",    "jackson",   "martin",  "lee",      "perez",    "thompson", "white",
    "harris",    "sanchez",  "clark",     "ramirez", "lewis",    "robinson", "walker",   "young"};
const char* const kStreet[] = {
    "maple",  "oak",   "washington", "lincoln", "park",   "highland", "lakeview",     "cedar",
    "sunset", "ridge", "pine hill",  "elm",     "church", "mill",     "meadow brook", "franklin"};
const char* const kSuffix[] = {"street", "avenue", "road", "drive", "lane", "court", "boulevard"};

template <size_t N>
const char* Pick(const char* const (&list)[N], uint64_t& rng) {
  return list[SplitMix(rng) % N];
}

// One or two keyboard-style typos: substitution, deletion, insertion or adjacent swap.
std::string Typo(std::string s, uint64_t& rng) {
  const int edits = 1 + static_cast<int>(SplitMix(rng) % 2);
  for (int e = 0; e < edits && s.size() > 2; ++e) {
    const uint64_t r = SplitMix(rng);
    const size_t at = 1 + (r >> 8) % (s.size() - 2);
    const char c = static_cast<char>('a' + (r >> 40) % 26);
    switch (r % 4) {
      case 0:
        s[at] = c;
        break;
      case 1:
        s.erase(at, 1);
        break;
      case 2:
        s.insert(s.begin() + static_cast<long>(at), c);
        break;
      default:
        std::swap(s[at], s[at + 1]);
        break;
    }
  }
  return s;
}

std::string Name(uint64_t& rng) {
  return (SplitMix(rng) & 1) ? Pick(kFirst, rng) : Pick(kLast, rng);
}

std::string Address(uint64_t& rng) {
  return std::to_string(1 + SplitMix(rng) % 9999) + " " + Pick(kStreet, rng) + " " +
         Pick(kSuffix, rng);
}

struct PairSet {
  std::vector<std::string> a, b;
  std::vector<idg::Str> sa, sb;
};

PairSet MakePairs(std::string (*make)(uint64_t&), uint64_t seed) {
  PairSet p;
  uint64_t rng = seed;
  for (size_t i = 0; i < kPairs; ++i) {
    p.a.push_back(make(rng));
    p.b.push_back((SplitMix(rng) & 1) ? Typo(p.a.back(), rng) : make(rng));
  }
  for (size_t i = 0; i < kPairs; ++i) {
    p.sa.push_back({p.a[i].data(), static_cast<uint32_t>(p.a[i].size())});
    p.sb.push_back({p.b[i].data(), static_cast<uint32_t>(p.b[i].size())});
  }
  return p;
}

const PairSet& Names() {
  static const PairSet p = MakePairs(Name, 2026);
  return p;
}
const PairSet& Addresses() {
  static const PairSet p = MakePairs(Address, 1123);
  return p;
}

template <class Fn>
void PerPair(benchmark::State& state, const PairSet& p, Fn fn) {
  double sum = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < kPairs; ++i) sum += static_cast<double>(fn(p.sa[i], p.sb[i]));
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPairs));
}

// Each group of 32 pairs: the first a-value is the query, the 32 b-values its candidates.
template <class Fn>
void Cached32(benchmark::State& state, const PairSet& p, Fn fn) {
  double sum = 0;
  idg::PatternMatch64 pm;
  for (auto _ : state) {
    for (size_t g = 0; g < kPairs; g += 32) {
      pm.Build(p.sa[g]);
      for (size_t i = g; i < g + 32; ++i) sum += static_cast<double>(fn(pm, p.sb[i]));
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPairs));
}

auto kJw = [](idg::Str a, idg::Str b) { return idg::JaroWinkler(a, b); };
auto kLev = [](idg::Str a, idg::Str b) { return idg::Levenshtein(a, b); };
auto kOsa = [](idg::Str a, idg::Str b) { return idg::OsaDistance(a, b); };
auto kJac = [](idg::Str a, idg::Str b) { return idg::QgramJaccard(a, b, 2); };
auto kLevCached = [](const idg::PatternMatch64& pm, idg::Str b) {
  return idg::LevenshteinCached(pm, b);
};
auto kJwCached = [](const idg::PatternMatch64& pm, idg::Str b) {
  return idg::JaroWinklerCached(pm, b);
};

void BM_Similarity_JaroWinkler_Names(benchmark::State& s) { PerPair(s, Names(), kJw); }
void BM_Similarity_JaroWinkler_Addresses(benchmark::State& s) { PerPair(s, Addresses(), kJw); }
void BM_Similarity_Levenshtein_Names(benchmark::State& s) { PerPair(s, Names(), kLev); }
void BM_Similarity_Levenshtein_Addresses(benchmark::State& s) { PerPair(s, Addresses(), kLev); }
void BM_Similarity_Osa_Names(benchmark::State& s) { PerPair(s, Names(), kOsa); }
void BM_Similarity_Osa_Addresses(benchmark::State& s) { PerPair(s, Addresses(), kOsa); }
void BM_Similarity_QgramJaccard_Names(benchmark::State& s) { PerPair(s, Names(), kJac); }
void BM_Similarity_QgramJaccard_Addresses(benchmark::State& s) { PerPair(s, Addresses(), kJac); }
void BM_Similarity_LevenshteinCached32_Names(benchmark::State& s) {
  Cached32(s, Names(), kLevCached);
}
void BM_Similarity_LevenshteinCached32_Addresses(benchmark::State& s) {
  Cached32(s, Addresses(), kLevCached);
}
void BM_Similarity_JaroWinklerCached32_Names(benchmark::State& s) {
  Cached32(s, Names(), kJwCached);
}
void BM_Similarity_JaroWinklerCached32_Addresses(benchmark::State& s) {
  Cached32(s, Addresses(), kJwCached);
}

BENCHMARK(BM_Similarity_JaroWinkler_Names)->UseRealTime();
BENCHMARK(BM_Similarity_JaroWinkler_Addresses)->UseRealTime();
BENCHMARK(BM_Similarity_Levenshtein_Names)->UseRealTime();
BENCHMARK(BM_Similarity_Levenshtein_Addresses)->UseRealTime();
BENCHMARK(BM_Similarity_Osa_Names)->UseRealTime();
BENCHMARK(BM_Similarity_Osa_Addresses)->UseRealTime();
BENCHMARK(BM_Similarity_QgramJaccard_Names)->UseRealTime();
BENCHMARK(BM_Similarity_QgramJaccard_Addresses)->UseRealTime();
BENCHMARK(BM_Similarity_LevenshteinCached32_Names)->UseRealTime();
BENCHMARK(BM_Similarity_LevenshteinCached32_Addresses)->UseRealTime();
BENCHMARK(BM_Similarity_JaroWinklerCached32_Names)->UseRealTime();
BENCHMARK(BM_Similarity_JaroWinklerCached32_Addresses)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
