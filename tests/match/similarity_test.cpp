#include "match/similarity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "match/date.h"

namespace idg {
namespace {

Str S(const std::string& s) { return Str{s.data(), static_cast<uint32_t>(s.size())}; }

std::string Cap(const std::string& s) { return s.substr(0, kSimilarityMaxLen); }

// ---- Textbook references (full matrices, std containers): the oracle for the fast paths. ----

uint32_t RefEdit(std::string a, std::string b, bool osa) {
  a = Cap(a);
  b = Cap(b);
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<uint32_t>> d(n + 1, std::vector<uint32_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<uint32_t>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<uint32_t>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1u : 0u)});
      if (osa && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

// jellyfish's jaro_winkler loop, transcribed.
double RefJaroWinkler(std::string a, std::string b, double p = 0.1, size_t max_prefix = 4) {
  a = Cap(a);
  b = Cap(b);
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const long w = std::max(0L, static_cast<long>(std::max(a.size(), b.size()) / 2) - 1);
  std::vector<bool> fa(a.size()), fb(b.size());
  long common = 0;
  for (long i = 0; i < static_cast<long>(a.size()); ++i) {
    const long lo = std::max(0L, i - w);
    const long hi = std::min(i + w, static_cast<long>(b.size()) - 1);
    for (long j = lo; j <= hi; ++j) {
      if (!fb[j] && a[i] == b[j]) {
        fa[i] = fb[j] = true;
        ++common;
        break;
      }
    }
  }
  if (common == 0) return 0.0;
  long k = 0, trans = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!fa[i]) continue;
    size_t j = k;
    while (!fb[j]) ++j;
    k = static_cast<long>(j) + 1;
    if (a[i] != b[j]) ++trans;
  }
  trans /= 2;
  const double m = static_cast<double>(common);
  double jw = (m / a.size() + m / b.size() + (m - trans) / m) / 3.0;
  if (jw > 0.7) {
    size_t l = 0;
    while (l < std::min({max_prefix, a.size(), b.size()}) && a[l] == b[l]) ++l;
    jw += l * p * (1.0 - jw);
  }
  return jw;
}

double RefJaccard(std::string a, std::string b, size_t q) {
  a = Cap(a);
  b = Cap(b);
  std::set<std::string> ga, gb, all;
  for (size_t i = 0; i + q <= a.size(); ++i) ga.insert(a.substr(i, q));
  for (size_t i = 0; i + q <= b.size(); ++i) gb.insert(b.substr(i, q));
  if (ga.empty() && gb.empty()) return a == b ? 1.0 : 0.0;
  size_t common = 0;
  for (const auto& g : ga) common += gb.count(g);
  return static_cast<double>(common) / static_cast<double>(ga.size() + gb.size() - common);
}

// ---- Seeded random pairs: small alphabets (many edits), lengths 0..140 (all code paths). ----

struct PairGen {
  std::mt19937_64 rng;
  explicit PairGen(uint64_t seed) : rng(seed) {}

  size_t Uniform(size_t n) { return static_cast<size_t>(rng() % n); }

  std::string Random(size_t len, const std::string& alphabet) {
    std::string s(len, ' ');
    for (char& c : s) c = alphabet[Uniform(alphabet.size())];
    return s;
  }
  // A copy of s with a few random edits (substitute, insert, delete, swap neighbours).
  std::string Mutate(std::string s, const std::string& alphabet) {
    const size_t edits = Uniform(6);
    for (size_t e = 0; e < edits; ++e) {
      const size_t op = Uniform(4);
      const size_t at = s.empty() ? 0 : Uniform(s.size());
      if (op == 0 && !s.empty()) s[at] = alphabet[Uniform(alphabet.size())];
      if (op == 1) s.insert(s.begin() + at, alphabet[Uniform(alphabet.size())]);
      if (op == 2 && !s.empty()) s.erase(s.begin() + at);
      if (op == 3 && s.size() >= 2 && at + 1 < s.size()) std::swap(s[at], s[at + 1]);
    }
    return s;
  }
  std::pair<std::string, std::string> Pair() {
    static const std::string kAlphabets[] = {"ab", "abc", "abcd", "ab\xc3\xbc", "etaoinshr"};
    const std::string& alphabet = kAlphabets[Uniform(5)];
    std::string a = Random(Uniform(141), alphabet);
    std::string b = Uniform(2) ? Mutate(a, alphabet) : Random(Uniform(141), alphabet);
    return {a, b};
  }
};

