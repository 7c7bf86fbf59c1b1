// Facts about the running process, for reports.
#pragma once

#include <cstdint>

namespace idg {

// Peak resident set size so far (VmHWM), in bytes; 0 where unknown.
uint64_t PeakRssBytes();
// Current resident set size (VmRSS), in bytes; 0 where unknown.
uint64_t CurrentRssBytes();

}  // namespace idg
