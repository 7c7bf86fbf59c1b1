// Blocking: which record pairs are worth comparing. Several rules are OR-ed together; a rule
// puts records with equal keys in one block (e.g. surname prefix + postcode, or Soundex of the
// surname + birth year), and every pair inside a block is a candidate. A pair that several
// rules produce is a candidate once: a rule skips the pairs an earlier rule already produced.
// Blocks larger than a cap are skipped whole and their pairs counted, so that one common value
// cannot make the work quadratic.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/config.h"

namespace idg {

struct BlockingPart {
  uint16_t column;  // index into the columns passed to GenerateCandidates
  KeyTransform transform = KeyTransform::kExact;
  uint8_t length = 0;  // for kPrefix
};

struct BlockingRule {
  std::string name;
  std::vector<BlockingPart> parts;  // all must be present for a record to be blocked
};

struct BlockingStats {
  std::string rule;
  uint64_t blocks = 0;           // blocks of two or more records within the cap
  uint64_t pairs = 0;            // candidate pairs this rule added
  uint64_t duplicate_pairs = 0;  // pairs an earlier rule had already added
  uint64_t skipped_blocks = 0;   // blocks over the cap
  uint64_t skipped_pairs = 0;    // pairs in them
  uint64_t largest_block = 0;    // largest block within the cap
};

struct Candidates {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // (a, b) with a < b, each once
  std::vector<BlockingStats> stats;                  // per rule
};

// `columns[c][r]`: record r's value of column c, already normalized; empty means missing. All
// columns have `records` entries. Runs in parallel; the result does not depend on the thread
// count. Keys are compared by 64-bit hashes: two different keys that collide only share a
// block, which costs comparisons, never correctness.
Candidates GenerateCandidates(std::span<const std::span<const std::string_view>> columns,
                              size_t records, std::span<const BlockingRule> rules,
                              uint32_t max_block_size);

}  // namespace idg