constexpr int kRandomPairs = 20000;

// ---- Hand-checked values. ----

TEST(Similarity, LevenshteinClassicPairs) {
  EXPECT_EQ(Levenshtein(S("kitten"), S("sitting")), 3u);
  EXPECT_EQ(Levenshtein(S("saturday"), S("sunday")), 3u);
  EXPECT_EQ(Levenshtein(S("flaw"), S("lawn")), 2u);
  EXPECT_EQ(Levenshtein(S(""), S("")), 0u);
  EXPECT_EQ(Levenshtein(S(""), S("abc")), 3u);
  EXPECT_EQ(Levenshtein(S("abc"), S("")), 3u);
  EXPECT_EQ(Levenshtein(S("a"), S("a")), 0u);
  EXPECT_EQ(Levenshtein(S("a"), S("b")), 1u);
  EXPECT_EQ(Levenshtein(S("a"), S("ba")), 1u);
  EXPECT_EQ(Levenshtein(S("smith"), S("smith")), 0u);
  EXPECT_EQ(Levenshtein(S("abc"), S("xyz")), 3u);
  EXPECT_EQ(Levenshtein(S("ab"), S("ba")), 2u);
  EXPECT_EQ(Levenshtein(Str{nullptr, 0}, S("xy")), 2u);
}

TEST(Similarity, LevenshteinWordBoundaries) {
  for (size_t n : {63u, 64u, 65u, 127u, 128u}) {
    const std::string a(n, 'a');
    std::string b = a;
    b[n / 2] = 'b';  // one substitution in the middle
    EXPECT_EQ(Levenshtein(S(a), S(b)), 1u) << n;
    EXPECT_EQ(Levenshtein(S(a), S(a + "x")), n < 128 ? 1u : 0u) << n;  // past the cap
    EXPECT_EQ(Levenshtein(S(a), S(std::string(n, 'z'))), n) << n;
    EXPECT_EQ(Levenshtein(S(a), S("")), n) << n;
    std::string c = a;
    c[0] = 'x';
    c[n - 1] = 'y';  // no common prefix or suffix
    EXPECT_EQ(Levenshtein(S(a), S(c)), 2u) << n;
  }
}

TEST(Similarity, InputsBeyondTheCapAreTruncated) {
  const std::string a = std::string(130, 'q') + "tail";
  const std::string b = std::string(130, 'q') + "different";
  EXPECT_EQ(Levenshtein(S(a), S(b)), 0u);
  EXPECT_EQ(OsaDistance(S(a), S(b)), 0u);
  EXPECT_EQ(JaroWinkler(S(a), S(b)), 1.0);
  EXPECT_EQ(QgramJaccard(S(a), S(b)), 1.0);
  EXPECT_FALSE(Exact(S(a), S(b)));  // Exact sees the whole input
}

TEST(Similarity, NonAsciiIsComparedBytewise) {
  // "ü" is two bytes in UTF-8: one substitution plus one deletion.
  EXPECT_EQ(Levenshtein(S("m\xc3\xbcller"), S("muller")), 2u);
  EXPECT_EQ(Levenshtein(S("\xff\xfe"), S("\xfe\xff")), 2u);
  EXPECT_EQ(OsaDistance(S("\xff\xfe"), S("\xfe\xff")), 1u);
  EXPECT_EQ(JaroWinkler(S("\xe9\x80"), S("\xe9\x80")), 1.0);
  EXPECT_NEAR(JaroWinkler(S("m\xc3\xbcller"), S("muller")),
              RefJaroWinkler("m\xc3\xbcller", "muller"), 1e-12);
}

