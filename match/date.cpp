#include "match/date.h"

#include "match/text.h"

namespace idg::detail {
namespace {

constexpr const char* kUnrecognized = "unrecognized date format";
constexpr const char* kTwoDigitYear = "ambiguous 2-digit year";
constexpr const char* kAmbiguousOrder = "ambiguous day/month order";
constexpr const char* kYearRange = "year out of range";
constexpr const char* kNotCalendar = "not a calendar date";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }

// Value of an all-digit string of at most 9 digits; -1 otherwise.
int Number(std::string_view s) {
  if (s.empty() || s.size() > 9) return -1;
  int v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool EqualsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (Lower(word[i]) != lower[i]) return false;
  }
  return true;
}

// 1..12 for an English month name (full, 3-letter, or "sept"); 0 otherwise.
int MonthFromName(std::string_view w) {
  static constexpr std::string_view kFull[12] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
  for (int i = 0; i < 12; ++i) {
    if (EqualsLower(w, kFull[i]) || EqualsLower(w, kFull[i].substr(0, 3))) return i + 1;
  }
  return EqualsLower(w, "sept") ? 9 : 0;
}

bool IsWeekdayName(std::string_view w) {
  static constexpr std::string_view kDays[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                                "friday", "saturday", "sunday"};
  for (auto d : kDays) {
    if (EqualsLower(w, d) || EqualsLower(w, d.substr(0, 3))) return true;
  }
  return false;
}

NormResult Emit(int y, int m, int d, std::string& out) {
  if (y < 1800 || y > 2100) return {NormStatus::kInvalid, kYearRange};
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m))
    return {NormStatus::kInvalid, kNotCalendar};
  char buf[10] = {char('0' + y / 1000),
                  char('0' + y / 100 % 10),
                  char('0' + y / 10 % 10),
                  char('0' + y % 10),
                  '-',
                  char('0' + m / 10),
                  char('0' + m % 10),
                  '-',
                  char('0' + d / 10),
                  char('0' + d % 10)};
  out.assign(buf, 10);
  return {NormStatus::kOk};
}

// "YYYY-MM-DD" exactly (digits checked, values not).
bool SplitIsoDate(std::string_view s, int& y, int& m, int& d) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  y = Number(s.substr(0, 4));
  m = Number(s.substr(5, 2));
  d = Number(s.substr(8, 2));
  return y >= 0 && m >= 0 && d >= 0;
}

struct Token {
  std::string_view text;
  bool numeric;
};

}  // namespace

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

