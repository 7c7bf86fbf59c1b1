// Street addresses for comparison: the name normalization (case folded, accents stripped,
// punctuation dropped, spaces collapsed), then street types, directions and unit words in
// their USPS abbreviations, so that "12 Oak Street" and "12 OAK ST." compare equal.
#pragma once

#include <string>
#include <string_view>

#include "match/normalize.h"

namespace idg::detail {

NormResult NormalizeStreet(std::string_view raw, std::string& out);

}  // namespace idg::detail
