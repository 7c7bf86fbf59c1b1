#include "base/process.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace idg {
namespace {
uint64_t StatusKb(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  uint64_t kb = 0;
  const size_t len = std::strlen(field);
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, field, len) == 0 && line[len] == ':') {
      kb = std::strtoull(line + len + 1, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return kb;
}
}  // namespace

uint64_t PeakRssBytes() { return StatusKb("VmHWM") * 1024; }
uint64_t CurrentRssBytes() { return StatusKb("VmRSS") * 1024; }

}  // namespace idg
