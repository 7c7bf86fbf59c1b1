// Dense integer ids used everywhere inside the engine (DESIGN.md decision 2).
#pragma once

#include <cstdint>
#include <limits>

namespace idg {

using RecordId = uint32_t;      // dense, in load order (file order within a source)
using IdentifierId = uint32_t;  // dense, one per distinct (kind, normalized value)
using ProfileId = uint64_t;     // stable across re-resolutions
using KindId = uint16_t;        // index into Config::kinds
using AttrId = uint16_t;        // index into Config::attributes
using SourceId = uint16_t;      // index into Config::sources

inline constexpr RecordId kNoRecord = std::numeric_limits<RecordId>::max();
inline constexpr IdentifierId kNoIdentifier = std::numeric_limits<IdentifierId>::max();
inline constexpr ProfileId kNoProfile = std::numeric_limits<ProfileId>::max();

}  // namespace idg
