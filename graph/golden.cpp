#include "graph/golden.h"

#include <algorithm>
#include <tuple>

namespace idg {

std::vector<GoldenField> GoldenRecord(const Config& config, const RecordStore& records,
                                      std::span<const RecordId> members) {
  struct Candidate {
    AttrId attr;
    std::string_view value;
    RecordId record;
    int64_t timestamp;
    int priority;
    uint32_t support;
  };
  std::vector<Candidate> cands;
  for (RecordId r : members) {
    const int priority = config.sources[records.source(r)].priority;
    for (const AttrValue& a : records.attributes(r)) {
      cands.push_back({a.attr, a.value, r, records.timestamp(r), priority, 0});
    }
  }
  // Support: members holding the same value of the same attribute.
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.attr, a.value) < std::tie(b.attr, b.value);
  });
  for (size_t i = 0; i < cands.size();) {
    size_t e = i;
    while (e < cands.size() && cands[e].attr == cands[i].attr && cands[e].value == cands[i].value) {
      ++e;
    }
    for (size_t j = i; j < e; ++j) cands[j].support = static_cast<uint32_t>(e - i);
    i = e;
  }
  std::vector<GoldenField> out;
  for (size_t i = 0; i < cands.size();) {
    size_t e = i;
    while (e < cands.size() && cands[e].attr == cands[i].attr) ++e;
    const Survivorship rule = config.attributes[cands[i].attr].survivorship;
    // Key to maximize: the rule first, then the fallbacks; the smaller value wins last.
    auto better = [rule](const Candidate& a, const Candidate& b) {
      auto key = [rule](const Candidate& c) {
        switch (rule) {
          case Survivorship::kMostFrequent:
            return std::make_tuple(int64_t{c.support}, c.timestamp, int64_t{-c.priority});
          case Survivorship::kSourcePriority:
            return std::make_tuple(int64_t{-c.priority}, c.timestamp, int64_t{c.support});
          case Survivorship::kMostRecent:
          default:
            return std::make_tuple(c.timestamp, int64_t{-c.priority}, int64_t{c.support});
        }
      };
      const auto ka = key(a), kb = key(b);
      if (ka != kb) return ka > kb;
      return a.value < b.value;
    };
    const Candidate* best = &cands[i];
    for (size_t j = i + 1; j < e; ++j) {
      if (better(cands[j], *best)) best = &cands[j];
    }
    out.push_back({best->attr, best->value, best->record, best->support});
    i = e;
  }
  return out;
}

}  // namespace idg
