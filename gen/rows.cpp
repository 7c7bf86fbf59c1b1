#include "gen/rows.h"

#include "gen/names.h"
#include "gen/noise.h"
#include "gen/text.h"

namespace idg::detail {
namespace {

// Noise rates, per field or per record.
constexpr double kTypo = 0.05, kTypoCrm = 0.02;  // one edit in a name
constexpr double kJunk = 0.005;                  // record carries a junk identifier
constexpr double kMalformed = 0.0005;            // record carries an unparseable value
constexpr double kOldAddress = 0.5;              // for people who moved
constexpr double kStorePhone = 0.01, kOfficeEmail = 0.03, kKioskDevice = 0.01;
constexpr double kTrackEvent = 0.031;  // extra non-identify line before an identify

constexpr int64_t kTimeStart = 1672531200;  // 2023-01-01T00:00:00Z
constexpr uint64_t kTimeSpan = 2 * 365 * 86400;

constexpr std::string_view kJunkEmails[] = {"test@test.com", "none@none.com", "noemail@example.com",
                                            "a@a.com", "TEST@TEST.COM"};
constexpr uint64_t kJunkPhones[] = {555'555'5555, 0, 111'111'1111, 234'567'8900};
constexpr std::string_view kJunkDevices[] = {"00000000-0000-0000-0000-000000000000", "unknown"};
constexpr std::string_view kBadPhones[] = {"n/a", "call me", "none", "12345"};
constexpr std::string_view kBadEmails[] = {"john at gmail dot com", "@@", "jane@"};
constexpr std::string_view kBadDobs[] = {"31/31/1980", "1980-13-45", "yesterday"};
constexpr std::string_view kOfficeLocals[] = {"office", "info", "frontdesk", "admin"};
constexpr std::string_view kNameSuffixes[] = {", Jr.", ", Sr.", " III"};
constexpr std::string_view kTrackEvents[] = {"Page Viewed", "Product Viewed", "Added to Cart"};

constexpr PhoneStyle kCrmPhones[] = {PhoneStyle::kParens, PhoneStyle::kParens, PhoneStyle::kDashes,
                                     PhoneStyle::kDashes, PhoneStyle::kE164};
constexpr PhoneStyle kPosPhones[] = {PhoneStyle::kParens, PhoneStyle::kDashes,
                                     PhoneStyle::kDots,   PhoneStyle::kSpacedE164,
                                     PhoneStyle::kDigits, PhoneStyle::kOneDashes};
constexpr PhoneStyle kSupportPhones[] = {PhoneStyle::kParens, PhoneStyle::kDashes,
                                         PhoneStyle::kDots, PhoneStyle::kDigits};
constexpr PhoneStyle kWebPhones[] = {PhoneStyle::kE164, PhoneStyle::kE164, PhoneStyle::kDashes,
                                     PhoneStyle::kDigits, PhoneStyle::kParens};

// What, if anything, is odd about one record.
enum class Special : uint8_t {
  kNone,
  kJunkEmail,
  kJunkPhone,
  kJunkDevice,
  kBadEmail,
  kBadPhone,
  kBadDob
};

class Formatter {
 public:
  Formatter(const GenPlan& plan, const Block& block, Rng& rng, BlockText& text)
      : plan_(plan), block_(block), rng_(rng), text_(text), noise_(rng) {}

  void Crm(const Person& p);
  void Pos(const Person& p, uint64_t row);
  void Support(const Person& p, uint64_t row);
  void Web(const Person& p, uint64_t row);

 private:
  // Rolls the record's oddity among the kinds the source can carry.
  Special Roll(std::initializer_list<Special> junk, std::initializer_list<Special> bad) {
    const double r = static_cast<double>(rng_.Next() >> 11) / 9007199254740992.0;
    if (r < kJunk) return junk.begin()[rng_.Below(junk.size())];
    if (r < kJunk + kMalformed) return bad.begin()[rng_.Below(bad.size())];
    return Special::kNone;
  }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[rng_.Below(N)];
  }

  const Address& AddressOf(const Person& p) {
    return p.moved && rng_.Chance(kOldAddress) ? p.old_home : p.home;
  }
  uint64_t PhoneOf(const Person& p, double landline) {
    return p.landline != 0 && rng_.Chance(landline) ? p.landline : p.mobile;
  }
  void Time(std::string& out) {
    AppendTimestamp(out, kTimeStart + static_cast<int64_t>(rng_.Below(kTimeSpan)));
  }
  void Truth(int source, const Person& p) {
    std::string& t = text_.truth;
    t.append(kSourceNames[source]);
    t.push_back(',');
    t.append(id_);
    t.append(",P");
    AppendPadded(t, p.number, 9);
    t.push_back('\n');
    ++text_.records[source];
  }

