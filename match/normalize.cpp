// Dispatch for Normalizers, plus the small normalizers (email, postcode). Phones live in
// phone.{h,cpp}, dates in date.{h,cpp}, text and names in text.{h,cpp}.
#include "match/normalize.h"

#include "match/date.h"
#include "match/phone.h"
#include "match/street.h"
#include "match/text.h"

namespace idg {
namespace {

constexpr const char* kNotEmail = "not an email address";

// Trim + lowercase, then: exactly one '@', a non-empty local part, a domain with a '.' that
// is neither its first nor its last character, and no whitespace or control characters.
NormResult NormalizeEmail(std::string_view raw, std::string& out) {
  NormResult r = detail::CaseMap(raw, /*upper=*/false, out);
  if (r.status != NormStatus::kOk) return r;
  size_t at = out.find('@');
  bool ok = at != std::string::npos && at > 0 && out.find('@', at + 1) == std::string::npos;
  if (ok) {
    std::string_view domain = std::string_view(out).substr(at + 1);
    size_t dot = domain.find('.');
    ok = dot != std::string_view::npos && domain.front() != '.' && domain.back() != '.';
  }
  for (size_t i = 0; ok && i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    ok = c > ' ' && c != 0x7F;
  }
  if (!ok) {
    out.clear();
    return {NormStatus::kInvalid, kNotEmail};
  }
  return r;
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Trim, uppercase ASCII letters, keep ASCII letters and digits, whitespace runs become one
// space, every other character is dropped; a US ZIP+4 ("12345-6789", "12345 6789",
// "123456789") keeps its first 5 digits.
NormResult NormalizePostcode(std::string_view raw, std::string& out) {
  std::string_view s = detail::Trim(raw);
  out.clear();
  if ((s.size() == 10 && (s[5] == '-' || s[5] == ' ') && IsDigits(s.substr(0, 5)) &&
       IsDigits(s.substr(6))) ||
      (s.size() == 9 && IsDigits(s))) {
    out.assign(s.substr(0, 5));
    return {NormStatus::kOk};
  }
  bool pending_space = false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.push_back(c >= 'a' ? char(c - 32) : char(c));
    } else if (c == ' ' || (c >= '\t' && c <= '\r')) {
      pending_space = true;
    } else if (c >= 0x80) {  // a non-ASCII space separates; any other code point is dropped
      size_t j = i + 1;
      while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80 && j - i < 4) ++j;
      std::string_view seq = s.substr(i, j - i);
      if (detail::Trim(seq).empty()) pending_space = true;
      i = j - 1;
    }
  }
  return out.empty() ? NormResult{NormStatus::kEmpty} : NormResult{NormStatus::kOk};
}

}  // namespace

struct Normalizers::Impl {
  explicit Impl(const EngineConfig& engine)
      : date_order(engine.date_order), phone(engine.default_region) {}
  DateOrder date_order;
  detail::PhoneNormalizer phone;
};

Normalizers::Normalizers(const EngineConfig& engine) : impl_(std::make_unique<Impl>(engine)) {}
Normalizers::~Normalizers() = default;

NormResult Normalizers::Normalize(Normalizer n, std::string_view raw, std::string& out) const {
  switch (n) {
    case Normalizer::kNone:
      out.assign(raw);
      return detail::Trim(raw).empty() ? NormResult{NormStatus::kEmpty}
                                       : NormResult{NormStatus::kOk};
    case Normalizer::kTrim: {
      std::string_view s = detail::Trim(raw);
      out.assign(s);
      return s.empty() ? NormResult{NormStatus::kEmpty} : NormResult{NormStatus::kOk};
    }
    case Normalizer::kLower:
      return detail::CaseMap(raw, /*upper=*/false, out);
    case Normalizer::kUpper:
      return detail::CaseMap(raw, /*upper=*/true, out);
    case Normalizer::kEmail:
      return NormalizeEmail(raw, out);
    case Normalizer::kPhone: {
      std::string_view s = detail::Trim(raw);
      out.clear();
      if (s.empty()) return {NormStatus::kEmpty};
      NormResult r = impl_->phone.Normalize(s, out);
      if (r.status != NormStatus::kOk) out.clear();
      return r;
    }
    case Normalizer::kName:
      return detail::NormalizeName(raw, out);
    case Normalizer::kStreet:
      return detail::NormalizeStreet(raw, out);
    case Normalizer::kDate:
      return detail::NormalizeDate(raw, impl_->date_order, out);
    case Normalizer::kPostcode:
      return NormalizePostcode(raw, out);
  }
  out.clear();
  return {NormStatus::kInvalid, "unknown normalizer"};
}

std::optional<int64_t> ParseTimestamp(std::string_view raw) {
  return detail::ParseTimestampImpl(raw);
}

}  // namespace idg
