// Built-in word lists for the generator: US first names with nicknames, last names,
// streets, cities with zip prefixes, area codes, email domains. All views point into static
// storage and live for the whole program. Names are title case; a few carry UTF-8 letters,
// apostrophes, hyphens or spaces, as real data does.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace idg::detail {

struct FirstName {
  std::string_view name;
  std::string_view nick1;  // empty when the name has no common nickname
  std::string_view nick2;  // empty when it has at most one
};

struct StreetSuffix {
  std::string_view abbrev;  // "St"
  std::string_view full;    // "Street"
};

struct City {
  std::string_view name;
  uint16_t zip_prefix;  // zip = zip_prefix * 100 + two digits
};

std::span<const FirstName> FirstNames();
std::span<const std::string_view> LastNames();
std::span<const std::string_view> StreetNames();
std::span<const StreetSuffix> StreetSuffixes();
std::span<const City> Cities();
// Real US area codes: three digits, first digit 2-9.
std::span<const uint16_t> AreaCodes();
// Consumer email domains, repeated by popularity (pick uniformly).
std::span<const std::string_view> EmailDomains();
// Company domains for the shared office mailboxes.
std::span<const std::string_view> CompanyDomains();

}  // namespace idg::detail
