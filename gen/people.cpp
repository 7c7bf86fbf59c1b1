#include "gen/people.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "base/error.h"
#include "gen/names.h"

namespace idg::detail {
namespace {

// Shape of the population (rates are per person unless said otherwise).
constexpr double kHouseholdUnitRate = 0.0556;  // units of 2-4: ~15% of people in households
constexpr double kHouseholdSharesLastName = 0.75;
constexpr double kHouseholdLandline = 0.4;
constexpr double kHouseholdSharedDevice = 0.3;
constexpr double kAccount = 0.55;  // has a customer_id, hence exactly one CRM row
constexpr double kLoyalty = 0.4;
constexpr double kSecondDevice = 0.35;
constexpr double kMoved = 0.10;
constexpr double kApartment = 0.12;
constexpr double kMoreRecords = 2.0 / 3.0;  // records per person: 1 + geometric, mean ~3
constexpr int kMaxRecordsPerPerson = 12;
// Non-CRM records over the other sources, in percent: POS, support, web.
constexpr uint64_t kPosPercent = 40, kSupportPercent = 15;

// Expected share of all records per source (for sizing the shared values), the rate at
// which a record of that source carries the shared value, and records per value wanted.
constexpr double kPosShare = 0.326, kSupportShare = 0.122, kWebShare = 0.366;
constexpr double kStoreRate = 0.01, kOfficeRate = 0.03, kKioskRate = 0.01;
constexpr double kPerStore = 50, kPerOffice = 70, kPerKiosk = 60;

// Phone subscriber spaces, by exchange: mobiles 200-799 (555 skipped), landlines 800-989,
// stores 990-999. Each holds 10,000 lines per exchange per area code.
constexpr uint64_t kMobileSubscribers = 599 * 10000;
constexpr uint64_t kLandlineSubscribers = 190 * 10000;
constexpr uint64_t kStoreSubscribers = 10 * 10000;
constexpr uint64_t kPrime = 2654435761ULL;  // > every modulus below that it multiplies

uint64_t Phone(uint64_t area, uint64_t exchange, uint64_t line) {
  return area * 10'000'000 + exchange * 10'000 + line;
}

// Bijection of `n` onto [0, modulus) for n < modulus: (n * kPrime + offset) mod modulus.
uint64_t Scatter(uint64_t n, uint64_t modulus, uint64_t offset) {
  const unsigned __int128 x = static_cast<unsigned __int128>(n) * kPrime + offset;
  return static_cast<uint64_t>(x % modulus);
}

uint64_t MobilePhone(const GenPlan& plan, uint64_t person) {
  const auto areas = AreaCodes();
  const uint64_t h = Scatter(person, areas.size() * kMobileSubscribers, Mix64(plan.seed + 1));
  const uint64_t s = h / areas.size();
  uint64_t exchange = 200 + s / 10000;
  if (exchange >= 555) ++exchange;
  return Phone(areas[h % areas.size()], exchange, s % 10000);
}

uint64_t LandlinePhone(const GenPlan& plan, uint64_t head) {
  const auto areas = AreaCodes();
  const uint64_t h = Scatter(head, areas.size() * kLandlineSubscribers, Mix64(plan.seed + 2));
  const uint64_t s = h / areas.size();
  return Phone(areas[h % areas.size()], 800 + s / 10000, s % 10000);
}

Device NewDevice(Rng& rng) {
  Device d;
  d.hi = rng.Next();
  d.lo = rng.Next();
  return d;
}

Address NewAddress(Rng& rng) {
  Address a;
  a.number = static_cast<uint16_t>(1 + rng.Below(1 + rng.Below(9999)));  // small numbers common
  a.street = static_cast<uint16_t>(rng.Below(StreetNames().size()));
  a.suffix = static_cast<uint8_t>(rng.Below(StreetSuffixes().size()));
  a.unit = rng.Chance(kApartment) ? static_cast<uint16_t>(1 + rng.Below(40)) : 0;
  a.city = static_cast<uint16_t>(rng.Below(Cities().size()));
  a.zip = Cities()[a.city].zip_prefix * 100u + static_cast<uint32_t>(rng.Below(100));
  return a;
}

uint8_t DaysInMonth(int year, int month) {
  static constexpr uint8_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

void NewPerson(const GenPlan& plan, Rng& rng, Person& p) {
  p.first = static_cast<uint16_t>(rng.Below(FirstNames().size()));
  p.last = static_cast<uint16_t>(rng.Below(LastNames().size()));
  p.birth_year = static_cast<uint16_t>(1940 + rng.Below(66));
  p.birth_month = static_cast<uint8_t>(1 + rng.Below(12));
  p.birth_day = static_cast<uint8_t>(1 + rng.Below(DaysInMonth(p.birth_year, p.birth_month)));
  p.email_style = static_cast<uint8_t>(rng.Below(6));
  p.email_domain = static_cast<uint8_t>(rng.Below(EmailDomains().size()));
  p.has_account = rng.Chance(kAccount);
  p.has_loyalty = rng.Chance(kLoyalty);
  p.device_count = rng.Chance(kSecondDevice) ? 2 : 1;
  p.devices[0] = NewDevice(rng);
  if (p.device_count == 2) p.devices[1] = NewDevice(rng);
  p.mobile = MobilePhone(plan, p.number);
  p.home = NewAddress(rng);
  p.moved = rng.Chance(kMoved);
  if (p.moved) p.old_home = NewAddress(rng);
}

uint64_t RecordCount(Rng& rng) {
  uint64_t n = 1;
  while (n < kMaxRecordsPerPerson && rng.Chance(kMoreRecords)) ++n;
  return n;
}

uint32_t SharedCount(uint64_t records, double share, double rate, double per_value) {
  const double values = static_cast<double>(records) * share * rate / per_value;
  return std::max<uint32_t>(1, static_cast<uint32_t>(values));
}

}  // namespace

GenPlan MakePlan(uint64_t records, uint64_t seed) {
  IDG_REQUIRE(records <= kMaxRecords,
              "gen: at most " + std::to_string(kMaxRecords) + " records are supported");
  GenPlan plan;
  plan.seed = seed;
  plan.records = records;
  plan.blocks = (records + kRecordsPerBlock - 1) / kRecordsPerBlock;
  plan.stores = SharedCount(records, kPosShare, kStoreRate, kPerStore);
  plan.offices = SharedCount(records, kSupportShare, kOfficeRate, kPerOffice);
  plan.kiosks = SharedCount(records, kWebShare, kKioskRate, kPerKiosk);
  IDG_ASSERT(AreaCodes().size() * kLandlineSubscribers > kMaxRecords);
  IDG_ASSERT(std::gcd(kPrime, AreaCodes().size() * kMobileSubscribers) == 1);
  IDG_ASSERT(std::gcd(kPrime, AreaCodes().size() * kLandlineSubscribers) == 1);
  return plan;
}

uint64_t CustomerNumber(const GenPlan& plan, uint64_t person) {
  return Scatter(person, 1'000'000'000, Mix64(plan.seed + 3) % 1'000'000'000);
}

uint64_t LoyaltyNumber(const GenPlan& plan, uint64_t person) {
  constexpr uint64_t k36To8 = 2'821'109'907'456;
  return Scatter(person, k36To8, Mix64(plan.seed + 4) % k36To8);
}

uint64_t StorePhone(const GenPlan& plan, uint32_t store) {
  const auto areas = AreaCodes();
  const uint64_t h = (store + Mix64(plan.seed + 5)) % (areas.size() * kStoreSubscribers);
  const uint64_t s = h / areas.size();
  return Phone(areas[h % areas.size()], 990 + s / 10000, s % 10000);
}

void MakeBlock(const GenPlan& plan, uint64_t index, Rng& rng, Block& block) {
  IDG_ASSERT(index < plan.blocks);
  block.index = index;
  block.people.clear();
  for (auto& list : block.records) list.clear();
  uint64_t budget = std::min(kRecordsPerBlock, plan.records - index * kRecordsPerBlock);
  const uint64_t first_number = index * kRecordsPerBlock;

  while (budget > 0) {
    const uint64_t unit_size = rng.Chance(kHouseholdUnitRate) ? 2 + rng.Below(3) : 1;
    const size_t head = block.people.size();
    for (uint64_t m = 0; m < unit_size && budget > 0; ++m) {
      const auto i = static_cast<uint32_t>(block.people.size());
      Person& p = block.people.emplace_back();
      p.number = first_number + i;
      NewPerson(plan, rng, p);
      if (m == 0 && unit_size > 1) {
        if (rng.Chance(kHouseholdLandline)) p.landline = LandlinePhone(plan, p.number);
        p.has_shared_device = rng.Chance(kHouseholdSharedDevice);
        if (p.has_shared_device) p.shared_device = NewDevice(rng);
      } else if (m > 0) {
        const Person& h = block.people[head];
        p.home = h.home;
        p.moved = h.moved;
        p.old_home = h.old_home;
        if (rng.Chance(kHouseholdSharesLastName)) p.last = h.last;
        p.landline = h.landline;
        p.has_shared_device = h.has_shared_device;
        p.shared_device = h.shared_device;
      }
      uint64_t n = std::min(budget, RecordCount(rng));
      budget -= n;
      if (p.has_account) {
        block.records[kCrm].push_back(i);
        --n;
      }
      for (; n > 0; --n) {
        const uint64_t r = rng.Below(100);
        const int source = r < kPosPercent                     ? kPos
                           : r < kPosPercent + kSupportPercent ? kSupport
                                                               : kWeb;
        block.records[source].push_back(i);
      }
    }
  }
  // Shuffle so that a person's records are spread through the block (Fisher-Yates).
  for (auto& list : block.records) {
    for (size_t k = list.size(); k > 1; --k) std::swap(list[k - 1], list[rng.Below(k)]);
  }
}

}  // namespace idg::detail
