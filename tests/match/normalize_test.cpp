#include "match/normalize.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "match/text.h"

namespace idg {
namespace {

using namespace std::string_literals;

// "value", or "!reason" for kInvalid, or "!empty" for kEmpty.
std::string Norm(const Normalizers& n, Normalizer kind, std::string_view raw) {
  std::string out;
  NormResult r = n.Normalize(kind, raw, out);
  if (r.status == NormStatus::kEmpty) return "!empty";
  if (r.status == NormStatus::kInvalid) return "!"s + r.reason;
  return out;
}

// Defaults: region US, month-first dates.
const Normalizers& Us() {
  static const Normalizers n{EngineConfig{}};
  return n;
}

TEST(Normalize, NoneAndTrim) {
  EXPECT_EQ(Norm(Us(), Normalizer::kNone, " a b "), " a b ");
  EXPECT_EQ(Norm(Us(), Normalizer::kNone, "  "), "!empty");
  EXPECT_EQ(Norm(Us(), Normalizer::kTrim, " \t a b \r\n"), "a b");
  EXPECT_EQ(Norm(Us(), Normalizer::kTrim, "\xC2\xA0x\xE3\x80\x80"), "x");  // NBSP, ideographic
  EXPECT_EQ(Norm(Us(), Normalizer::kTrim, "\xEF\xBB\xBFid\xE2\x80\x8B"), "id");  // BOM, ZWSP
  EXPECT_EQ(Norm(Us(), Normalizer::kTrim, ""), "!empty");
  EXPECT_EQ(Norm(Us(), Normalizer::kTrim, "\xC2\xA0 \t"), "!empty");
  EXPECT_EQ(Norm(Us(), Normalizer::kTrim, "x"), "x");
  EXPECT_EQ(Norm(Us(), Normalizer::kTrim, " \xC3 "), "\xC3");  // invalid byte kept, not trimmed
}

TEST(Normalize, LowerUpper) {
  EXPECT_EQ(Norm(Us(), Normalizer::kLower, "  AbC-12 "), "abc-12");
  EXPECT_EQ(Norm(Us(), Normalizer::kUpper, "  AbC-12 "), "ABC-12");
  EXPECT_EQ(Norm(Us(), Normalizer::kLower, "ÀÉÎ Ω"), "àéî ω");
  EXPECT_EQ(Norm(Us(), Normalizer::kUpper, "àéî ω"), "ÀÉÎ Ω");
  EXPECT_EQ(Norm(Us(), Normalizer::kUpper, "straße"), "STRAẞE");  // simple 1:1 mapping: U+1E9E
  EXPECT_EQ(Norm(Us(), Normalizer::kLower, "\xFF\xFE"), "!invalid UTF-8");
  EXPECT_EQ(Norm(Us(), Normalizer::kLower, " \t"), "!empty");
}

TEST(Normalize, Email) {
  EXPECT_EQ(Norm(Us(), Normalizer::kEmail, "  John.Doe+x@Example.COM "), "john.doe+x@example.com");
  EXPECT_EQ(Norm(Us(), Normalizer::kEmail, "ÉLODIE@exemple.fr"), "élodie@exemple.fr");
  EXPECT_EQ(Norm(Us(), Normalizer::kEmail, "a@b.co"), "a@b.co");
  for (const char* bad : {"a@b", "@b.com", "a@@b.com", "a@b@c.com", "a b@c.com", "a@b .com",
                          "a@.com", "a@b.com.", "plain", "a@"}) {
    EXPECT_EQ(Norm(Us(), Normalizer::kEmail, bad), "!not an email address") << bad;
  }
  EXPECT_EQ(Norm(Us(), Normalizer::kEmail, "   "), "!empty");
}

TEST(Normalize, Name) {
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "José  Müller"), "jose muller");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "  JOHN   SMITH "), "john smith");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "O’Brien, Ann-Marie"), "o'brien ann-marie");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "Smith,John"), "smith john");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "J.R.R. Tolkien"), "jrr tolkien");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "\xC7\x85"), "dz");  // U+01C5 Dž
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "Straße"), "strasse");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "ﬁona"), "fiona");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "Ｊｏｈｎ"), "john");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "Ångström"), "angstrom");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "Łukasz"), "łukasz");  // a stroke is not a mark
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "Zoë\xC2\xA0Saldaña"), "zoe saldana");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "Jean\t\nPaul"), "jean paul");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "Ann–Marie"), "ann-marie");  // en dash
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "a"), "a");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "..."), "!empty");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, ""), "!empty");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "Jos\xC3"), "!invalid UTF-8");
  EXPECT_EQ(Norm(Us(), Normalizer::kName, "A\0B"s), "ab");  // control characters dropped
}

