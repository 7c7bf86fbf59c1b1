// Formatting primitives for the generator's hot loop: append to a std::string, no locale,
// no iostreams. Every function appends to `out` and never clears it.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "gen/people.h"

namespace idg::detail {

inline void AppendUint(std::string& out, uint64_t v) {
  char buf[20];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// `v` in decimal, left-padded with zeros to at least `width` digits.
inline void AppendPadded(std::string& out, uint64_t v, int width) {
  char buf[20];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  const auto len = static_cast<int>(r.ptr - buf);
  if (len < width) out.append(static_cast<size_t>(width - len), '0');
  out.append(buf, r.ptr);
}

// The low `digits` nibbles of `v`, lowercase hex, most significant first.
inline void AppendHex(std::string& out, uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[16];
  for (int i = digits - 1; i >= 0; --i, v >>= 4) buf[i] = kHex[v & 15];
  out.append(buf, static_cast<size_t>(digits));
}

// 8-4-4-4-12 lowercase hex with the version-4 and variant bits set.
void AppendUuid(std::string& out, const Device& d);

// "2024-05-06T07:08:09Z" for `unix_seconds` (UTC), 0 <= unix_seconds < 2^40.
void AppendTimestamp(std::string& out, int64_t unix_seconds);

// `field` as one RFC 4180 field: quoted (quotes doubled) when it holds `delimiter`, a quote
// or a line break; as is otherwise.
void AppendCsv(std::string& out, std::string_view field, char delimiter);

// `s` as a JSON string literal, quotes included. `s` must be valid UTF-8.
void AppendJson(std::string& out, std::string_view s);

// Ways people write a 10-digit US phone number.
enum class PhoneStyle : uint8_t {
  kParens,      // (415) 555-2671
  kDashes,      // 415-555-2671
  kDots,        // 415.555.2671
  kSpacedE164,  // +1 415 555 2671
  kDigits,      // 4155552671
  kOneDashes,   // 1-415-555-2671
  kE164,        // +14155552671
};
void AppendPhone(std::string& out, uint64_t phone, PhoneStyle style);

// ASCII case changes; other bytes (UTF-8 included) are left alone.
void AsciiUpper(std::string& s);
void AsciiLower(std::string& s);

// Appends `name` lowercased and folded to ASCII letters for an email local part: common
// Latin-1 accented letters lose their accent, other characters are dropped.
void AppendEmailWord(std::string& out, std::string_view name);

}  // namespace idg::detail
