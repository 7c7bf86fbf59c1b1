#include "match/date.h"

#include <gtest/gtest.h>

#include <string>

#include "match/normalize.h"

namespace idg {
namespace {

std::string Date(std::string_view raw, DateOrder order = DateOrder::kMDY) {
  std::string out;
  NormResult r = detail::NormalizeDate(raw, order, out);
  if (r.status == NormStatus::kEmpty) return "!empty";
  if (r.status == NormStatus::kInvalid) return std::string("!") + r.reason;
  return out;
}

TEST(Normalize, DateIsoShapes) {
  EXPECT_EQ(Date("1980-03-02"), "1980-03-02");
  EXPECT_EQ(Date(" 1980/3/2 "), "1980-03-02");
  EXPECT_EQ(Date("1980.03.02"), "1980-03-02");
  EXPECT_EQ(Date("19800302"), "1980-03-02");
  EXPECT_EQ(Date("1980-03-02T10:11:12Z"), "1980-03-02");
  EXPECT_EQ(Date("1980-03-02 10:11"), "1980-03-02");
  EXPECT_EQ(Date("02.03.1980"), "1980-03-02");  // day first whatever the order
}

TEST(Normalize, DateNumericOrders) {
  EXPECT_EQ(Date("03/02/1980", DateOrder::kMDY), "1980-03-02");
  EXPECT_EQ(Date("03/02/1980", DateOrder::kDMY), "1980-02-03");
  EXPECT_EQ(Date("3-2-1980", DateOrder::kMDY), "1980-03-02");
  EXPECT_EQ(Date("3-2-1980", DateOrder::kDMY), "1980-02-03");
  EXPECT_EQ(Date("03/02/1980", DateOrder::kYMD), "!ambiguous day/month order");
  EXPECT_EQ(Date("1980/03/02", DateOrder::kDMY), "1980-03-02");
  EXPECT_EQ(Date("13/02/1980", DateOrder::kMDY), "!not a calendar date");
  EXPECT_EQ(Date("13/02/1980", DateOrder::kDMY), "1980-02-13");
  EXPECT_EQ(Date("03/02/80"), "!ambiguous 2-digit year");
}

TEST(Normalize, DateMonthNames) {
  EXPECT_EQ(Date("Mar 2, 1980"), "1980-03-02");
  EXPECT_EQ(Date("2 March 1980"), "1980-03-02");
  EXPECT_EQ(Date("March 2 1980"), "1980-03-02");
  EXPECT_EQ(Date("MARCH 2nd, 1980"), "1980-03-02");
  EXPECT_EQ(Date("02-mar-1980", DateOrder::kDMY), "1980-03-02");
  EXPECT_EQ(Date("1980 Sept 9"), "1980-09-09");
  EXPECT_EQ(Date("Sunday, March 2, 1980"), "1980-03-02");
  EXPECT_EQ(Date("Mar 2, 80"), "!ambiguous 2-digit year");
  EXPECT_EQ(Date("Marc 2, 1980"), "!unrecognized date format");
  EXPECT_EQ(Date("Feb 30, 1980"), "!not a calendar date");
}

TEST(Normalize, DateValidation) {
  EXPECT_EQ(Date("1980-02-29"), "1980-02-29");
  EXPECT_EQ(Date("2000-02-29"), "2000-02-29");
  EXPECT_EQ(Date("1900-02-29"), "!not a calendar date");
  EXPECT_EQ(Date("1981-02-29"), "!not a calendar date");
  EXPECT_EQ(Date("1980-02-30"), "!not a calendar date");
  EXPECT_EQ(Date("1980-04-31"), "!not a calendar date");
  EXPECT_EQ(Date("1980-00-10"), "!not a calendar date");
  EXPECT_EQ(Date("1799-12-31"), "!year out of range");
  EXPECT_EQ(Date("2101-01-01"), "!year out of range");
  EXPECT_EQ(Date("1800-01-01"), "1800-01-01");
  EXPECT_EQ(Date("2100-12-31"), "2100-12-31");
  EXPECT_EQ(Date(""), "!empty");
  EXPECT_EQ(Date(" \t "), "!empty");
  EXPECT_EQ(Date("x"), "!unrecognized date format");
  EXPECT_EQ(Date("1980-03/02"), "!unrecognized date format");
  EXPECT_EQ(Date("1980-03-02-04"), "!unrecognized date format");
  EXPECT_EQ(Date("yesterday"), "!unrecognized date format");
}

TEST(Normalize, DateThroughNormalizers) {
  EngineConfig dmy;
  dmy.date_order = DateOrder::kDMY;
  Normalizers n(dmy);
  std::string out;
  ASSERT_EQ(n.Normalize(Normalizer::kDate, "03/02/1980", out).status, NormStatus::kOk);
  EXPECT_EQ(out, "1980-02-03");
}

TEST(Normalize, DaysFromCivil) {
  EXPECT_EQ(detail::DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(detail::DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(detail::DaysFromCivil(1969, 12, 31), -1);
}

TEST(Normalize, Timestamp) {
  EXPECT_EQ(ParseTimestamp("2024-03-05"), 1709596800);
  EXPECT_EQ(ParseTimestamp("2024-03-05T10:11:12Z"), 1709633472);
  EXPECT_EQ(ParseTimestamp("2024-03-05T10:11:12"), 1709633472);
  EXPECT_EQ(ParseTimestamp("2024-03-05 10:11:12+02:00"), 1709633472 - 7200);
  EXPECT_EQ(ParseTimestamp("2024-03-05T10:11:12-0530"), 1709633472 + 5 * 3600 + 1800);
  EXPECT_EQ(ParseTimestamp("2024-03-05T10:11:12.987654+01"), 1709633472 - 3600);
  EXPECT_EQ(ParseTimestamp("2024-03-05T10:11"), 1709633460);
  EXPECT_EQ(ParseTimestamp("1709633472"), 1709633472);
  EXPECT_EQ(ParseTimestamp("1709633472123"), 1709633472);
  EXPECT_EQ(ParseTimestamp(" 0 "), 0);
  EXPECT_EQ(ParseTimestamp("1969-12-31T23:59:59Z"), -1);
  EXPECT_FALSE(ParseTimestamp("").has_value());
  EXPECT_FALSE(ParseTimestamp("170963347212").has_value());  // 12 digits: neither
  EXPECT_FALSE(ParseTimestamp("17096334721234").has_value());
  EXPECT_FALSE(ParseTimestamp("2024-02-30").has_value());
  EXPECT_FALSE(ParseTimestamp("2024-03-05T24:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestamp("2024-03-05T10:11:12+2").has_value());
  EXPECT_FALSE(ParseTimestamp("2024-03-05T10:11:12Zjunk").has_value());
  EXPECT_FALSE(ParseTimestamp("2024-03-05X10:11").has_value());
  EXPECT_FALSE(ParseTimestamp("-5").has_value());
  EXPECT_FALSE(ParseTimestamp("03/05/2024").has_value());
}

}  // namespace
}  // namespace idg
