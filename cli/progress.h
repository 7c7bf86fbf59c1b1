// A one-line progress bar on stderr for long jobs, shown only on a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace idg::cli {

class Progress {
 public:
  // Enabled when `wanted` and stderr is a terminal.
  explicit Progress(bool wanted);
  ~Progress();

  // Thread-safe; redraws at most ten times a second.
  void Update(const char* stage, uint64_t done, uint64_t total);
  // Erases the bar (call before printing results).
  void Clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_{};
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace idg::cli
