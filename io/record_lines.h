// Records as JSON Lines, the input of `idgraph ingest`: one record a line,
//   {"source":"crm","id":"c1","timestamp":1700000000,
//    "identifiers":{"email":"a@x.com","phone":["+1 415 555 2671","+1 415 555 0000"]},
//    "attributes":{"first_name":"Ann"}}
// Values are raw (the server normalizes them). A malformed line is reported with its line and
// field and the other lines are still read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph/live_graph.h"

namespace idg {

struct RecordLineIssue {
  uint64_t line;      // 1-based
  std::string field;  // "source", "identifiers.email", ... or "" for the line as a whole
  std::string reason;
};

struct RecordLines {
  std::vector<IncomingRecord> records;
  std::vector<uint64_t> lines;          // per record, its 1-based line
  std::vector<RecordLineIssue> issues;  // lines left out, in line order
};

// Parses `text`; blank lines are skipped. Keys: "source" and "id" (strings, required; an id
// may be a number), "timestamp" (Unix seconds, or a string as io/ reads timestamps, see
// match/normalize.h ParseTimestamp), "identifiers" (kind -> string, number, or array of
// them), "attributes" (name -> string or number); null values are left out. Any other key,
// or a value of another type, leaves the line out.
RecordLines ParseRecordLines(std::string_view text);

// The same over a file. Throws idg::Error naming the path when it cannot be read.
RecordLines ReadRecordLines(const std::string& path);

}  // namespace idg
