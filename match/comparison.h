// Names of comparison methods and levels, for models and reports. The levels themselves are
// in compare_level.h, which device code includes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "match/compare_level.h"

namespace idg {

// Names of the levels, for models and reports: "exact", "jaro_winkler>=0.92", ..., "else".
std::vector<std::string> LevelNames(const ComparisonRule& rule);
std::string_view MethodName(CompareMethod m);

}  // namespace idg
