// The config of the segment tests, and the day they take as today.
#pragma once

#include <cstdint>

#include "base/config.h"

namespace idg::testing {

inline constexpr int64_t kToday = 20000;  // 2024-10-04

// country (upper-cased string), city (string), age (integer), birth (date), vip (boolean);
// kinds email, phone (capped at 3 records: a fourth splits a profile); sources web, crm, pos.
inline Config SegmentConfig(uint32_t max_bitmaps = 4096) {
  Config c;
  c.kinds = {{"email", Normalizer::kEmail, true, false, 0, {}},
             {"phone", Normalizer::kTrim, true, false, 3, {}}};
  c.attributes = {{"country", Normalizer::kUpper, Survivorship::kMostRecent, AttrType::kString},
                  {"city", Normalizer::kName, Survivorship::kMostRecent, AttrType::kString},
                  {"age", Normalizer::kTrim, Survivorship::kMostRecent, AttrType::kInteger},
                  {"birth", Normalizer::kDate, Survivorship::kMostRecent, AttrType::kDate},
                  {"vip", Normalizer::kTrim, Survivorship::kMostRecent, AttrType::kBoolean}};
  c.sources.resize(3);
  c.sources[0].name = "web";
  c.sources[1].name = "crm";
  c.sources[2].name = "pos";
  c.segments.max_bitmap_values = max_bitmaps;
  return c;
}

}  // namespace idg::testing