TEST(Normalize, NameAsciiFastPathEqualsUtf8proc) {
  std::mt19937_64 rng(7);
  std::string fast, slow;
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 24, ' ');
    for (char& c : s) c = char(i % 2 ? rng() % 128 : " .,-'aBcDeZz\t"[rng() % 13]);
    NormResult a = detail::NormalizeName(s, fast);
    NormResult b = detail::NormalizeNameUtf8proc(s, slow);
    ASSERT_EQ(a.status, b.status) << "'" << s << "'";
    ASSERT_EQ(fast, slow) << "'" << s << "'";
  }
}

TEST(Normalize, Postcode) {
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, " sw1a  1aa "), "SW1A 1AA");
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, "12345-6789"), "12345");
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, "123456789"), "12345");
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, "12345"), "12345");
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, "00-950"), "00950");
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, "K1A 0B1"), "K1A 0B1");
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, "75008\xC2\xA0Paris"), "75008 PARIS");
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, "D-10115"), "D10115");
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, " - "), "!empty");
  EXPECT_EQ(Norm(Us(), Normalizer::kPostcode, ""), "!empty");
}

// Random bytes through every normalizer: no crash, a valid status, a reason when invalid.
TEST(Normalize, RandomBytesAreSafe) {
  EngineConfig gb;
  gb.default_region = "GB";
  gb.date_order = DateOrder::kDMY;
  Normalizers n(gb);
  std::mt19937_64 rng(11);
  const std::string kAlphabet = "0123456789+-/.:() TZ@\xC3\xA9\xC2\xA0\x80\xFF\0"s;
  std::string out;
  for (int i = 0; i < 20000; ++i) {
    std::string s(i == 0 ? 200000 : rng() % 40, '\0');
    for (char& c : s) c = i % 2 ? char(rng()) : kAlphabet[rng() % kAlphabet.size()];
    for (int k = 0; k <= int(Normalizer::kPostcode); ++k) {
      NormResult r = n.Normalize(Normalizer(k), s, out);
      ASSERT_TRUE(r.status == NormStatus::kOk || r.status == NormStatus::kEmpty ||
                  r.status == NormStatus::kInvalid);
      if (r.status == NormStatus::kInvalid) {
        ASSERT_NE(r.reason, nullptr);
      }
      if (r.status == NormStatus::kOk && k != int(Normalizer::kNone)) {
        ASSERT_FALSE(out.empty());
      }
    }
    (void)ParseTimestamp(s);
  }
}

}  // namespace
}  // namespace idg

namespace idg {
namespace {

TEST(NormalizeStreet, AbbreviatesStreetWords) {
  Normalizers n(EngineConfig{});
  std::string out;
  EXPECT_EQ(n.Normalize(Normalizer::kStreet, "12 Oak Street", out).status, NormStatus::kOk);
  EXPECT_EQ(out, "12 oak st");
  n.Normalize(Normalizer::kStreet, " 12  OAK ST. ", out);
  EXPECT_EQ(out, "12 oak st");
  n.Normalize(Normalizer::kStreet, "4807 North Franklin Road, Apartment 3", out);
  EXPECT_EQ(out, "4807 n franklin rd apt 3");
  n.Normalize(Normalizer::kStreet, "Boulevard Haussmann", out);
  EXPECT_EQ(out, "blvd haussmann");  // word by word, wherever it stands
  EXPECT_EQ(n.Normalize(Normalizer::kStreet, "  ", out).status, NormStatus::kEmpty);
  EXPECT_EQ(n.Normalize(Normalizer::kStreet, "bad \xff", out).status, NormStatus::kInvalid);
}

}  // namespace
}  // namespace idg
