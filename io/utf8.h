// UTF-8 helpers for the readers; simdjson stays behind this header.
#pragma once

#include <cstddef>
#include <string_view>

namespace idg::detail {

// True when `text` is valid UTF-8 (SIMD; thread-safe).
bool ValidUtf8(std::string_view text) noexcept;

// Length of a UTF-8 byte-order mark at the start of `text`: 3 or 0.
inline size_t Utf8BomLength(std::string_view text) noexcept {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

}  // namespace idg::detail
