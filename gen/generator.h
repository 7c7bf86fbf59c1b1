// Synthetic multi-source customer data with ground truth, for tests, benchmarks and demos.
//
// People (names, birth dates, emails, phones, addresses, customer and loyalty ids, devices;
// ~15% in households that share an address and sometimes a landline or a device) are spread
// over four sources in the formats examples/customers.toml reads: crm.csv, pos.csv (';'),
// support.csv and web.jsonl (identify events, plus ~3% other events the loader skips). The
// records carry realistic noise: typos, nicknames, case and format variants, missing fields,
// moved addresses, junk identifiers from the config's junk lists, a few malformed values,
// and a few very common non-junk values (store phones, office mailboxes, kiosk devices) that
// exceed the config's fan-out caps. truth.csv maps every record to its person.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

namespace idg {

struct GenOptions {
  uint64_t records = 1'000'000;  // total records over all sources, exactly; at most 5e8
  uint64_t seed = 42;
  std::string out_dir;  // created if missing; existing files are overwritten
};

struct GenSummary {
  uint64_t people = 0;
  uint64_t records = 0;                  // == GenOptions::records
  std::array<uint64_t, 4> per_source{};  // crm, pos, support, web (identify events only)
  uint64_t bytes = 0;                    // all files written, idgraph.toml included
};

// Writes crm.csv, pos.csv, support.csv, web.jsonl, truth.csv (header
// `source,record_id,entity`, one row per record) and idgraph.toml (= kExampleConfig) into
// options.out_dir, in parallel with TBB and bounded memory (a few blocks of ~50k records
// in flight).
// Deterministic: the bytes written depend only on (records, seed), never on the thread count.
// `progress`, if set, is called after each block with (records_done, records_total), from
// any thread but never concurrently with itself; it should be cheap.
// Throws idg::Error naming the path when the directory or a file cannot be written.
GenSummary Generate(const GenOptions& options,
                    const std::function<void(uint64_t, uint64_t)>& progress = {});

}  // namespace idg
