// The generator's people model: who exists, where they live, which identifiers they own and
// how many records each source holds about them. Work is cut into blocks of a fixed number
// of records; a block's people and households are a pure function of (seed, block index,
// record budget), so blocks can be made in any order on any thread.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "gen/rng.h"

namespace idg::detail {

inline constexpr uint64_t kRecordsPerBlock = 49152;
// Id spaces (customer ids, phones, loyalty ids) are bijections of the person number, which
// is below the record count; this bound keeps every one of them collision-free.
inline constexpr uint64_t kMaxRecords = 500'000'000;

enum GenSource : uint8_t { kCrm = 0, kPos = 1, kSupport = 2, kWeb = 3 };
inline constexpr int kSourceCount = 4;

struct Address {
  uint16_t number = 0;  // house number
  uint16_t street = 0;  // index into StreetNames()
  uint8_t suffix = 0;   // index into StreetSuffixes()
  uint16_t unit = 0;    // apartment number, 0 for none
  uint16_t city = 0;    // index into Cities()
  uint32_t zip = 0;     // 5 digits as a number (leading zeros are printed)
};

struct Device {
  uint64_t hi = 0, lo = 0;  // 128 bits printed as a version-4-looking UUID
};

struct Person {
  uint64_t number = 0;  // global person number: unique, < records requested
  uint16_t first = 0;   // index into FirstNames()
  uint16_t last = 0;    // index into LastNames()
  uint16_t birth_year = 0;
  uint8_t birth_month = 0, birth_day = 0;
  uint8_t email_style = 0;   // how the email's local part is built from the name
  uint8_t email_domain = 0;  // index into EmailDomains()
  bool has_account = false;  // has a customer_id known to CRM and the web login
  bool has_loyalty = false;
  bool moved = false;              // `old_home` shows up in some records
  uint8_t device_count = 1;        // 1 or 2
  bool has_shared_device = false;  // household device, also used by the other members
  uint64_t mobile = 0;             // 10-digit US number
  uint64_t landline = 0;           // household landline, 0 for none
  Address home, old_home;
  Device devices[2];
  Device shared_device;
};

// Everything that is the same for every block of one run.
struct GenPlan {
  uint64_t seed = 0;
  uint64_t records = 0;
  uint64_t blocks = 0;
  // Counts of the very common, non-junk shared values (store phones on POS, office
  // mailboxes on support tickets, kiosk devices on the web), sized so each lands on more
  // records than its kind's fan-out cap in the example config.
  uint32_t stores = 1, offices = 1, kiosks = 1;
};

GenPlan MakePlan(uint64_t records, uint64_t seed);

// One block's people and the records that sources hold about them. `records[s]` lists, for
// source s, the index in `people` of each record's person, in output order.
struct Block {
  uint64_t index = 0;
  std::vector<Person> people;
  std::array<std::vector<uint32_t>, kSourceCount> records;
};

// Fills `block` (cleared first) with block `index` of `plan`, exactly
// min(kRecordsPerBlock, plan.records - index * kRecordsPerBlock) records in total, and
// leaves `rng` ready for formatting the block's rows.
void MakeBlock(const GenPlan& plan, uint64_t index, Rng& rng, Block& block);

// Unique ids derived from the person number (bijections; see kMaxRecords).
uint64_t CustomerNumber(const GenPlan& plan, uint64_t person);  // < 10^9
uint64_t LoyaltyNumber(const GenPlan& plan, uint64_t person);   // < 36^8
// Phones as 10-digit numbers: area code, exchange 200-999 never 555, 4-digit line.
uint64_t StorePhone(const GenPlan& plan, uint32_t store);

}  // namespace idg::detail