TEST(Similarity, OsaClassicPairs) {
  EXPECT_EQ(OsaDistance(S("ab"), S("ba")), 1u);
  EXPECT_EQ(OsaDistance(S("ca"), S("abc")), 3u);  // restricted: 2 under full Damerau
  EXPECT_EQ(OsaDistance(S("martha"), S("marhta")), 1u);
  EXPECT_EQ(OsaDistance(S("abcdef"), S("badcfe")), 3u);
  EXPECT_EQ(OsaDistance(S("kitten"), S("sitting")), 3u);
  EXPECT_EQ(OsaDistance(S(""), S("ab")), 2u);
  EXPECT_EQ(OsaDistance(S("x"), S("x")), 0u);
  const std::string a(64, 'a');
  std::string b = a;
  b[63] = 'c';
  std::string c = b;
  std::swap(c[62], c[63]);
  EXPECT_EQ(OsaDistance(S(b), S(c)), 1u);  // a transposition in the last bit of the word
  EXPECT_EQ(Levenshtein(S(b), S(c)), 2u);
  EXPECT_EQ(OsaDistance(S("ab" + a), S("ba" + a)), 1u);
  EXPECT_EQ(OsaDistance(S(a + a + "ab"), S(a + a + "ba")), 0u);  // past the cap: equal
  EXPECT_EQ(OsaDistance(S(a + "abx"), S(a + "bax")), 1u);        // DP fallback
}

TEST(Similarity, JaroWinklerHandChecked) {
  EXPECT_NEAR(JaroWinkler(S("martha"), S("marhta")), 0.961111111111111, 1e-12);
  EXPECT_NEAR(JaroWinkler(S("dwayne"), S("duane")), 0.84, 1e-12);
  EXPECT_NEAR(JaroWinkler(S("dixon"), S("dicksonx")), 0.813333333333333, 1e-12);
  EXPECT_NEAR(JaroWinkler(S("martha"), S("marhta"), 0.0), 0.944444444444444, 1e-12);  // Jaro
  EXPECT_EQ(JaroWinkler(S(""), S("")), 1.0);
  EXPECT_EQ(JaroWinkler(S("a"), S("")), 0.0);
  EXPECT_EQ(JaroWinkler(S(""), S("a")), 0.0);
  EXPECT_EQ(JaroWinkler(S("a"), S("a")), 1.0);
  EXPECT_EQ(JaroWinkler(S("a"), S("b")), 0.0);
  EXPECT_EQ(JaroWinkler(S("abc"), S("xyz")), 0.0);
  EXPECT_EQ(JaroWinkler(S("jonathan"), S("jonathan")), 1.0);
  // Window of 0 for lengths <= 3: "ab" vs "ba" has no matches.
  EXPECT_EQ(JaroWinkler(S("ab"), S("ba")), 0.0);
  // No Winkler boost at or below 0.7: jaro("abcd","axyd") = (0.5 + 0.5 + 1) / 3.
  EXPECT_NEAR(JaroWinkler(S("abcd"), S("axyd")), 2.0 / 3.0, 1e-12);
  for (size_t n : {63u, 64u, 65u, 127u, 128u}) {
    const std::string a(n, 'a');
    std::string b = a;
    b[0] = 'b';
    EXPECT_NEAR(JaroWinkler(S(a), S(b)), RefJaroWinkler(a, b), 1e-12) << n;
    EXPECT_EQ(JaroWinkler(S(a), S(a)), 1.0) << n;
  }
}

