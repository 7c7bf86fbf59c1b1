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
#include "match/block_pairs.h"

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

// Every rule's blocks (within the cap) as CSR, for scorers that enumerate pairs themselves.
// Blocks of rule k are [rule_first_block[k], rule_first_block[k + 1]); block b holds records
// members[offsets[b], offsets[b + 1]), ascending. block_of[k * records + r] is 1 + the block of
// record r under rule k, or 0 when that rule does not block it (a missing part, a block of
// one, or a block over the cap). A pair (a, b) of rule k is a candidate of that rule unless an
// earlier rule j < k has block_of[j][a] == block_of[j][b] != 0 (ProducedEarlier).
struct BlockIndex {
  uint32_t records = 0;
  std::vector<uint32_t> rule_first_block;  // rules + 1 entries
  std::vector<uint64_t> offsets;           // blocks + 1 entries
  std::vector<uint32_t> members;
  std::vector<uint32_t> block_of;          // rules × records
  std::vector<BlockingStats> stats;        // per rule; pairs and duplicate_pairs left 0

  size_t rules() const { return stats.size(); }
  uint64_t block_size(size_t b) const { return offsets[b + 1] - offsets[b]; }
};

struct Candidates {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // (a, b) with a < b, each once
  std::vector<BlockingStats> stats;                  // per rule
};

// `columns[c][r]`: record r's value of column c, already normalized; empty means missing. All
// columns have `records` entries. Runs in parallel; the result does not depend on the thread
// count. Keys are compared by 64-bit hashes: two different keys that collide only share a
// block, which costs comparisons, never correctness.
BlockIndex BuildBlocks(std::span<const std::span<const std::string_view>> columns, size_t records,
                       std::span<const BlockingRule> rules, uint32_t max_block_size);

// The key of one record under `rule`: `row[c]` is the record's value of column c. 0 when the
// rule does not block it (a part missing); otherwise the hash BuildBlocks groups by.
// `buf`: scratch.
uint64_t BlockKey(const BlockingRule& rule, std::span<const std::string_view> row,
                  std::string& buf);

// The candidate pairs of `blocks`, rule by rule and block by block, with the pair counts filled
// in the stats.
Candidates EnumerateCandidates(const BlockIndex& blocks);

// Fills the stats' pairs and duplicate_pairs of `blocks` without listing the pairs.
void CountCandidates(BlockIndex& blocks);

// Every pair of rule `rule`'s blocks, those an earlier rule produced too (training fits one
// rule's pairs at a time), in EnumerateCandidates' order.
std::vector<std::pair<uint32_t, uint32_t>> RulePairs(const BlockIndex& blocks, size_t rule);

// BuildBlocks then EnumerateCandidates.
Candidates GenerateCandidates(std::span<const std::span<const std::string_view>> columns,
                              size_t records, std::span<const BlockingRule> rules,
                              uint32_t max_block_size);

}  // namespace idg
