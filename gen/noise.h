// Field values the way people and clerks type them: typos, nicknames, case variants and
// format variants of names, emails and street addresses.
#pragma once

#include <string>

#include "gen/people.h"
#include "gen/rng.h"

namespace idg::detail {

inline constexpr double kUpper = 0.03, kLower = 0.02;  // whole value in one case

// Draws noise from the Rng it borrows (which must outlive it). The strings returned are
// scratch storage owned by this object, valid until the next call of the same method; the
// caller may change them.
class FieldNoise {
 public:
  explicit FieldNoise(Rng& rng) : rng_(rng) {}

  // The person's first name; with `nicknames`, sometimes a nickname (Robert -> Bob). With
  // probability `typo` one edit (substitution, transposition, deletion, doubling).
  std::string& First(const Person& p, double typo, bool nicknames);
  std::string& Last(const Person& p, double typo);
  // The person's own address, unique because its local part ends in the person number;
  // sometimes with capitals, an upper-case domain or surrounding spaces.
  std::string& Email(const Person& p);
  // "123 Main St Apt 4" and variants (suffix spelled out, ", Apt 4", "#4", upper case).
  const std::string& Street(const Address& a);
  // A typo with probability `typo`, then sometimes upper or lower case.
  void Noise(std::string& s, double typo);

 private:
  void Typo(std::string& s);

  Rng& rng_;
  std::string name_, email_, field_;
};

}  // namespace idg::detail
