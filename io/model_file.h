// Trained Fellegi–Sunter models as JSON files, and a table of one for people.
#pragma once

#include <string>

#include "match/fellegi_sunter.h"

namespace idg {

// {"format": "idgraph-fellegi-sunter-1", "prior": λ, "comparisons": [{"name", "levels",
// "m", "u"}, ...]}. Throws idg::Error naming the path on I/O errors.
void SaveModel(const std::string& path, const FellegiSunterModel& model);

// Throws idg::Error naming the path and what is wrong (syntax, missing keys, m and u that are
// not probability vectors of the same length as the levels).
FellegiSunterModel LoadModel(const std::string& path);

// Per comparison and level: m, u and the match weight in bits; then the prior.
std::string ModelText(const FellegiSunterModel& model);

}  // namespace idg