TEST(Similarity, QgramJaccardHandChecked) {
  EXPECT_NEAR(QgramJaccard(S("night"), S("nacht")), 1.0 / 7.0, 1e-15);
  EXPECT_EQ(QgramJaccard(S("aaaa"), S("aa")), 1.0);  // sets, not multisets
  EXPECT_EQ(QgramJaccard(S("abc"), S("abc")), 1.0);
  EXPECT_EQ(QgramJaccard(S("abc"), S("xyz")), 0.0);
  EXPECT_EQ(QgramJaccard(S(""), S("")), 1.0);
  EXPECT_EQ(QgramJaccard(S("a"), S("a")), 1.0);  // no grams: equality decides
  EXPECT_EQ(QgramJaccard(S("a"), S("b")), 0.0);
  EXPECT_EQ(QgramJaccard(S("ab"), S("")), 0.0);
  EXPECT_NEAR(QgramJaccard(S("abcd"), S("abce"), 3), 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(QgramJaccard(S("abcdefghij"), S("abcdefghik"), 8), 2.0 / 4.0, 1e-15);
  EXPECT_NEAR(QgramJaccard(S("abcdefghij"), S("abcdefghik"), 99), 2.0 / 4.0, 1e-15);  // q=8
  EXPECT_NEAR(QgramJaccard(S("ab"), S("ba"), 1), 1.0, 1e-15);
}

TEST(Similarity, ExactAndNumeric) {
  EXPECT_TRUE(Exact(S("abc"), S("abc")));
  EXPECT_FALSE(Exact(S("abc"), S("abd")));
  EXPECT_FALSE(Exact(S("abc"), S("ab")));
  EXPECT_TRUE(Exact(S(""), Str{nullptr, 0}));
  EXPECT_EQ(NumericAbsDiff(1.5, -2.0), 3.5);
  EXPECT_EQ(NumericAbsDiff(-2.0, 1.5), 3.5);
  EXPECT_EQ(NumericAbsDiff(7.0, 7.0), 0.0);
}

TEST(Similarity, Dates) {
  const DateParts d = ParseIsoDate(S("1980-03-02"));
  ASSERT_TRUE(d.valid);
  EXPECT_EQ(d.year, 1980);
  EXPECT_EQ(d.month, 3u);
  EXPECT_EQ(d.day, 2u);
  EXPECT_TRUE(ParseIsoDate(S("2000-02-29")).valid);
  EXPECT_FALSE(ParseIsoDate(S("1900-02-29")).valid);
  EXPECT_FALSE(ParseIsoDate(S("1981-02-29")).valid);
  EXPECT_FALSE(ParseIsoDate(S("1981-13-01")).valid);
  EXPECT_FALSE(ParseIsoDate(S("1981-00-01")).valid);
  EXPECT_FALSE(ParseIsoDate(S("1981-04-31")).valid);
  EXPECT_FALSE(ParseIsoDate(S("1981/04/01")).valid);
  EXPECT_FALSE(ParseIsoDate(S("1981-4-01")).valid);
  EXPECT_FALSE(ParseIsoDate(S("198a-04-01")).valid);
  EXPECT_FALSE(ParseIsoDate(S("")).valid);
  EXPECT_EQ(DateDiffDays(1970, 1, 1, 1970, 1, 2), 1);
  EXPECT_EQ(DateDiffDays(1970, 1, 2, 1970, 1, 1), -1);
  EXPECT_EQ(DateDiffDays(2000, 2, 28, 2000, 3, 1), 2);
  EXPECT_EQ(DateDiffDays(1900, 2, 28, 1900, 3, 1), 1);
  EXPECT_EQ(DateDiffDays(1980, 3, 2, 1981, 3, 2), 365);
  EXPECT_EQ(DateDiffDays(ParseIsoDate(S("1999-12-31")), ParseIsoDate(S("2000-01-01"))), 1);
  // Same day numbers as the host-only date.h.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const int32_t y = 1800 + static_cast<int32_t>(rng() % 301);
    const uint32_t m = 1 + static_cast<uint32_t>(rng() % 12);
    const uint32_t dd = 1 + static_cast<uint32_t>(rng() % detail::DaysInMonth(y, m));
    EXPECT_EQ(DateDiffDays(1970, 1, 1, y, m, dd), detail::DaysFromCivil(y, m, dd));
  }
}