  const GenPlan& plan_;
  const Block& block_;
  Rng& rng_;
  BlockText& text_;
  FieldNoise noise_;
  std::string id_, city_, device_;  // scratch, reused across rows
};

void Formatter::Crm(const Person& p) {
  std::string& out = text_.rows[kCrm];
  id_.clear();
  id_.append("C");
  AppendPadded(id_, CustomerNumber(plan_, p.number), 9);
  const Special special = Roll({Special::kJunkEmail, Special::kJunkPhone},
                               {Special::kBadEmail, Special::kBadPhone, Special::kBadDob});
  out.append(id_);
  out.push_back(',');
  if (special == Special::kJunkEmail)
    out.append(Pick(kJunkEmails));
  else if (special == Special::kBadEmail)
    out.append(Pick(kBadEmails));
  else if (!rng_.Chance(0.10))
    AppendCsv(out, noise_.Email(p), ',');
  out.push_back(',');
  if (special == Special::kJunkPhone)
    AppendPhone(out, Pick(kJunkPhones), Pick(kCrmPhones));
  else if (special == Special::kBadPhone)
    out.append(Pick(kBadPhones));
  else if (!rng_.Chance(0.15))
    AppendPhone(out, PhoneOf(p, 0.3), Pick(kCrmPhones));
  out.push_back(',');
  if (!rng_.Chance(0.02)) AppendCsv(out, noise_.First(p, kTypoCrm, false), ',');
  out.push_back(',');
  if (!rng_.Chance(0.02)) AppendCsv(out, noise_.Last(p, kTypoCrm), ',');
  out.push_back(',');
  if (special == Special::kBadDob) {
    out.append(Pick(kBadDobs));
  } else if (!rng_.Chance(0.20)) {
    if (rng_.Chance(0.85)) {  // ISO
      AppendPadded(out, p.birth_year, 4);
      out.push_back('-');
      AppendPadded(out, p.birth_month, 2);
      out.push_back('-');
      AppendPadded(out, p.birth_day, 2);
    } else {  // MDY, as config's date_order says
      const int width = rng_.Chance(0.3) ? 1 : 2;
      AppendPadded(out, p.birth_month, width);
      out.push_back('/');
      AppendPadded(out, p.birth_day, width);
      out.push_back('/');
      AppendPadded(out, p.birth_year, 4);
    }
  }
  out.push_back(',');
  if (rng_.Chance(0.10)) {
    out.append(",,");
  } else {
    const Address& a = AddressOf(p);
    AppendCsv(out, noise_.Street(a), ',');
    out.push_back(',');
    city_.assign(Cities()[a.city].name);
    noise_.Noise(city_, 0);
    AppendCsv(out, city_, ',');
    out.push_back(',');
    AppendPadded(out, a.zip, 5);
    if (rng_.Chance(0.02)) {
      out.push_back('-');
      AppendPadded(out, rng_.Below(10000), 4);
    }
  }
  out.append(rng_.Chance(0.05) ? "," : rng_.Chance(0.02) ? ",us" : ",US");
  out.push_back(',');
  Time(out);
  out.push_back('\n');
  Truth(kCrm, p);
}

void Formatter::Pos(const Person& p, uint64_t row) {
  std::string& out = text_.rows[kPos];
  id_.clear();
  id_.append("T");
  AppendPadded(id_, block_.index * kRecordsPerBlock + row, 10);
  const Special special = Roll({Special::kJunkPhone}, {Special::kBadPhone});
  const bool loyalty = p.has_loyalty && rng_.Chance(0.7);
  const bool store = rng_.Chance(kStorePhone);
  bool phone = special != Special::kNone || store || rng_.Chance(0.7);
  const bool names = rng_.Chance(0.8);
  if (!loyalty && !phone && !names) phone = true;  // every sale says something about the buyer

  out.append(id_);
  out.push_back(';');
  if (loyalty) {
    uint64_t n = LoyaltyNumber(plan_, p.number);
    char code[9] = {'L'};
    const bool lower = rng_.Chance(0.1);
    for (int i = 8; i >= 1; --i, n /= 36) {
      const auto d = static_cast<char>(n % 36);
      code[i] = static_cast<char>(d < 10 ? '0' + d : (lower ? 'a' : 'A') + d - 10);
    }
    if (lower) code[0] = 'l';
    out.append(code, sizeof code);
  }
  out.push_back(';');
  if (special == Special::kJunkPhone) {
    AppendPhone(out, Pick(kJunkPhones), Pick(kPosPhones));
  } else if (special == Special::kBadPhone) {
    out.append(Pick(kBadPhones));
  } else if (store) {  // the cashier typed the store's number
    AppendPhone(out, StorePhone(plan_, static_cast<uint32_t>(rng_.Below(plan_.stores))),
                Pick(kPosPhones));
  } else if (phone) {
    AppendPhone(out, PhoneOf(p, 0.2), Pick(kPosPhones));
  }
  out.push_back(';');
  if (names) {
    AppendCsv(out, noise_.First(p, kTypo, true), ';');
    out.push_back(';');
    AppendCsv(out, noise_.Last(p, kTypo), ';');
  } else {
    out.push_back(';');
  }
  out.push_back(';');
  if (rng_.Chance(0.75)) AppendPadded(out, AddressOf(p).zip, 5);
  out.push_back(';');
  Time(out);
  out.push_back('\n');
  Truth(kPos, p);
}

void Formatter::Support(const Person& p, uint64_t row) {
  std::string& out = text_.rows[kSupport];
  id_.clear();
  id_.append("TCK");
  AppendPadded(id_, block_.index * kRecordsPerBlock + row, 10);
  const Special special =
      Roll({Special::kJunkEmail, Special::kJunkPhone}, {Special::kBadEmail, Special::kBadPhone});
  const bool office = rng_.Chance(kOfficeEmail);
  bool email = office || special == Special::kJunkEmail || special == Special::kBadEmail ||
               rng_.Chance(0.85);
  const bool phone =
      special == Special::kJunkPhone || special == Special::kBadPhone || rng_.Chance(0.65);
  if (!email && !phone) email = true;

  out.append(id_);
  out.push_back(',');
  if (special == Special::kJunkEmail) {
    out.append(Pick(kJunkEmails));
  } else if (special == Special::kBadEmail) {
    out.append(Pick(kBadEmails));
  } else if (office) {  // a shared mailbox at the person's workplace
    const uint64_t k = rng_.Below(plan_.offices);
    const auto companies = CompanyDomains();
    out.append(kOfficeLocals[k % 4]);
    if (k >= 4 * companies.size()) AppendUint(out, k / (4 * companies.size()));
    out.push_back('@');
    out.append(companies[k / 4 % companies.size()]);
  } else if (email) {
    AppendCsv(out, noise_.Email(p), ',');
  }
  out.push_back(',');
  if (special == Special::kJunkPhone)
    AppendPhone(out, Pick(kJunkPhones), Pick(kSupportPhones));
  else if (special == Special::kBadPhone)
    out.append(Pick(kBadPhones));
  else if (phone)
    AppendPhone(out, PhoneOf(p, 0.25), Pick(kSupportPhones));
  out.push_back(',');
  if (rng_.Chance(0.9)) {
    std::string& first = noise_.First(p, kTypo, true);
    const FirstName& fn = FirstNames()[p.first];
    if (!fn.nick1.empty() && rng_.Chance(0.001)) {  // Robert "Bob"
      first.assign(fn.name).append(" \"").append(fn.nick1).push_back('"');
    }
    AppendCsv(out, first, ',');
    out.push_back(',');
    std::string& last = noise_.Last(p, kTypo);
    if (rng_.Chance(0.003)) last.append(Pick(kNameSuffixes));
    AppendCsv(out, last, ',');
  } else {
    out.push_back(',');
  }
  out.push_back(',');
  Time(out);
  out.push_back('\n');
  Truth(kSupport, p);
}

void Formatter::Web(const Person& p, uint64_t row) {
  std::string& out = text_.rows[kWeb];
  const uint64_t number = (block_.index * kRecordsPerBlock + row) * 2;
  const uint64_t salt = Mix64(plan_.seed ^ 0x5bd1e995ULL);
  const Special special = Roll({Special::kJunkEmail, Special::kJunkPhone, Special::kJunkDevice},
                               {Special::kBadEmail, Special::kBadPhone});
  Device device = p.devices[rng_.Below(p.device_count)];
  if (rng_.Chance(kKioskDevice)) {  // an in-store kiosk or library computer
    const uint64_t k = rng_.Below(plan_.kiosks);
    device = Device{Mix64(salt + 2 * k), Mix64(salt + 2 * k + 1)};
  } else if (p.has_shared_device && rng_.Chance(0.25)) {
    device = p.shared_device;
  }
  device_.clear();
  if (special == Special::kJunkDevice)
    device_.append(Pick(kJunkDevices));
  else
    AppendUuid(device_, device);

  if (rng_.Chance(kTrackEvent)) {  // not a record: the loader skips it
    out.append(R"({"type":"track","event":")");
    out.append(Pick(kTrackEvents));
    out.append(R"(","messageId":"m-)");
    AppendHex(out, Mix64((number + 1) ^ salt), 16);
    out.append(R"(","anonymousId":")");
    out.append(device_);
    out.append(R"(","timestamp":")");
    Time(out);
    out.append(R"(","properties":{"path":"/products/)");
    AppendUint(out, rng_.Below(100000));
    out.append("\"}}\n");
  }
  id_.clear();
  id_.append("m-");
  AppendHex(id_, Mix64(number ^ salt), 16);
  out.append(R"({"type":"identify","messageId":")");
  out.append(id_);
  out.push_back('"');
  if (p.has_account && rng_.Chance(0.6)) {  // logged in
    out.append(R"(,"userId":"C)");
    AppendPadded(out, CustomerNumber(plan_, p.number), 9);
    out.push_back('"');
  } else if (rng_.Chance(0.2)) {
    out.append(R"(,"userId":null)");
  }
  out.append(R"(,"anonymousId":")");
  out.append(device_);
  out.append(R"(","timestamp":")");
  Time(out);
  out.append(R"(","traits":{)");
  const size_t traits_at = out.size();
  auto key = [&](std::string_view name) {
    if (out.size() != traits_at) out.push_back(',');
    out.push_back('"');
    out.append(name);
    out.append("\":");
  };
  if (special == Special::kJunkEmail) {
    key("email");
    AppendJson(out, Pick(kJunkEmails));
  } else if (special == Special::kBadEmail) {
    key("email");
    AppendJson(out, Pick(kBadEmails));
  } else if (rng_.Chance(0.5)) {
    key("email");
    AppendJson(out, noise_.Email(p));
  }
  if (special == Special::kJunkPhone || rng_.Chance(0.25)) {
    key("phone");
    out.push_back('"');
    const uint64_t phone = special == Special::kJunkPhone ? Pick(kJunkPhones) : PhoneOf(p, 0.1);
    AppendPhone(out, phone, Pick(kWebPhones));
    out.push_back('"');
  } else if (special == Special::kBadPhone) {
    key("phone");
    AppendJson(out, Pick(kBadPhones));
  }
  if (rng_.Chance(0.45)) {
    key("firstName");
    AppendJson(out, noise_.First(p, kTypo, true));
  }
  if (rng_.Chance(0.45)) {
    key("lastName");
    AppendJson(out, noise_.Last(p, kTypo));
  }
  out.append("}}\n");
  Truth(kWeb, p);
}

}  // namespace

void FormatBlock(const GenPlan& plan, const Block& block, Rng& rng, BlockText& text) {
  for (auto& rows : text.rows) rows.clear();
  text.truth.clear();
  text.records = {};
  text.people = block.people.size();
  static constexpr size_t kRowBytes[kSourceCount] = {150, 80, 90, 260};
  size_t total = 0;
  for (int s = 0; s < kSourceCount; ++s) {
    text.rows[s].reserve(block.records[s].size() * kRowBytes[s]);
    total += block.records[s].size();
  }
  text.truth.reserve(total * 28);
  Formatter f(plan, block, rng, text);
  for (uint32_t i : block.records[kCrm]) f.Crm(block.people[i]);
  const auto& pos = block.records[kPos];
  for (size_t r = 0; r < pos.size(); ++r) f.Pos(block.people[pos[r]], r);
  const auto& support = block.records[kSupport];
  for (size_t r = 0; r < support.size(); ++r) f.Support(block.people[support[r]], r);
  const auto& web = block.records[kWeb];
  for (size_t r = 0; r < web.size(); ++r) f.Web(block.people[web[r]], r);
}

}  // namespace idg::detail
