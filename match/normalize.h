// Value normalizers: raw field text -> canonical form, so that equal things compare equal.
// Used at ingest for identifiers and attributes, and later for comparison fields.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/config.h"

namespace idg {

enum class NormStatus : uint8_t {
  kOk,       // `out` holds the canonical value
  kEmpty,    // nothing there (empty or only whitespace): a missing value, not an error
  kInvalid,  // not a valid value of this type; `reason` says why
};

struct NormResult {
  NormStatus status;
  const char* reason = nullptr;  // static string, set when status == kInvalid
};

// Thread-safe after construction: every method is const and keeps no shared mutable state.
class Normalizers {
 public:
  explicit Normalizers(const EngineConfig& engine);
  ~Normalizers();
  Normalizers(const Normalizers&) = delete;
  Normalizers& operator=(const Normalizers&) = delete;

  // Writes the canonical form of `raw` into `out` (cleared first).
  NormResult Normalize(Normalizer n, std::string_view raw, std::string& out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Event time: ISO 8601 date or date-time ("2024-03-05", "2024-03-05T10:11:12Z",
// "2024-03-05 10:11:12+02:00", fractions allowed) or Unix seconds/milliseconds as digits.
// Returns seconds since the Unix epoch (UTC), or nullopt when unparseable.
std::optional<int64_t> ParseTimestamp(std::string_view raw);

}  // namespace idg
