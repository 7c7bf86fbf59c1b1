// Text normalizers: trimming, case mapping, person names. All functions are pure and
// thread-safe; on ASCII input they neither call utf8proc nor allocate beyond `out`.
#pragma once

#include <string>
#include <string_view>

#include "match/normalize.h"

namespace idg::detail {

inline constexpr const char* kInvalidUtf8 = "invalid UTF-8";

// True for the code points trimmed and collapsed as whitespace: Unicode White_Space
// (ASCII \t \n \v \f \r and space, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
// U+202F, U+205F, U+3000) plus U+200B and U+FEFF, which show up in pasted data.
bool IsSpaceCodepoint(char32_t c);

// `s` without leading and trailing whitespace. Bytes that are not valid UTF-8 are not
// whitespace and stop the trim.
std::string_view Trim(std::string_view s);

// Trim + lowercase (`upper` false) or uppercase, by simple (1:1) Unicode case mapping.
// kInvalid on invalid UTF-8.
NormResult CaseMap(std::string_view raw, bool upper, std::string& out);

// Person names: trim, Unicode NFKC + case fold + strip combining marks, then: '.' is dropped;
// ',' and any whitespace or control character separate words; typographic apostrophes
// (U+2018, U+2019, U+02BC) become '\'' and dashes (U+2010..U+2015, U+2212) become '-'; other
// control characters are dropped; runs of separators become one space, none at the ends.
// "José  Müller" -> "jose muller", "O’Brien, Ann-Marie" -> "o'brien ann-marie".
// Marks are stripped in every script (Devanagari vowel signs too): fine for Latin-script
// matching, lossy elsewhere. ASCII input takes a path without utf8proc (~70 ns for a short
// name vs ~900 ns through utf8proc_map) that tests prove gives the same output.
NormResult NormalizeName(std::string_view raw, std::string& out);

// NormalizeName through utf8proc for every input, ASCII included: the oracle for its ASCII
// fast path.
NormResult NormalizeNameUtf8proc(std::string_view raw, std::string& out);

}  // namespace idg::detail
