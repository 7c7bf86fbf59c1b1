#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace idg::cli {

Progress::Progress(bool wanted) : enabled_(wanted && isatty(STDERR_FILENO)) {}

Progress::~Progress() { Clear(); }

void Progress::Update(const char* stage, uint64_t done, uint64_t total) {
  if (!enabled_) return;
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done < total) return;
  last_ = now;
  const double frac = total ? double(done) / double(total) : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(frac * kWidth);
  const double secs = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r%-8s [%.*s%*s] %5.1f%%  %.1f s ", stage, filled,
               "##############################", kWidth - filled, "", 100 * frac, secs);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Clear() {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  if (drawn_) std::fprintf(stderr, "\r%70s\r", "");
  drawn_ = false;
}

}  // namespace idg::cli
