#include "io/utf8.h"

#include <simdjson.h>

namespace idg::detail {

bool ValidUtf8(std::string_view text) noexcept {
  return simdjson::validate_utf8(text.data(), text.size());
}

}  // namespace idg::detail
