// Calendar dates and event timestamps. Pure functions: no locale, no time zone database,
// no libc time functions; thread-safe and allocation-free beyond `out`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/config.h"
#include "match/normalize.h"

namespace idg::detail {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

bool IsLeapYear(int y);
int DaysInMonth(int y, int m);  // m in 1..12

// A date in one of the accepted shapes to "YYYY-MM-DD". `raw` is trimmed here. Shapes:
//   ISO "YYYY-MM-DD", "YYYY/MM/DD", "YYYY.MM.DD", "YYYYMMDD", and ISO date-times (the date
//   part of "YYYY-MM-DDT..." or "YYYY-MM-DD hh:..." is kept, the rest is not checked);
//   "DD.MM.YYYY" (always day first);
//   "a/b/YYYY" and "a-b-YYYY": month first under DateOrder::kMDY, day first under kDMY,
//   rejected ("ambiguous day/month order") under kYMD;
//   English month names, full or 3-letter ("Sept" too), any case, in any order with a
//   1-2 digit day (ordinal suffix allowed: "2nd") and a 4-digit year: "Mar 2, 1980",
//   "2 March 1980", "March 2nd 1980", "02-Mar-1980", "1980 Mar 02"; a leading weekday name
//   is ignored.
// Two-digit years are rejected ("ambiguous 2-digit year"): no pivot year guesses a century.
// Years outside 1800..2100 -> "year out of range"; impossible days -> "not a calendar date".
NormResult NormalizeDate(std::string_view raw, DateOrder order, std::string& out);

// See idg::ParseTimestamp in normalize.h.
std::optional<int64_t> ParseTimestampImpl(std::string_view raw);

}  // namespace idg::detail
