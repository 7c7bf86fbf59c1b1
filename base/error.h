// Failure handling, three kinds (see STYLE.md):
//  - our own bugs:            IDG_ASSERT(cond)        aborts with file and line;
//  - bad input or misuse:     IDG_REQUIRE(cond, msg)  throws idg::Error with an actionable message;
//  - expected outcomes:       return values (std::optional, result structs), never exceptions.
#pragma once

#include <stdexcept>
#include <string>

namespace idg {

// Thrown for bad input or misuse by a caller. The message names what was wrong and where.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
[[noreturn]] void AssertFail(const char* expr, const char* file, int line);
[[noreturn]] void Throw(const std::string& msg);
}  // namespace detail

}  // namespace idg

#define IDG_ASSERT(cond) \
  ((cond) ? static_cast<void>(0) : ::idg::detail::AssertFail(#cond, __FILE__, __LINE__))

#define IDG_REQUIRE(cond, msg) \
  ((cond) ? static_cast<void>(0) : ::idg::detail::Throw(msg))
