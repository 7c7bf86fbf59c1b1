// Files keyed by (source, source record id): the profiles file that `resolve` writes
// ("source,record_id,profile_id"), and label files read back for stable ids and evaluation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/config.h"
#include "base/string_arena.h"
#include "graph/profiles.h"
#include "graph/record_store.h"

namespace idg {

// Writes one line per record, in record order, formatted in parallel. Throws idg::Error on a
// write failure.
void WriteProfiles(const std::string& path, const Config& config, const RecordStore& records,
                   const Profiles& profiles);

// Writes one line per profile: profile_id, records, then one column per configured attribute
// holding the golden value (empty when no member has one). Needs attributes in `records`.
void WriteGoldenRecords(const std::string& path, const Config& config, const RecordStore& records,
                        const Profiles& profiles);

// Which columns of a CSV file hold the key and the label.
struct LabelColumns {
  std::string source = "source";  // empty: every row belongs to `fixed_source`
  std::string id = "record_id";
  std::string label = "profile_id";
  std::string fixed_source;
  std::string delimiter = ",";
  std::string label_pattern;  // when set, a regex whose first group is the label
};

// Rows of a label file: key = source + '\x1f' + record id, label = a dense number per distinct
// label text.
struct LabelTable {
  std::vector<std::string_view> keys;
  std::vector<uint64_t> labels;
  uint64_t rejected_rows = 0;  // malformed rows or rows missing a key or label
  StringArena arena;
};

// Throws idg::Error naming the file for a missing file or column.
LabelTable ReadLabels(const std::string& path, const LabelColumns& columns);

// Rows present in both tables (by key), as parallel label vectors; `a_only`/`b_only` count the
// keys found in one table only.
struct JoinedLabels {
  std::vector<uint64_t> a, b;
  uint64_t a_only = 0, b_only = 0;
};
JoinedLabels JoinLabels(const LabelTable& a, const LabelTable& b);

// Earlier profile ids for the records of `records`, read from a profiles file: kNoProfile for
// records not in it. `matched` gets the number of records found.
std::vector<ProfileId> ReadPreviousProfiles(const std::string& path, const Config& config,
                                            const RecordStore& records, uint64_t* matched);

// Truth labels for the records of `records` from a keyed CSV file; kNoLabel for records the
// file does not name.
inline constexpr uint64_t kNoLabel = ~uint64_t{0};
std::vector<uint64_t> ReadTruthLabels(const std::string& path, const LabelColumns& columns,
                                      const Config& config, const RecordStore& records);

}  // namespace idg