// ---- The fast paths equal the textbook references on seeded random pairs. ----

TEST(Similarity, EditDistancesMatchTextbookDp) {
  PairGen gen(20261123);
  for (int i = 0; i < kRandomPairs; ++i) {
    const auto [a, b] = gen.Pair();
    const uint32_t lev = RefEdit(a, b, false);
    const uint32_t osa = RefEdit(a, b, true);
    ASSERT_EQ(Levenshtein(S(a), S(b)), lev) << a << " | " << b;
    ASSERT_EQ(Levenshtein(S(b), S(a)), lev) << a << " | " << b;
    ASSERT_EQ(OsaDistance(S(a), S(b)), osa) << a << " | " << b;
    ASSERT_EQ(OsaDistance(S(b), S(a)), osa) << a << " | " << b;
    const uint32_t max = static_cast<uint32_t>(gen.Uniform(12));
    ASSERT_EQ(LevenshteinBounded(S(a), S(b), max), std::min(lev, max + 1)) << a << " | " << b;
    PatternMatch64 pm;
    pm.Build(S(a));
    ASSERT_EQ(LevenshteinCached(pm, S(b)), lev) << a << " | " << b;
    ASSERT_EQ(OsaDistanceCached(pm, S(b)), osa) << a << " | " << b;
  }
}

TEST(Similarity, JaroWinklerMatchesTextbookAndIsSymmetric) {
  PairGen gen(424242);
  for (int i = 0; i < kRandomPairs; ++i) {
    const auto [a, b] = gen.Pair();
    const double ref = RefJaroWinkler(a, b);
    ASSERT_NEAR(JaroWinkler(S(a), S(b)), ref, 1e-12) << a << " | " << b;
    ASSERT_NEAR(RefJaroWinkler(b, a), ref, 1e-12) << a << " | " << b;
    ASSERT_EQ(JaroWinkler(S(b), S(a)), JaroWinkler(S(a), S(b))) << a << " | " << b;
    ASSERT_GE(ref, 0.0);
    ASSERT_LE(ref, 1.0);
    PatternMatch64 pm;
    pm.Build(S(a));
    ASSERT_NEAR(JaroWinklerCached(pm, S(b)), ref, 1e-12) << a << " | " << b;
  }
}

TEST(Similarity, QgramJaccardMatchesSets) {
  PairGen gen(99);
  for (int i = 0; i < kRandomPairs; ++i) {
    const auto [a, b] = gen.Pair();
    const uint32_t q = 1 + static_cast<uint32_t>(gen.Uniform(4));
    const double ref = RefJaccard(a, b, q);
    ASSERT_EQ(QgramJaccard(S(a), S(b), q), ref) << a << " | " << b << " q=" << q;
    ASSERT_EQ(QgramJaccard(S(b), S(a), q), ref) << a << " | " << b << " q=" << q;
  }
}

TEST(Similarity, LevenshteinTriangleInequality) {
  PairGen gen(31337);
  for (int i = 0; i < kRandomPairs / 2; ++i) {
    const auto [a, b] = gen.Pair();
    const std::string c = gen.Uniform(2) ? gen.Mutate(b, "abc") : gen.Mutate(a, "abc");
    const uint32_t ab = Levenshtein(S(a), S(b));
    const uint32_t bc = Levenshtein(S(b), S(c));
    const uint32_t ac = Levenshtein(S(a), S(c));
    ASSERT_LE(ac, ab + bc) << a << " | " << b << " | " << c;
    ASSERT_EQ(ab == 0, Cap(a) == Cap(b));
  }
}

}  // namespace
}  // namespace idg
