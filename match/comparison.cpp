#include "match/comparison.h"

#include <cstdio>

namespace idg {

std::string_view MethodName(CompareMethod m) {
  switch (m) {
    case CompareMethod::kExact: return "exact";
    case CompareMethod::kJaroWinkler: return "jaro_winkler";
    case CompareMethod::kLevenshtein: return "levenshtein";
    case CompareMethod::kOsa: return "osa";
    case CompareMethod::kJaccard: return "jaccard";
    case CompareMethod::kDateDays: return "date_days";
    case CompareMethod::kNumeric: return "numeric";
  }
  return "?";
}

std::vector<std::string> LevelNames(const ComparisonRule& rule) {
  std::vector<std::string> names = {"exact"};
  const bool similarity =
      rule.method == CompareMethod::kJaroWinkler || rule.method == CompareMethod::kJaccard;
  for (uint8_t t = 0; t < rule.thresholds; ++t) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s%g", std::string(MethodName(rule.method)).c_str(),
                  similarity ? ">=" : "<=", double(rule.threshold[t]));
    names.push_back(buf);
  }
  names.push_back("else");
  return names;
}

}  // namespace idg
