#include "match/blocking.h"

#define XXH_INLINE_ALL
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/parallel_sort.h>
#include <xxhash.h>

#include <algorithm>

#include "base/error.h"
#include "match/phonetic.h"

namespace idg {
namespace {

constexpr uint64_t kNoKey = 0;  // a record this rule does not block

// The rule's key of a record whose column c holds value(c), or kNoKey when a part is missing.
template <typename ValueOf>
uint64_t KeyOf(const BlockingRule& rule, ValueOf value, std::string& buf) {
  buf.clear();
  for (const BlockingPart& p : rule.parts) {
    std::string_view v = value(p.column);
    if (v.empty()) return kNoKey;
    switch (p.transform) {
      case KeyTransform::kExact: buf += v; break;
      case KeyTransform::kPrefix: buf += v.substr(0, p.length); break;
      case KeyTransform::kSoundex: {
        const std::string code = Soundex(v);
        if (code.empty()) return kNoKey;
        buf += code;
        break;
      }
      case KeyTransform::kYear:
        if (v.size() < 4) return kNoKey;
        buf += v.substr(0, 4);
        break;
    }
    buf += '\x1f';  // parts "ab"+"c" and "a"+"bc" must differ
  }
  const uint64_t h = XXH3_64bits(buf.data(), buf.size());
  return h == kNoKey ? 1 : h;
}

uint64_t Key(std::span<const std::span<const std::string_view>> columns, const BlockingRule& rule,
             size_t r, std::string& buf) {
  return KeyOf(rule, [&](uint16_t c) { return columns[c][r]; }, buf);
}

}  // namespace

uint64_t BlockKey(const BlockingRule& rule, std::span<const std::string_view> row,
                  std::string& buf) {
  return KeyOf(rule, [&](uint16_t c) { return row[c]; }, buf);
}

BlockIndex BuildBlocks(std::span<const std::span<const std::string_view>> columns, size_t records,
                       std::span<const BlockingRule> rules, uint32_t max_block_size) {
  for (const auto& c : columns) IDG_REQUIRE(c.size() == records, "blocking columns differ in length");
  IDG_REQUIRE(records < (uint64_t{1} << 32) - 1, "blocking supports fewer than 2^32 records");
  for (const auto& rule : rules) {
    IDG_REQUIRE(!rule.parts.empty(), "blocking rule '" + rule.name + "' has no parts");
    for (const auto& p : rule.parts) {
      IDG_REQUIRE(p.column < columns.size(), "blocking rule '" + rule.name + "': no such column");
    }
  }
  const size_t nr = rules.size();
  BlockIndex ix;
  ix.records = static_cast<uint32_t>(records);
  ix.block_of.assign(nr * records, 0);
  ix.offsets.push_back(0);
  std::vector<std::pair<uint64_t, uint32_t>> sorted;  // (key, record) of one rule
  for (size_t k = 0; k < nr; ++k) {
    BlockingStats st;
    st.rule = rules[k].name;
    ix.rule_first_block.push_back(static_cast<uint32_t>(ix.offsets.size() - 1));
    sorted.resize(records);
    tbb::parallel_for(tbb::blocked_range<size_t>(0, records, 1 << 12), [&](const auto& range) {
      std::string buf;
      for (size_t r = range.begin(); r < range.end(); ++r) {
        sorted[r] = {Key(columns, rules[k], r, buf), static_cast<uint32_t>(r)};
      }
    });
    std::erase_if(sorted, [](const auto& e) { return e.first == kNoKey; });
    tbb::parallel_sort(sorted.begin(), sorted.end());
    uint32_t* block_of = ix.block_of.data() + k * records;
    for (size_t i = 0; i < sorted.size();) {
      size_t e = i + 1;
      while (e < sorted.size() && sorted[e].first == sorted[i].first) ++e;
      const uint64_t size = e - i;
      if (size > max_block_size) {
        ++st.skipped_blocks;
        st.skipped_pairs += PairsIn(size);
      } else if (size > 1) {
        const auto id = static_cast<uint32_t>(ix.offsets.size());  // 1 + the block's index
        for (size_t x = i; x < e; ++x) {
          ix.members.push_back(sorted[x].second);  // ascending: sorted by (key, record)
          block_of[sorted[x].second] = id;
        }
        ix.offsets.push_back(ix.members.size());
        ++st.blocks;
        st.largest_block = std::max(st.largest_block, size);
      }
      i = e;
    }
    ix.stats.push_back(std::move(st));
  }
  ix.rule_first_block.push_back(static_cast<uint32_t>(ix.offsets.size() - 1));
  return ix;
}

Candidates EnumerateCandidates(const BlockIndex& ix) {
  Candidates out;
  out.stats = ix.stats;
  for (size_t k = 0; k < ix.rules(); ++k) {
    const uint32_t first = ix.rule_first_block[k], last = ix.rule_first_block[k + 1];
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> per_block(last - first);
    std::vector<uint64_t> duplicates(last - first, 0);
    tbb::parallel_for(first, last, [&](uint32_t b) {
      const uint32_t* m = ix.members.data() + ix.offsets[b];
      const uint64_t n = ix.block_size(b);
      for (uint64_t y = 1; y < n; ++y) {
        for (uint64_t x = 0; x < y; ++x) {
          if (ProducedEarlier(ix.block_of.data(), ix.records, static_cast<uint32_t>(k), m[x], m[y])) {
            ++duplicates[b - first];
          } else {
            per_block[b - first].push_back({m[x], m[y]});
          }
        }
      }
    });
    for (size_t b = 0; b < per_block.size(); ++b) {
      out.stats[k].pairs += per_block[b].size();
      out.stats[k].duplicate_pairs += duplicates[b];
      out.pairs.insert(out.pairs.end(), per_block[b].begin(), per_block[b].end());
    }
  }
  return out;
}

void CountCandidates(BlockIndex& ix) {
  using Counts = std::pair<uint64_t, uint64_t>;  // (new pairs, pairs an earlier rule had)
  for (size_t k = 0; k < ix.rules(); ++k) {
    const Counts c = tbb::parallel_reduce(
        tbb::blocked_range<uint32_t>(ix.rule_first_block[k], ix.rule_first_block[k + 1]),
        Counts{0, 0},
        [&](const auto& range, Counts acc) {
          for (uint32_t b = range.begin(); b < range.end(); ++b) {
            const uint32_t* m = ix.members.data() + ix.offsets[b];
            const uint64_t n = ix.block_size(b);
            if (k == 0) {
              acc.first += PairsIn(n);
              continue;
            }
            for (uint64_t y = 1; y < n; ++y) {
              for (uint64_t x = 0; x < y; ++x) {
                const bool earlier =
                    ProducedEarlier(ix.block_of.data(), ix.records, static_cast<uint32_t>(k), m[x], m[y]);
                ++(earlier ? acc.second : acc.first);
              }
            }
          }
          return acc;
        },
        [](Counts a, Counts b) { return Counts{a.first + b.first, a.second + b.second}; });
    ix.stats[k].pairs = c.first;
    ix.stats[k].duplicate_pairs = c.second;
  }
}

std::vector<std::pair<uint32_t, uint32_t>> RulePairs(const BlockIndex& ix, size_t rule) {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (uint32_t b = ix.rule_first_block[rule]; b < ix.rule_first_block[rule + 1]; ++b) {
    const uint32_t* m = ix.members.data() + ix.offsets[b];
    for (uint64_t y = 1; y < ix.block_size(b); ++y) {
      for (uint64_t x = 0; x < y; ++x) pairs.push_back({m[x], m[y]});
    }
  }
  return pairs;
}

Candidates GenerateCandidates(std::span<const std::span<const std::string_view>> columns,
                              size_t records, std::span<const BlockingRule> rules,
                              uint32_t max_block_size) {
  return EnumerateCandidates(BuildBlocks(columns, records, rules, max_block_size));
}

}  // namespace idg
