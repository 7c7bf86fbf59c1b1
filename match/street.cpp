#include "match/street.h"

#include <algorithm>
#include <array>
#include <utility>

#include "match/text.h"

namespace idg::detail {
namespace {

// Words and their abbreviations (USPS Publication 28, the common ones), sorted by word.
constexpr std::array<std::pair<std::string_view, std::string_view>, 32> kAbbreviations = {{
    {"alley", "aly"},     {"apartment", "apt"}, {"avenue", "ave"},    {"boulevard", "blvd"},
    {"circle", "cir"},    {"court", "ct"},      {"crescent", "cres"}, {"drive", "dr"},
    {"east", "e"},        {"expressway", "expy"}, {"floor", "fl"},    {"freeway", "fwy"},
    {"highway", "hwy"},   {"lane", "ln"},       {"north", "n"},       {"northeast", "ne"},
    {"northwest", "nw"},  {"parkway", "pkwy"},  {"place", "pl"},      {"plaza", "plz"},
    {"road", "rd"},       {"room", "rm"},       {"south", "s"},       {"southeast", "se"},
    {"southwest", "sw"},  {"square", "sq"},     {"street", "st"},     {"suite", "ste"},
    {"terrace", "ter"},   {"trail", "trl"},     {"way", "way"},       {"west", "w"},
}};

std::string_view Abbreviate(std::string_view word) {
  auto it = std::lower_bound(kAbbreviations.begin(), kAbbreviations.end(), word,
                             [](const auto& e, std::string_view w) { return e.first < w; });
  return it != kAbbreviations.end() && it->first == word ? it->second : word;
}

}  // namespace

NormResult NormalizeStreet(std::string_view raw, std::string& out) {
  std::string name;
  const NormResult r = NormalizeName(raw, name);
  if (r.status != NormStatus::kOk) {
    out.clear();
    return r;
  }
  out.clear();
  size_t pos = 0;
  while (pos < name.size()) {
    size_t end = name.find(' ', pos);
    if (end == std::string::npos) end = name.size();
    if (!out.empty()) out += ' ';
    out += Abbreviate(std::string_view(name).substr(pos, end - pos));
    pos = end + 1;
  }
  return r;
}

}  // namespace idg::detail
