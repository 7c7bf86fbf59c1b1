#include "match/blocking.h"

#define XXH_INLINE_ALL
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <xxhash.h>

#include <algorithm>

#include "base/error.h"
#include "match/phonetic.h"

namespace idg {
namespace {

constexpr uint64_t kNoKey = 0;  // a record this rule does not block (or whose block was skipped)

// The rule's key of record r, or kNoKey when a part is missing.
uint64_t Key(std::span<const std::span<const std::string_view>> columns, const BlockingRule& rule,
             size_t r, std::string& buf) {
  buf.clear();
  for (const BlockingPart& p : rule.parts) {
    std::string_view v = columns[p.column][r];
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

}  // namespace

Candidates GenerateCandidates(std::span<const std::span<const std::string_view>> columns,
                              size_t records, std::span<const BlockingRule> rules,
                              uint32_t max_block_size) {
  for (const auto& c : columns) IDG_REQUIRE(c.size() == records, "blocking columns differ in length");
  for (const auto& rule : rules) {
    IDG_REQUIRE(!rule.parts.empty(), "blocking rule '" + rule.name + "' has no parts");
    for (const auto& p : rule.parts) {
      IDG_REQUIRE(p.column < columns.size(), "blocking rule '" + rule.name + "': no such column");
    }
  }
  Candidates out;
  // keys[r * rules + k]: record r's key under rule k, kNoKey when unblocked or skipped.
  const size_t nr = rules.size();
  std::vector<uint64_t> keys(records * nr);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, records, 1 << 12), [&](const auto& range) {
    std::string buf;
    for (size_t r = range.begin(); r < range.end(); ++r) {
      for (size_t k = 0; k < nr; ++k) keys[r * nr + k] = Key(columns, rules[k], r, buf);
    }
  });
  for (size_t k = 0; k < nr; ++k) {
    BlockingStats st;
    st.rule = rules[k].name;
    std::vector<std::pair<uint64_t, uint32_t>> sorted;
    for (size_t r = 0; r < records; ++r) {
      if (keys[r * nr + k] != kNoKey) sorted.push_back({keys[r * nr + k], static_cast<uint32_t>(r)});
    }
    tbb::parallel_sort(sorted.begin(), sorted.end());
    std::vector<std::pair<size_t, size_t>> blocks;  // [begin, end) in sorted
    for (size_t i = 0; i < sorted.size();) {
      size_t e = i + 1;
      while (e < sorted.size() && sorted[e].first == sorted[i].first) ++e;
      const uint64_t size = e - i;
      if (size > max_block_size) {
        ++st.skipped_blocks;
        st.skipped_pairs += size * (size - 1) / 2;
        // Its pairs were not produced here, so later rules must not count them as duplicates.
        for (size_t j = i; j < e; ++j) keys[size_t{sorted[j].second} * nr + k] = kNoKey;
      } else if (size > 1) {
        blocks.push_back({i, e});
        ++st.blocks;
        st.largest_block = std::max(st.largest_block, size);
      }
      i = e;
    }
    // Pairs of each block, in block order; a pair goes only to the first rule that blocks it.
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> per_block(blocks.size());
    std::vector<uint64_t> duplicates(blocks.size(), 0);
    tbb::parallel_for(size_t{0}, blocks.size(), [&](size_t b) {
      const auto [begin, end] = blocks[b];
      for (size_t x = begin; x < end; ++x) {
        for (size_t y = x + 1; y < end; ++y) {
          const uint32_t a = sorted[x].second, c = sorted[y].second;  // ascending within a block
          bool earlier = false;
          for (size_t j = 0; j < k && !earlier; ++j) {
            earlier = keys[size_t{a} * nr + j] != kNoKey && keys[size_t{a} * nr + j] == keys[size_t{c} * nr + j];
          }
          if (earlier) {
            ++duplicates[b];
          } else {
            per_block[b].push_back({a, c});
          }
        }
      }
    });
    for (size_t b = 0; b < blocks.size(); ++b) {
      st.pairs += per_block[b].size();
      st.duplicate_pairs += duplicates[b];
      out.pairs.insert(out.pairs.end(), per_block[b].begin(), per_block[b].end());
    }
    out.stats.push_back(std::move(st));
  }
  return out;
}

}  // namespace idg
