// Phonetic keys for blocking: names that sound alike get the same key, so that "Smith" and
// "Smyth" land in one block.
#pragma once

#include <string>
#include <string_view>

namespace idg {

// American Soundex (the U.S. National Archives' rules): the first letter, then up to three
// digits for the following consonant groups (b f p v = 1; c g j k q s x z = 2; d t = 3; l = 4;
// m n = 5; r = 6), adjacent equal codes collapsed, also across 'h' and 'w', vowels separating
// equal codes, zero-padded: "Robert" and "Rupert" -> "R163", "Tymczak" -> "T522",
// "Pfister" -> "P236". Non-letters are skipped; ASCII letters only (normalize names first).
// Returns "" when there is no letter.
std::string Soundex(std::string_view name);

}  // namespace idg
