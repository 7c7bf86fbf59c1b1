#include "match/phonetic.h"

namespace idg {
namespace {

// Soundex digit of a lowercase letter; 0 for vowels and y; -1 for h and w.
int Code(char c) {
  switch (c) {
    case 'b': case 'f': case 'p': case 'v': return 1;
    case 'c': case 'g': case 'j': case 'k': case 'q': case 's': case 'x': case 'z': return 2;
    case 'd': case 't': return 3;
    case 'l': return 4;
    case 'm': case 'n': return 5;
    case 'r': return 6;
    case 'h': case 'w': return -1;
    default: return 0;
  }
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }
bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

std::string Soundex(std::string_view name) {
  std::string out;
  int last = 0;
  for (char raw : name) {
    const char c = Lower(raw);
    if (!IsLetter(c)) continue;
    const int code = Code(c);
    if (out.empty()) {
      out += char(c - 32);
      last = code;
      continue;
    }
    if (code == -1) continue;  // h and w do not separate equal codes
    if (code != 0 && code != last) {
      out += char('0' + code);
      if (out.size() == 4) break;
    }
    last = code;  // a vowel resets, so equal codes around it both count
  }
  if (out.empty()) return out;
  out.resize(4, '0');
  return out;
}

}  // namespace idg
