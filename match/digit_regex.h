// A compiled digit-only regular expression: the subset of regex syntax that libphonenumber's
// metadata uses for number patterns ('0'-'9', \d, [...] classes with ranges, (...) and (?:...)
// groups, '|', and the quantifiers ? * + {n} {n,} {n,m}, lazy forms included), turned into a DFA
// over the ten digits. Used by match/phone.cpp to answer, without ICU, the two regex questions
// libphonenumber's Parse asks: "does the whole national number match" (FullMatch) and "which
// prefixes match" (Consume / lookingAt; a set of lengths, so leftmost-first order never matters
// when the set has one element).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace idg::detail {

class DigitDfa {
 public:
  // nullopt when `pattern` uses syntax outside the subset, or the DFA would exceed `max_states`.
  static std::optional<DigitDfa> Compile(std::string_view pattern, size_t max_states = 20000);

  // `digits` must be ASCII digits only. True when the whole string is in the language.
  bool FullMatch(std::string_view digits) const;

  // Bit i is set when digits[0, i) is in the language, for i in [0, min(size, 63)].
  uint64_t PrefixMatchLengths(std::string_view digits) const;

  size_t num_states() const { return accept_.size(); }

 private:
  std::vector<int32_t> next_;  // num_states * 10 transitions; -1 = dead
  std::vector<uint8_t> accept_;
};

}  // namespace idg::detail
