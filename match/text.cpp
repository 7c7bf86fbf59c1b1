#include "match/text.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace idg::detail {
namespace {

constexpr int kNameFlags =
    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK;

bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Decodes one code point at s[i]; returns its byte length, or -1 when invalid.
int Decode(std::string_view s, size_t i, char32_t& c) {
  utf8proc_int32_t cp;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            utf8proc_ssize_t(s.size() - i), &cp);
  if (n <= 0) return -1;
  c = char32_t(cp);
  return int(n);
}

void AppendUtf8(char32_t c, std::string& out) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(utf8proc_int32_t(c), buf);
  out.append(reinterpret_cast<const char*>(buf), size_t(n));
}

// The word-level rules of NormalizeName for one code point of case-folded text.
// `pending_space`: a separator was seen since the last emitted character.
inline void AppendNameChar(char32_t c, std::string& out, bool& pending_space) {
  if (c == '.') return;
  if (c == ',' || c == 0x85 ||
      (c < 0x80 ? IsAsciiSpace(static_cast<unsigned char>(c)) : IsSpaceCodepoint(c))) {
    pending_space = true;
    return;
  }
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return;
  if (c == 0x2018 || c == 0x2019 || c == 0x02BC) c = '\'';
  if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212) c = '-';
  if (pending_space && !out.empty()) out.push_back(' ');
  pending_space = false;
  if (c < 0x80) {
    out.push_back(char(c));
  } else {
    AppendUtf8(c, out);
  }
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace

bool IsSpaceCodepoint(char32_t c) {
  if (c < 0x80) return IsAsciiSpace(static_cast<unsigned char>(c));
  switch (c) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0x200B:
    case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e) {
    unsigned char u = static_cast<unsigned char>(s[b]);
    if (u < 0x80) {
      if (!IsAsciiSpace(u)) break;
      ++b;
      continue;
    }
    char32_t c;
    int n = Decode(s.substr(0, e), b, c);
    if (n < 0 || !IsSpaceCodepoint(c)) break;
    b += size_t(n);
  }
  while (e > b) {
    unsigned char u = static_cast<unsigned char>(s[e - 1]);
    if (u < 0x80) {
      if (!IsAsciiSpace(u)) break;
      --e;
      continue;
    }
    size_t start = e - 1;  // back up to the lead byte, at most 3 continuation bytes
    while (start > b && e - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    char32_t c;
    int n = Decode(s.substr(0, e), start, c);
    if (n < 0 || start + size_t(n) != e || !IsSpaceCodepoint(c)) break;
    e = start;
  }
  return s.substr(b, e - b);
}

NormResult CaseMap(std::string_view raw, bool upper, std::string& out) {
  std::string_view s = Trim(raw);
  out.clear();
  if (s.empty()) return {NormStatus::kEmpty};
  if (IsAscii(s)) {
    out.resize(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (upper) {
        out[i] = (c >= 'a' && c <= 'z') ? char(c - 32) : c;
      } else {
        out[i] = (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
      }
    }
    return {NormStatus::kOk};
  }
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char u = static_cast<unsigned char>(s[i]);
    if (u < 0x80) {
      out.push_back(upper ? ((u >= 'a' && u <= 'z') ? char(u - 32) : char(u))
                          : ((u >= 'A' && u <= 'Z') ? char(u + 32) : char(u)));
      ++i;
      continue;
    }
    char32_t c;
    int n = Decode(s, i, c);
    if (n < 0) {
      out.clear();
      return {NormStatus::kInvalid, kInvalidUtf8};
    }
    i += size_t(n);
    auto m = upper ? utf8proc_toupper(utf8proc_int32_t(c)) : utf8proc_tolower(utf8proc_int32_t(c));
    AppendUtf8(char32_t(m), out);
  }
  return {NormStatus::kOk};
}

NormResult NormalizeNameUtf8proc(std::string_view raw, std::string& out) {
  std::string_view s = Trim(raw);
  out.clear();
  if (s.empty()) return {NormStatus::kEmpty};
  utf8proc_uint8_t* mapped = nullptr;
  auto len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                          utf8proc_ssize_t(s.size()), &mapped, utf8proc_option_t(kNameFlags));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owner(mapped);
  if (len < 0) return {NormStatus::kInvalid, kInvalidUtf8};
  std::string_view m(reinterpret_cast<const char*>(mapped), size_t(len));
  bool pending_space = false;
  for (size_t i = 0; i < m.size();) {
    char32_t c;
    int n = Decode(m, i, c);
    if (n < 0) {  // utf8proc output is valid UTF-8; a failure here is our bug
      out.clear();
      return {NormStatus::kInvalid, kInvalidUtf8};
    }
    i += size_t(n);
    AppendNameChar(c, out, pending_space);
  }
  return out.empty() ? NormResult{NormStatus::kEmpty} : NormResult{NormStatus::kOk};
}

NormResult NormalizeName(std::string_view raw, std::string& out) {
  std::string_view s = Trim(raw);
  if (!IsAscii(s)) return NormalizeNameUtf8proc(s, out);
  out.clear();
  if (s.empty()) return {NormStatus::kEmpty};
  out.reserve(s.size());
  bool pending_space = false;
  for (char ch : s) {
    char32_t c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') c += 32;
    AppendNameChar(c, out, pending_space);
  }
  return out.empty() ? NormResult{NormStatus::kEmpty} : NormResult{NormStatus::kOk};
}

}  // namespace idg::detail
