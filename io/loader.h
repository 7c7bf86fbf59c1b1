// Loads every source of a config into a record store: reads files in parallel chunks, maps
// fields to identifier kinds and attributes, normalizes, interns identifiers, and sends bad
// rows and bad values to a reject file while every good row still loads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/config.h"
#include "graph/interner.h"
#include "graph/record_store.h"

namespace idg {

struct LoadOptions {
  bool keep_attributes = true;  // attributes are needed for golden records, not for linking
  std::string reject_path;      // TSV of rejected rows and values; empty: count only
  // Called now and then, from any thread, with bytes read so far and in all.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct SourceStats {
  std::string name;
  std::string path;
  uint64_t bytes = 0;
  uint64_t records = 0;         // rows loaded as records
  uint64_t rejected_rows = 0;   // malformed rows, missing required fields
  uint64_t dropped_values = 0;  // values that failed normalization; their rows loaded
  uint64_t skipped_events = 0;  // identify format: events of another type
  double seconds = 0;           // thread time spent parsing its chunks, summed over threads
};

struct LoadResult {
  RecordStore records;
  std::vector<IdentifierId> junk;  // the config's junk values, interned
  std::vector<SourceStats> sources;
  uint64_t rejected_rows() const;
  uint64_t dropped_values() const;
};

// Interns into `interner` (which may already hold identifiers). Throws idg::Error naming the
// file for an unreadable input or a column missing from a header.
LoadResult Load(const Config& config, Interner& interner, const LoadOptions& options);

}  // namespace idg
