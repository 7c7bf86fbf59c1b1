// Builds small record stores for graph tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/config.h"
#include "graph/interner.h"
#include "graph/record_store.h"

namespace idg::testing {

struct TestRecord {
  std::string key;  // source record id
  std::vector<std::pair<std::string, std::string>> idents = {};  // (kind name, value)
  int64_t timestamp = 0;
  SourceId source = 0;
  std::vector<std::pair<std::string, std::string>> attrs = {};   // (attribute name, value)
};

// Kinds: email (cap 3, junk "junk@x.com"), phone, customer_id (unique), cookie (not
// deterministic). Attributes: first_name (most recent), city (source priority), dob (most
// frequent). Sources: crm, web.
inline Config TestConfig() {
  Config c;
  c.kinds = {{"email", Normalizer::kEmail, true, false, 3, {"junk@x.com"}},
             {"phone", Normalizer::kPhone, true, false, 0, {}},
             {"customer_id", Normalizer::kTrim, true, true, 0, {}},
             {"cookie", Normalizer::kTrim, false, false, 0, {}}};
  c.attributes = {{"first_name", Normalizer::kName, Survivorship::kMostRecent},
                  {"city", Normalizer::kName, Survivorship::kSourcePriority},
                  {"dob", Normalizer::kDate, Survivorship::kMostFrequent}};
  c.sources.resize(2);
  c.sources[0].name = "crm";
  c.sources[0].priority = 0;
  c.sources[1].name = "web";
  c.sources[1].priority = 1;
  return c;
}

struct Built {
  RecordStore store;
  std::vector<IdentifierId> junk;
};

inline Built Build(const Config& config, Interner& interner, const std::vector<TestRecord>& recs) {
  Built out;
  for (KindId k = 0; k < config.kinds.size(); ++k) {
    for (const auto& j : config.kinds[k].junk) out.junk.push_back(interner.Intern(k, j, false));
  }
  std::vector<RecordBatch> batches(1);
  RecordBatch& b = batches[0];
  for (const auto& r : recs) {
    b.source.push_back(r.source);
    b.source_record_id.push_back(b.arena.Add(r.key));
    b.timestamp.push_back(r.timestamp);
    for (const auto& [kind, value] : r.idents) {
      IdentifierId id = interner.Intern(*config.FindKind(kind), value);
      b.idents.push_back(id);
    }
    for (const auto& [attr, value] : r.attrs) {
      b.attrs.push_back({*config.FindAttribute(attr), b.arena.Add(value)});
    }
    b.EndRecord();
  }
  out.store.Append(std::move(batches));
  return out;
}

}  // namespace idg::testing
