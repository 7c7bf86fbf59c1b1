// Fast E.164 normalization that replays libphonenumber's PhoneNumberUtil::ParseHelper (8.12)
// step by step for plain digit strings; see phone.h for when it defers to libphonenumber.
#include "match/phone.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <array>
#include <bit>
#include <optional>
#include <set>
#include <vector>

#include "match/digit_regex.h"

// libphonenumber's compiled metadata (a serialized PhoneMetadataCollection). Exported by
// libphonenumber.so but declared in no installed header.
namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace idg::detail {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr size_t kMinLengthForNsn = 2;   // PhoneNumberUtil::kMinLengthForNsn
constexpr size_t kMaxLengthForNsn = 17;  // PhoneNumberUtil::kMaxLengthForNsn
constexpr size_t kMaxFastDigits = 30;
constexpr size_t kMaxFastInput = 100;

enum class LengthResult { kPossible, kLocalOnly, kTooShort, kTooLong, kInvalidLength };

// The parts of one PhoneMetadata that parsing reads.
struct RegionMeta {
  std::string id;
  int country_code = 0;
  std::string country_code_str;
  std::string idd, npfp, transform, pattern;
  bool has_pattern = false;
  std::vector<int> lengths, local_lengths;  // general_desc possible lengths, as stored
  std::optional<DigitDfa> general_dfa, idd_dfa, npfp_dfa;

  // PhoneNumberUtil::TestNumberLength(number, metadata, UNKNOWN), by length only.
  LengthResult TestLength(size_t len) const {
    if (lengths.empty() || lengths[0] == -1) return LengthResult::kInvalidLength;
    for (int l : local_lengths) {
      if (size_t(l) == len) return LengthResult::kLocalOnly;
    }
    if (size_t(lengths[0]) == len) return LengthResult::kPossible;
    if (size_t(lengths[0]) > len) return LengthResult::kTooShort;
    if (size_t(lengths.back()) < len) return LengthResult::kTooLong;
    for (size_t i = 1; i < lengths.size(); ++i) {
      if (size_t(lengths[i]) == len) return LengthResult::kPossible;
    }
    return LengthResult::kInvalidLength;
  }
};

// Minimal protobuf wire-format reader (proto2: varints and length-delimited fields).
class Wire {
 public:
  Wire(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  bool ok() const { return ok_; }
  bool done() const { return p_ >= end_ || !ok_; }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) break;
      uint8_t b = *p_++;
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    ok_ = false;
    return 0;
  }
  std::string_view Bytes() {
    uint64_t n = Varint();
    if (!ok_ || n > uint64_t(end_ - p_)) {
      ok_ = false;
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(p_), size_t(n));
    p_ += n;
    return s;
  }
  void Skip(int wire_type) {
    switch (wire_type) {
      case 0:
        Varint();
        break;
      case 1:
        Advance(8);
        break;
      case 2:
        Bytes();
        break;
      case 5:
        Advance(4);
        break;
      default:
        ok_ = false;
    }
  }

 private:
  void Advance(size_t n) {
    if (size_t(end_ - p_) < n)
      ok_ = false;
    else
      p_ += n;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

Wire WireOf(std::string_view s) {
  return Wire(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

void ReadInts(Wire& w, int wire_type, std::vector<int>& out) {
  if (wire_type == 0) {
    out.push_back(int(int32_t(w.Varint())));
  } else if (wire_type == 2) {  // packed
    Wire packed = WireOf(w.Bytes());
    while (!packed.done()) out.push_back(int(int32_t(packed.Varint())));
  } else {
    w.Skip(wire_type);
  }
}

void ReadDesc(std::string_view bytes, RegionMeta& m) {
  Wire w = WireOf(bytes);
  while (!w.done()) {
    uint64_t tag = w.Varint();
    int field = int(tag >> 3), type = int(tag & 7);
    if (field == 2 && type == 2) {
      m.pattern = std::string(w.Bytes());
      m.has_pattern = true;
    } else if (field == 9) {
      ReadInts(w, type, m.lengths);
    } else if (field == 10) {
      ReadInts(w, type, m.local_lengths);
    } else {
      w.Skip(type);
    }
  }
}

RegionMeta ReadMetadata(std::string_view bytes) {
  RegionMeta m;
  Wire w = WireOf(bytes);
  while (!w.done()) {
    uint64_t tag = w.Varint();
    int field = int(tag >> 3), type = int(tag & 7);
    if (type == 2 && field == 1)
      ReadDesc(w.Bytes(), m);
    else if (type == 2 && field == 9)
      m.id = std::string(w.Bytes());
    else if (type == 0 && field == 10)
      m.country_code = int(w.Varint());
    else if (type == 2 && field == 11)
      m.idd = std::string(w.Bytes());
    else if (type == 2 && field == 15)
      m.npfp = std::string(w.Bytes());
    else if (type == 2 && field == 16)
      m.transform = std::string(w.Bytes());
    else
      w.Skip(type);
  }
  m.country_code_str = std::to_string(m.country_code);
  return m;
}

// Tri-state answers: the fast path gives up (returns false) on kUnsure.
enum class Tri { kNo, kYes, kUnsure };

Tri Viable(const RegionMeta& m, std::string_view digits) {
  if (!m.has_pattern || m.pattern.empty()) return Tri::kNo;
  if (!m.general_dfa) return Tri::kUnsure;
  return m.general_dfa->FullMatch(digits) ? Tri::kYes : Tri::kNo;
}

// PhoneNumberUtil::MaybeStripNationalPrefixAndCarrierCode. Narrows `number` on a strip;
// false when unsure.
bool StripNationalPrefix(const RegionMeta& m, std::string_view& number) {
  if (number.empty() || m.npfp.empty()) return true;
  if (!m.transform.empty() || !m.npfp_dfa) return false;
  uint64_t lens = m.npfp_dfa->PrefixMatchLengths(number);
  if (lens == 0) return true;
  if (std::popcount(lens) != 1) return false;
  std::string_view stripped = number.substr(size_t(std::countr_zero(lens)));
  Tri orig = Viable(m, number);
  if (orig == Tri::kUnsure) return false;
  if (orig == Tri::kYes) {
    Tri after = Viable(m, stripped);
    if (after == Tri::kUnsure) return false;
    if (after == Tri::kNo) return true;
  }
  number = stripped;
  return true;
}

}  // namespace

struct PhoneTables {
  std::vector<RegionMeta> metas;
  std::array<bool, 1000> valid_cc{};                 // calling codes libphonenumber knows
  std::array<const RegionMeta*, 1000> main_by_cc{};  // main region's metadata per calling code
  const RegionMeta* default_meta = nullptr;

  // PhoneNumberUtil::ExtractCountryCode: the calling code and its digit count, or {0, 0}.
  std::pair<int, size_t> ExtractCc(std::string_view d) const {
    if (d.empty() || d[0] == '0') return {0, 0};
    int v = 0;
    for (size_t i = 1; i <= 3 && i <= d.size(); ++i) {
      v = v * 10 + (d[i - 1] - '0');
      if (valid_cc[size_t(v)]) return {v, i};
    }
    return {0, 0};
  }
};

PhoneNormalizer::PhoneNormalizer(std::string_view default_region)
    : region_(default_region), tables_(std::make_unique<PhoneTables>()) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  Wire coll(static_cast<const uint8_t*>(i18n::phonenumbers::metadata_get()),
            size_t(i18n::phonenumbers::metadata_size()));
  while (!coll.done()) {
    uint64_t tag = coll.Varint();
    if ((tag >> 3) == 1 && (tag & 7) == 2) {
      tables_->metas.push_back(ReadMetadata(coll.Bytes()));
    } else {
      coll.Skip(int(tag & 7));
    }
  }
  if (!coll.ok()) tables_->metas.clear();  // unreadable metadata: everything goes the slow way
  for (RegionMeta& m : tables_->metas) {
    if (m.has_pattern) m.general_dfa = DigitDfa::Compile(m.pattern);
    m.idd_dfa = DigitDfa::Compile(m.idd);
    m.npfp_dfa = DigitDfa::Compile(m.npfp);
  }
  // Calling codes the library knows, with the metadata it uses for each.
  for (int cc = 1; cc < 1000; ++cc) {
    std::string main_region;
    util.GetRegionCodeForCountryCode(cc, &main_region);
    if (main_region == "ZZ") continue;
    tables_->valid_cc[size_t(cc)] = true;
    for (const RegionMeta& m : tables_->metas) {
      if (m.country_code == cc && (m.id == main_region)) tables_->main_by_cc[size_t(cc)] = &m;
    }
  }
  for (const RegionMeta& m : tables_->metas) {
    if (m.id == region_ && m.id != "001") tables_->default_meta = &m;
  }
}

PhoneNormalizer::~PhoneNormalizer() = default;

NormResult PhoneNormalizer::NormalizeSlow(std::string_view raw, std::string& out) const {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  out.clear();
  if (util.Parse(std::string(raw), region_, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return {NormStatus::kInvalid, kPhoneUnparseable};
  }
  if (!util.IsPossibleNumber(number)) return {NormStatus::kInvalid, kPhoneNotPossible};
  util.Format(number, PhoneNumberUtil::E164, &out);
  return {NormStatus::kOk};
}

NormResult PhoneNormalizer::Normalize(std::string_view raw, std::string& out) const {
  NormResult result{NormStatus::kOk};
  if (TryFast(raw, out, result)) return result;
  return NormalizeSlow(raw, out);
}

bool PhoneNormalizer::TryFast(std::string_view raw, std::string& out, NormResult& result) const {
  const PhoneTables& t = *tables_;
  const RegionMeta* def = t.default_meta;
  if (def == nullptr || raw.size() > kMaxFastInput) return false;
  const NormResult unparseable{NormStatus::kInvalid, kPhoneUnparseable};

  // ExtractPossibleNumber + IsViablePhoneNumber, for the accepted alphabet.
  char buf[kMaxFastDigits];
  size_t n = 0, first_pos = 0, last_pos = 0;
  bool plus = false, started = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c >= '0' && c <= '9') {
      if (n == kMaxFastDigits) return false;
      if (n == 0) first_pos = i;
      last_pos = i;
      buf[n++] = c;
      started = true;
    } else if (c == '+') {
      if (started) return false;
      plus = started = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '/' && c != '(' && c != ')') {
      return false;
    }
  }
  const bool two_adjacent = n == 2 && !plus && last_pos == first_pos + 1;
  if (n < 3 && !two_adjacent) return result = unparseable, true;
  std::string_view digits(buf, n);

  // MaybeExtractCountryCode.
  int cc = 0;
  std::string_view national;
  bool from_idd = false;
  if (plus) {
    if (n <= kMinLengthForNsn) return result = unparseable, true;
    auto [code, len] = t.ExtractCc(digits);
    if (code == 0) return false;  // ParseHelper retries without the '+': rare, not replayed
    cc = code;
    national = digits.substr(len);
  } else {
    if (!def->idd_dfa) return false;
    uint64_t lens = def->idd_dfa->PrefixMatchLengths(digits);
    if (lens != 0) {
      if (std::popcount(lens) != 1) return false;
      size_t k = size_t(std::countr_zero(lens));
      if (k >= n || digits[k] != '0') {  // ParsePrefixAsIdd: no IDD when a 0 follows
        from_idd = true;
        std::string_view rest = digits.substr(k);
        if (rest.size() <= kMinLengthForNsn) return result = unparseable, true;
        auto [code, len] = t.ExtractCc(rest);
        if (code == 0) return result = unparseable, true;
        cc = code;
        national = rest.substr(len);
      }
    }
    if (!from_idd) {
      const std::string& ccs = def->country_code_str;
      if (digits.substr(0, ccs.size()) == ccs) {
        std::string_view potential = digits.substr(ccs.size());
        if (!StripNationalPrefix(*def, potential)) return false;
        bool take = def->TestLength(n) == LengthResult::kTooLong;
        if (!take) {
          Tri full = Viable(*def, digits), pot = Viable(*def, potential);
          if (full == Tri::kUnsure || pot == Tri::kUnsure) return false;
          take = full == Tri::kNo && pot == Tri::kYes;
        }
        if (take) cc = def->country_code, national = potential;
      }
    }
  }
  const RegionMeta* meta = def;
  if (cc != 0) {
    meta = t.main_by_cc[size_t(cc)];
    if (meta == nullptr || meta->lengths.empty()) return false;
  } else {
    cc = def->country_code;
    national = digits;
  }

  // ParseHelper: national prefix, kept only when what remains has a possible length.
  if (national.size() < kMinLengthForNsn) return result = unparseable, true;
  std::string_view potential = national;
  if (!StripNationalPrefix(*meta, potential)) return false;
  LengthResult lr = meta->TestLength(potential.size());
  if (lr != LengthResult::kTooShort && lr != LengthResult::kLocalOnly &&
      lr != LengthResult::kInvalidLength) {
    national = potential;
  }
  if (national.size() < kMinLengthForNsn || national.size() > kMaxLengthForNsn) {
    return result = unparseable, true;
  }

  // IsPossibleNumber, against the main region of the calling code.
  const RegionMeta* main = t.main_by_cc[size_t(cc)];
  if (main == nullptr || main->lengths.empty() || def->lengths.empty()) return false;
  lr = main->TestLength(national.size());
  if (lr != LengthResult::kPossible && lr != LengthResult::kLocalOnly) {
    result = {NormStatus::kInvalid, kPhoneNotPossible};
    return true;
  }
  // Format(E164): '+', calling code, national significant number (leading zeros kept).
  out.clear();
  out.push_back('+');
  out.append(main->country_code_str);
  out.append(national);
  result = {NormStatus::kOk};
  return true;
}

}  // namespace idg::detail
