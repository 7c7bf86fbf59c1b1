#include "gen/text.h"

#include <algorithm>
#include <array>

namespace idg::detail {

void AppendUuid(std::string& out, const Device& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t hi = (d.hi & ~(0xfULL << 12)) | (0x4ULL << 12);  // version 4
  const uint64_t lo = (d.lo & ~(0x3ULL << 62)) | (0x2ULL << 62);  // variant 10
  char buf[36];
  int at = 0;
  for (int nibble = 0; nibble < 32; ++nibble) {
    if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20) buf[at++] = '-';
    const uint64_t word = nibble < 16 ? hi : lo;
    buf[at++] = kHex[(word >> (60 - 4 * (nibble % 16))) & 15];
  }
  out.append(buf, sizeof buf);
}

namespace {

// "YYYY-MM-DD" of day `days` since 1970-01-01 (civil_from_days, H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms").
constexpr std::array<char, 10> CivilDate(int64_t days) {
  days += 719468;
  const int64_t era = days / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2);
  std::array<char, 10> s = {};
  auto put = [&s](int at, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) s[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, year, 4);
  s[4] = '-';
  put(5, month, 2);
  s[7] = '-';
  put(8, day, 2);
  return s;
}

// Dates of the days the generator's event times fall on, 2020 through 2029, precomputed.
constexpr int64_t kFirstTableDay = 18262;  // 2020-01-01
constexpr int kTableDays = 3653;
struct DateTable {
  std::array<std::array<char, 10>, kTableDays> dates;
  constexpr DateTable() : dates() {
    for (int i = 0; i < kTableDays; ++i) dates[i] = CivilDate(kFirstTableDay + i);
  }
};
constexpr DateTable kDateTable;

}  // namespace

void AppendTimestamp(std::string& out, int64_t unix_seconds) {
  const int64_t days = unix_seconds / 86400;
  const int64_t secs = unix_seconds % 86400;
  char buf[20];
  const int64_t index = days - kFirstTableDay;
  const std::array<char, 10> date =
      index >= 0 && index < kTableDays ? kDateTable.dates[index] : CivilDate(days);
  std::copy(date.begin(), date.end(), buf);
  auto put2 = [&buf](int at, int64_t v) {
    buf[at] = static_cast<char>('0' + v / 10);
    buf[at + 1] = static_cast<char>('0' + v % 10);
  };
  buf[10] = 'T';
  put2(11, secs / 3600);
  buf[13] = ':';
  put2(14, secs / 60 % 60);
  buf[16] = ':';
  put2(17, secs % 60);
  buf[19] = 'Z';
  out.append(buf, sizeof buf);
}

void AppendCsv(std::string& out, std::string_view field, char delimiter) {
  bool quote = false;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendJson(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out.append("\\u00");
      AppendHex(out, u, 2);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void AppendPhone(std::string& out, uint64_t phone, PhoneStyle style) {
  const uint64_t area = phone / 10'000'000;
  const uint64_t exchange = phone / 10'000 % 1000;
  const uint64_t line = phone % 10'000;
  auto parts = [&](const char* sep1, const char* sep2) {
    AppendPadded(out, area, 3);
    out.append(sep1);
    AppendPadded(out, exchange, 3);
    out.append(sep2);
    AppendPadded(out, line, 4);
  };
  switch (style) {
    case PhoneStyle::kParens:
      out.push_back('(');
      parts(") ", "-");
      break;
    case PhoneStyle::kDashes:
      parts("-", "-");
      break;
    case PhoneStyle::kDots:
      parts(".", ".");
      break;
    case PhoneStyle::kSpacedE164:
      out.append("+1 ");
      parts(" ", " ");
      break;
    case PhoneStyle::kDigits:
      parts("", "");
      break;
    case PhoneStyle::kOneDashes:
      out.append("1-");
      parts("-", "-");
      break;
    case PhoneStyle::kE164:
      out.append("+1");
      parts("", "");
      break;
  }
}

void AsciiUpper(std::string& s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
}

void AsciiLower(std::string& s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

void AppendEmailWord(std::string& out, std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c == 0xC3 && i + 1 < name.size()) {                  // U+00C0..U+00FF
      const auto d = static_cast<unsigned char>(name[++i]) | 0x20;  // fold case
      char folded = 0;
      if (d >= 0xA0 && d <= 0xA5)
        folded = 'a';
      else if (d == 0xA7)
        folded = 'c';
      else if (d >= 0xA8 && d <= 0xAB)
        folded = 'e';
      else if (d >= 0xAC && d <= 0xAF)
        folded = 'i';
      else if (d == 0xB1)
        folded = 'n';
      else if (d >= 0xB2 && d <= 0xB6)
        folded = 'o';
      else if (d >= 0xB9 && d <= 0xBC)
        folded = 'u';
      if (folded) out.push_back(folded);
    }
  }
}

}  // namespace idg::detail
