// Turns a block of people into the rows each source file holds about them, with the noise
// real sources have (typos, nicknames, case, formats, missing fields, moved addresses, junk
// and shared identifiers, a few malformed values), plus the truth rows that say whose each
// record is.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "gen/people.h"
#include "gen/rng.h"

namespace idg::detail {

// File headers, newline included, matching examples/customers.toml.
inline constexpr std::string_view kCrmHeader =
    "customer_id,email,phone,first_name,last_name,dob,street,city,zip,country,updated_at\n";
inline constexpr std::string_view kPosHeader =
    "txn_id;loyalty_id;phone;first_name;last_name;zip;ts\n";
inline constexpr std::string_view kSupportHeader =
    "ticket_id,email,phone,first_name,last_name,created_at\n";
inline constexpr std::string_view kTruthHeader = "source,record_id,entity\n";
inline constexpr std::string_view kSourceNames[kSourceCount] = {"crm", "pos", "support", "web"};

// One block's text: whole lines, ready to append to the files in block order.
struct BlockText {
  std::array<std::string, kSourceCount> rows;    // crm.csv, pos.csv, support.csv, web.jsonl
  std::string truth;                             // truth.csv
  std::array<uint64_t, kSourceCount> records{};  // records (rows; identify events on the web)
  uint64_t people = 0;
};

// Formats `block` into `text` (cleared first), drawing noise from `rng` — the stream that
// MakeBlock left — so the text is a pure function of (plan, block index).
void FormatBlock(const GenPlan& plan, const Block& block, Rng& rng, BlockText& text);

}  // namespace idg::detail