NormResult NormalizeDate(std::string_view raw, DateOrder order, std::string& out) {
  std::string_view s = Trim(raw);
  out.clear();
  if (s.empty()) return {NormStatus::kEmpty};
  if (s.size() > 64) return {NormStatus::kInvalid, kUnrecognized};
  int y, m, d;
  // ISO date-time: keep the date part.
  if (s.size() > 10 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') &&
      SplitIsoDate(s.substr(0, 10), y, m, d)) {
    return Emit(y, m, d, out);
  }
  if (s.size() == 8 && Number(s) >= 0) {
    return Emit(Number(s.substr(0, 4)), Number(s.substr(4, 2)), Number(s.substr(6, 2)), out);
  }
  // Tokens: runs of digits or of letters; separators are - / . , space.
  Token tokens[4];
  size_t count = 0;
  char num_sep = 0;  // the separator after the first numeric token, when it is - / .
  bool mixed_seps = false;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    size_t j = i;
    if (IsDigit(c) || IsAlpha(c)) {
      bool digit = IsDigit(c);
      while (j < s.size() && (digit ? IsDigit(s[j]) : IsAlpha(s[j]))) ++j;
      if (digit && j < s.size() && IsAlpha(s[j])) {  // ordinal suffix: 1st 2nd 3rd 4th
        size_t k = j;
        while (k < s.size() && IsAlpha(s[k])) ++k;
        std::string_view suf = s.substr(j, k - j);
        if (!EqualsLower(suf, "st") && !EqualsLower(suf, "nd") && !EqualsLower(suf, "rd") &&
            !EqualsLower(suf, "th")) {
          return {NormStatus::kInvalid, kUnrecognized};
        }
        if (count == 4) return {NormStatus::kInvalid, kUnrecognized};
        tokens[count++] = {s.substr(i, j - i), true};
        i = k;
        continue;
      }
      if (count == 4) return {NormStatus::kInvalid, kUnrecognized};
      tokens[count++] = {s.substr(i, j - i), digit};
      i = j;
    } else if (c == '-' || c == '/' || c == '.' || c == ',' || c == ' ') {
      if (c != ' ' && c != ',') {
        if (num_sep == 0)
          num_sep = c;
        else if (num_sep != c)
          mixed_seps = true;
      }
      ++i;
    } else {
      return {NormStatus::kInvalid, kUnrecognized};
    }
  }
  size_t first = 0;
  if (count == 4 && !tokens[0].numeric && IsWeekdayName(tokens[0].text)) first = 1;
  if (count - first != 3) return {NormStatus::kInvalid, kUnrecognized};
  const Token* t = tokens + first;
  int words = 0;
  for (int i = 0; i < 3; ++i) words += !t[i].numeric;
  if (words == 1) {  // month name, day, 4-digit year in any order
    int year = -1, day = -1, month = 0, two_digit_year = 0;
    for (int i = 0; i < 3; ++i) {
      if (!t[i].numeric) {
        month = MonthFromName(t[i].text);
      } else if (t[i].text.size() == 4 && year < 0) {
        year = Number(t[i].text);
      } else if (t[i].text.size() <= 2 && day < 0) {
        day = Number(t[i].text);
      } else if (t[i].text.size() <= 2) {
        two_digit_year = 1;
      } else {
        return {NormStatus::kInvalid, kUnrecognized};
      }
    }
    if (month == 0) return {NormStatus::kInvalid, kUnrecognized};
    if (year < 0) {
      return {NormStatus::kInvalid, two_digit_year ? kTwoDigitYear : kUnrecognized};
    }
    if (day < 0) return {NormStatus::kInvalid, kUnrecognized};
    return Emit(year, month, day, out);
  }
  if (words != 0 || mixed_seps || num_sep == 0) return {NormStatus::kInvalid, kUnrecognized};
  std::string_view a = t[0].text, b = t[1].text, c = t[2].text;
  if (a.size() == 4 && b.size() <= 2 && c.size() <= 2) {
    return Emit(Number(a), Number(b), Number(c), out);
  }
  if (a.size() > 2 || b.size() > 2) return {NormStatus::kInvalid, kUnrecognized};
  if (c.size() == 2) return {NormStatus::kInvalid, kTwoDigitYear};
  if (c.size() != 4) return {NormStatus::kInvalid, kUnrecognized};
  if (num_sep == '.') return Emit(Number(c), Number(b), Number(a), out);
  switch (order) {
    case DateOrder::kMDY:
      return Emit(Number(c), Number(a), Number(b), out);
    case DateOrder::kDMY:
      return Emit(Number(c), Number(b), Number(a), out);
    case DateOrder::kYMD:
      break;
  }
  return {NormStatus::kInvalid, kAmbiguousOrder};
}

std::optional<int64_t> ParseTimestampImpl(std::string_view raw) {
  std::string_view s = Trim(raw);
  if (s.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : s) all_digits = all_digits && IsDigit(c);
  if (all_digits) {
    if (s.size() > 13 || s.size() == 12) return std::nullopt;
    int64_t v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return s.size() == 13 ? v / 1000 : v;
  }
  int y, mo, d;
  if (s.size() < 10 || !SplitIsoDate(s.substr(0, 10), y, mo, d)) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return std::nullopt;
  int64_t secs = DaysFromCivil(y, unsigned(mo), unsigned(d)) * 86400;
  std::string_view rest = s.substr(10);
  if (rest.empty()) return secs;
  if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') return std::nullopt;
  rest.remove_prefix(1);
  // hh:mm[:ss[.fff]]
  auto two = [&](size_t at) { return rest.size() >= at + 2 ? Number(rest.substr(at, 2)) : -1; };
  int hh = two(0), mm = -1, ss = 0;
  if (hh < 0 || rest.size() < 5 || rest[2] != ':' || (mm = two(3)) < 0) return std::nullopt;
  size_t i = 5;
  if (i < rest.size() && rest[i] == ':') {
    if ((ss = two(i + 1)) < 0) return std::nullopt;
    i += 3;
    if (i < rest.size() && (rest[i] == '.' || rest[i] == ',')) {
      size_t j = i + 1;
      while (j < rest.size() && IsDigit(rest[j])) ++j;
      if (j == i + 1) return std::nullopt;
      i = j;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  secs += hh * 3600 + mm * 60 + ss;
  std::string_view zone = rest.substr(i);
  if (zone.empty() || ((zone[0] == 'Z' || zone[0] == 'z') && zone.size() == 1)) return secs;
  if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
  int sign = zone[0] == '+' ? 1 : -1;
  zone.remove_prefix(1);
  int oh = -1, om = 0;
  if (zone.size() == 2) {
    oh = Number(zone);
  } else if (zone.size() == 4) {
    oh = Number(zone.substr(0, 2)), om = Number(zone.substr(2, 2));
  } else if (zone.size() == 5 && zone[2] == ':') {
    oh = Number(zone.substr(0, 2)), om = Number(zone.substr(3, 2));
  }
  if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
  return secs - sign * (oh * 3600 + om * 60);
}

}  // namespace idg::detail
