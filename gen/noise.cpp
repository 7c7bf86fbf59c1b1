#include "gen/noise.h"

#include <utility>

#include "gen/names.h"
#include "gen/text.h"

namespace idg::detail {
namespace {
constexpr double kNickname = 0.05;
}  // namespace

void FieldNoise::Typo(std::string& s) {
  if (s.size() < 3) return;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return;  // keep UTF-8 valid
  }
  const size_t at = 1 + rng_.Below(s.size() - 1);
  switch (rng_.Below(4)) {
    case 0: {  // substitution, keeping the letter's case
      const char c = s[at];
      const char base = c >= 'a' && c <= 'z' ? 'a' : c >= 'A' && c <= 'Z' ? 'A' : 0;
      if (base) s[at] = static_cast<char>(base + rng_.Below(26));
      break;
    }
    case 1:  // transposition
      if (at + 1 < s.size())
        std::swap(s[at], s[at + 1]);
      else
        std::swap(s[at - 1], s[at]);
      break;
    case 2:  // deletion
      s.erase(at, 1);
      break;
    default:  // doubled letter
      s.insert(at, 1, s[at]);
  }
}

void FieldNoise::Noise(std::string& s, double typo) {
  if (rng_.Chance(typo)) Typo(s);
  if (rng_.Chance(kUpper))
    AsciiUpper(s);
  else if (rng_.Chance(kLower))
    AsciiLower(s);
}

std::string& FieldNoise::First(const Person& p, double typo, bool nicknames) {
  const FirstName& fn = FirstNames()[p.first];
  std::string_view base = fn.name;
  if (nicknames && !fn.nick1.empty() && rng_.Chance(kNickname)) {
    base = !fn.nick2.empty() && rng_.Chance(0.4) ? fn.nick2 : fn.nick1;
  }
  name_.assign(base);
  Noise(name_, typo);
  return name_;
}

std::string& FieldNoise::Last(const Person& p, double typo) {
  name_.assign(LastNames()[p.last]);
  Noise(name_, typo);
  return name_;
}

std::string& FieldNoise::Email(const Person& p) {
  const std::string_view first = FirstNames()[p.first].name;
  const std::string_view last = LastNames()[p.last];
  email_.clear();
  const std::string_view a = p.email_style == 5 ? last : first;
  const std::string_view b = p.email_style == 5 ? first : last;
  AppendEmailWord(email_, a);
  if (p.email_style == 2) email_.resize(1);  // initial
  if (p.email_style != 4) {                  // 4: first name only
    if (p.email_style == 0 || p.email_style == 5) email_.push_back('.');
    if (p.email_style == 3) email_.push_back('_');
    AppendEmailWord(email_, b);
  }
  AppendUint(email_, p.number);
  const size_t at = email_.size();
  email_.push_back('@');
  email_.append(EmailDomains()[p.email_domain]);
  if (rng_.Chance(0.04)) {  // "John.Smith12@gmail.com"
    for (size_t i = 0; i < at; ++i) {
      if ((i == 0 || email_[i - 1] == '.' || email_[i - 1] == '_') && email_[i] >= 'a' &&
          email_[i] <= 'z') {
        email_[i] = static_cast<char>(email_[i] - 'a' + 'A');
      }
    }
  } else if (rng_.Chance(0.015)) {
    AsciiUpper(email_);
  }
  if (rng_.Chance(0.02) && email_[at + 1] >= 'a' && email_[at + 1] <= 'z') {  // "@Gmail.com"
    email_[at + 1] = static_cast<char>(email_[at + 1] - 'a' + 'A');
  }
  if (rng_.Chance(0.02)) {
    const uint64_t where = rng_.Below(3);
    if (where != 1) email_.insert(0, 1, ' ');
    if (where != 0) email_.push_back(' ');
  }
  return email_;
}

const std::string& FieldNoise::Street(const Address& a) {
  const StreetSuffix& suffix = StreetSuffixes()[a.suffix];
  field_.clear();
  AppendUint(field_, a.number);
  field_.push_back(' ');
  field_.append(StreetNames()[a.street]);
  field_.push_back(' ');
  field_.append(rng_.Chance(0.15) ? suffix.full : suffix.abbrev);
  if (a.unit != 0) {
    const uint64_t style = rng_.Below(3);
    field_.append(style == 0 ? " Apt " : style == 1 ? ", Apt " : " #");
    AppendUint(field_, a.unit);
  }
  if (rng_.Chance(kUpper)) AsciiUpper(field_);
  return field_;
}

}  // namespace idg::detail
