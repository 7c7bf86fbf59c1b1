// Phone numbers to E.164, with the semantics of libphonenumber's Parse(raw, region) +
// IsPossibleNumber + Format(E164), but fast for the common shapes.
//
// The fast path handles ASCII input made of digits, one leading '+', and the separators
// ' ', '-', '.', '/', '(', ')'. It replays libphonenumber's parsing steps (IDD and country-code
// extraction, the "starts with the default country code" rule, national-prefix stripping, the
// length checks) from tables read once from libphonenumber's own compiled metadata; the
// metadata's digit regexes run as DFAs (match/digit_regex.h). Whenever a step is not decided
// for sure (letters, extensions, non-ASCII, prefix rules with transforms, ambiguous prefix
// matches, a pattern outside the DFA subset) it calls libphonenumber itself. The oracle test
// (tests/match/phone_test.cpp) checks both paths agree on 48k generated strings in 12 regions.
//
// Speed (scratch loop, Release, 1 thread of the 2-core dev box, 200k numbers per shape):
// fast path ~40 ns/number on a quiet machine ("(415) 555-2671", "+1 415 555 2671"), 60-120 ns
// under load across US/GB/DE/AU/IN shapes; libphonenumber 15-40 us/number. Construction reads
// and compiles the metadata of all regions once: ~20 ms.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "match/normalize.h"

namespace idg::detail {

struct PhoneTables;

// Thread-safe after construction: all methods are const and touch no shared mutable state.
class PhoneNormalizer {
 public:
  // `default_region`: ISO 3166 code ("US", "GB"); an unknown region sends every value to
  // libphonenumber, which then accepts only numbers written with '+'.
  explicit PhoneNormalizer(std::string_view default_region);
  ~PhoneNormalizer();
  PhoneNormalizer(const PhoneNormalizer&) = delete;
  PhoneNormalizer& operator=(const PhoneNormalizer&) = delete;

  // `raw` already trimmed and non-empty. Writes "+<cc><nsn>" into `out` on kOk.
  NormResult Normalize(std::string_view raw, std::string& out) const;

  // The reference: libphonenumber only. Same contract as Normalize.
  NormResult NormalizeSlow(std::string_view raw, std::string& out) const;

  // Fast path only: false when it is not sure (then `out` and `result` are unspecified).
  bool TryFast(std::string_view raw, std::string& out, NormResult& result) const;

 private:
  std::string region_;
  std::unique_ptr<PhoneTables> tables_;
};

inline constexpr const char* kPhoneUnparseable = "unparseable phone number";
inline constexpr const char* kPhoneNotPossible = "not a possible phone number";

}  // namespace idg::detail
