// CompareMethod on its own, so that device code (built as C++17 by nvcc) can name it without
// the rest of the configuration.
#pragma once

#include <cstdint>

namespace idg {

// How two attribute values are compared into levels (match/compare_level.h).
enum class CompareMethod : uint8_t {
  kExact,        // exact or else
  kJaroWinkler,  // similarity thresholds
  kLevenshtein,  // distance thresholds
  kOsa,          // optimal string alignment distance thresholds
  kJaccard,      // bigram Jaccard similarity thresholds
  kDateDays,     // ISO dates: distance thresholds in days
  kNumeric,      // numbers: absolute difference thresholds
};

}  // namespace idg
