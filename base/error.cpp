#include "base/error.h"

#include <cstdio>
#include <cstdlib>

namespace idg::detail {

void AssertFail(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "idgraph: internal error: %s at %s:%d\n", expr, file, line);
  std::abort();
}

void Throw(const std::string& msg) { throw Error(msg); }

}  // namespace idg::detail
