#include "match/phonetic.h"

#include <gtest/gtest.h>

namespace idg {
namespace {

TEST(Soundex, NationalArchivesExamples) {
  EXPECT_EQ(Soundex("Robert"), "R163");
  EXPECT_EQ(Soundex("Rupert"), "R163");
  EXPECT_EQ(Soundex("Rubin"), "R150");
  EXPECT_EQ(Soundex("Ashcraft"), "A261");  // h between s and c: one code
  EXPECT_EQ(Soundex("Ashcroft"), "A261");
  EXPECT_EQ(Soundex("Tymczak"), "T522");   // c and z share a code; the vowel lets k count
  EXPECT_EQ(Soundex("Pfister"), "P236");   // first letter's code swallows f
  EXPECT_EQ(Soundex("Honeyman"), "H555");
  EXPECT_EQ(Soundex("Lee"), "L000");
  EXPECT_EQ(Soundex("Gutierrez"), "G362");
  EXPECT_EQ(Soundex("Jackson"), "J250");
}

TEST(Soundex, SoundsAlikeAndEdgeCases) {
  EXPECT_EQ(Soundex("Smith"), Soundex("Smyth"));
  EXPECT_EQ(Soundex("smith"), Soundex("SMITH"));
  EXPECT_EQ(Soundex("o'brien"), Soundex("OBrien"));
  EXPECT_EQ(Soundex(""), "");
  EXPECT_EQ(Soundex("123 -"), "");
  EXPECT_EQ(Soundex("a"), "A000");
  EXPECT_EQ(Soundex("m\xc3\xbcller"), Soundex("mller"));  // non-ASCII bytes are skipped
}

}  // namespace
}  // namespace idg
