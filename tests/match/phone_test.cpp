// The phone fast path against libphonenumber itself (PhoneNormalizer::NormalizeSlow).
#include "match/phone.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "match/digit_regex.h"
#include "match/normalize.h"

namespace idg {
namespace {

using detail::DigitDfa;
using detail::PhoneNormalizer;

std::string Phone(const Normalizers& n, std::string_view raw) {
  std::string out;
  NormResult r = n.Normalize(Normalizer::kPhone, raw, out);
  return r.status == NormStatus::kOk ? out : std::string("!") + (r.reason ? r.reason : "empty");
}

TEST(Normalize, PhoneHandChecked) {
  EngineConfig us;
  Normalizers n(us);
  EXPECT_EQ(Phone(n, "4155552671"), "+14155552671");
  EXPECT_EQ(Phone(n, " (415) 555-2671 "), "+14155552671");
  EXPECT_EQ(Phone(n, "1-415-555-2671"), "+14155552671");
  EXPECT_EQ(Phone(n, "415.555.2671"), "+14155552671");
  EXPECT_EQ(Phone(n, "+1 415 555 2671"), "+14155552671");
  EXPECT_EQ(Phone(n, "011 44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(Phone(n, "+44 (0)20 7946 0958"), "+442079460958");
  EXPECT_EQ(Phone(n, "415-555-2671 ext. 12"), "+14155552671");  // libphonenumber drops it
  EXPECT_EQ(Phone(n, "1-800-FLOWERS"), "+18003569377");
  EXPECT_EQ(Phone(n, "+39 06 1234 5678"), "+390612345678");
  EXPECT_EQ(Phone(n, "12"), "!not a possible phone number");
  EXPECT_EQ(Phone(n, "hello"), "!unparseable phone number");
  EXPECT_EQ(Phone(n, "+0 123 456"), "!unparseable phone number");
  EXPECT_EQ(Phone(n, "   "), "!empty");
  EXPECT_EQ(Phone(n, ""), "!empty");

  EngineConfig gb;
  gb.default_region = "GB";
  Normalizers g(gb);
  EXPECT_EQ(Phone(g, "020 7946 0958"), "+442079460958");
  EXPECT_EQ(Phone(g, "07911 123456"), "+447911123456");
  EXPECT_EQ(Phone(g, "00 49 30 1234567"), "+49301234567");
  EXPECT_EQ(Phone(g, "+1 415 555 2671"), "+14155552671");

  EngineConfig de;
  de.default_region = "DE";
  Normalizers d(de);
  EXPECT_EQ(Phone(d, "030 1234567"), "+49301234567");
  EXPECT_EQ(Phone(d, "030/1234567"), "+49301234567");
}

TEST(Normalize, PhoneUnknownRegionNeedsPlus) {
  EngineConfig zz;
  zz.default_region = "ZZ";
  Normalizers n(zz);
  EXPECT_EQ(Phone(n, "+44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(Phone(n, "020 7946 0958"), "!unparseable phone number");
}

TEST(Normalize, DigitDfaMatchesPatterns) {
  auto dfa = DigitDfa::Compile("[2-9]\\d{9}|3\\d{6}");
  ASSERT_TRUE(dfa.has_value());
  EXPECT_TRUE(dfa->FullMatch("4155552671"));
  EXPECT_TRUE(dfa->FullMatch("3123456"));
  EXPECT_FALSE(dfa->FullMatch("1155552671"));
  EXPECT_FALSE(dfa->FullMatch("415555267"));
  auto au = DigitDfa::Compile("0|(183[12])");
  ASSERT_TRUE(au.has_value());
  EXPECT_EQ(au->PrefixMatchLengths("0123"), 0b10u);
  EXPECT_EQ(au->PrefixMatchLengths("18312"), 0b10000u);
  EXPECT_EQ(au->PrefixMatchLengths("1234"), 0u);
  auto lazy = DigitDfa::Compile("1(?:2\\d{1,2}?)?");
  ASSERT_TRUE(lazy.has_value());
  EXPECT_EQ(lazy->PrefixMatchLengths("12345"), 0b11010u);
  EXPECT_FALSE(DigitDfa::Compile("a|b").has_value());
  EXPECT_FALSE(DigitDfa::Compile("(1").has_value());
  EXPECT_FALSE(DigitDfa::Compile("[^1]").has_value());
  EXPECT_FALSE(DigitDfa::Compile("1++").has_value());
  auto empty = DigitDfa::Compile("");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->PrefixMatchLengths("12"), 1u);
}

// Random phone strings in many shapes; a region's own shapes dominate.
class PhoneGen {
 public:
  explicit PhoneGen(uint64_t seed) : rng_(seed) {}

  std::string Next(const std::string& trunk, int own_cc) {
    static const int kCcs[] = {1,  44, 49, 33,  91, 61,  39, 7,  86,
                               81, 55, 52, 800, 0,  999, 3,  42, 290};
    static const char* kSeps[] = {"", " ", "-", ".", "/", " - "};
    if (Pick(20) == 0) return Garbage();
    std::string nsn;
    int len = 1 + int(Pick(14));
    for (int i = 0; i < len; ++i) nsn.push_back(char('0' + Pick(10)));
    if (Pick(3) != 0 && nsn[0] == '0') nsn[0] = char('1' + Pick(9));
    int cc = Pick(3) == 0 ? kCcs[Pick(std::size(kCcs))] : own_cc;
    std::string prefix;
    switch (Pick(8)) {
      case 0:
        prefix = "+" + std::to_string(cc) + " ";
        break;
      case 1:
        prefix = "00" + std::to_string(cc) + " ";
        break;
      case 2:
        prefix = "011 " + std::to_string(cc) + " ";
        break;
      case 3:
        prefix = std::to_string(cc) + " ";
        break;
      case 4:
        prefix = "+" + std::to_string(cc) + " (" + trunk + ") ";
        break;
      case 5:
        prefix = trunk;
        break;
      default:
        break;
    }
    std::string sep = kSeps[Pick(std::size(kSeps))];
    std::string body;
    size_t group = 2 + Pick(3);
    bool parens = Pick(4) == 0;
    for (size_t i = 0; i < nsn.size(); i += group) {
      std::string g = nsn.substr(i, group);
      if (i == 0 && parens) g = "(" + g + ")";
      if (i > 0) body += sep;
      body += g;
    }
    std::string s = prefix + body;
    if (Pick(15) == 0) s += " x" + std::to_string(Pick(1000));
    if (Pick(30) == 0) s = "tel: " + s;
    if (Pick(40) == 0) s += ".";
    return s;
  }

 private:
  size_t Pick(size_t n) { return size_t(rng_() % n); }

  std::string Garbage() {
    static const std::string kChars = "0123456789+-./() xX#*abcEXT,;";
    std::string s;
    size_t len = Pick(25);
    for (size_t i = 0; i < len; ++i) s.push_back(kChars[Pick(kChars.size())]);
    if (Pick(10) == 0) s += "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93";  // fullwidth 123
    return s;
  }

  std::mt19937_64 rng_;
};

TEST(Normalize, PhoneFastPathEqualsLibphonenumber) {
  struct Region {
    const char* code;
    const char* trunk;
    int cc;
  };
  const Region kRegions[] = {{"US", "1", 1},  {"GB", "0", 44}, {"DE", "0", 49}, {"FR", "0", 33},
                             {"IN", "0", 91}, {"AU", "0", 61}, {"IT", "0", 39}, {"CA", "1", 1},
                             {"BR", "0", 55}, {"RU", "8", 7},  {"JP", "0", 81}, {"MX", "01", 52}};
  size_t total = 0, fast = 0;
  for (const Region& region : kRegions) {
    PhoneNormalizer p(region.code);
    PhoneGen gen(std::hash<std::string>{}(region.code));
    std::string got, want;
    for (int i = 0; i < 4000; ++i) {
      std::string raw = gen.Next(region.trunk, region.cc);
      NormResult slow = p.NormalizeSlow(raw, want);
      NormResult r{};
      bool sure = p.TryFast(raw, got, r);
      NormResult full = p.Normalize(raw, got);
      ++total;
      fast += sure;
      ASSERT_EQ(full.status, slow.status) << region.code << " '" << raw << "'";
      if (slow.status == NormStatus::kOk) {
        ASSERT_EQ(got, want) << region.code << " '" << raw << "'";
      } else {
        ASSERT_STREQ(full.reason, slow.reason) << region.code << " '" << raw << "'";
      }
    }
  }
  // The fast path must carry the bulk: only letters, extensions and odd shapes fall back.
  EXPECT_GT(double(fast) / double(total), 0.7) << fast << " of " << total;
}

}  // namespace
}  // namespace idg
