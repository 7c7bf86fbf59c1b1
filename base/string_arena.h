// Append-only storage for many small strings. Views returned by Add stay valid as long as
// the arena lives (it is movable: moving keeps the bytes where they are). Not thread-safe:
// give each thread or chunk its own.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace idg {

class StringArena {
 public:
  explicit StringArena(size_t block_bytes = 1 << 20) : block_bytes_(block_bytes) {}

  std::string_view Add(std::string_view s) {
    if (s.empty()) return std::string_view("", 0);
    if (s.size() > left_) NewBlock(s.size());
    char* dst = cursor_;
    std::memcpy(dst, s.data(), s.size());
    cursor_ += s.size();
    left_ -= s.size();
    return std::string_view(dst, s.size());
  }

  size_t bytes_reserved() const { return reserved_; }

 private:
  void NewBlock(size_t at_least) {
    const size_t size = std::max(block_bytes_, at_least);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    cursor_ = blocks_.back().get();
    left_ = size;
    reserved_ += size;
  }

  size_t block_bytes_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cursor_ = nullptr;
  size_t left_ = 0;
  size_t reserved_ = 0;
};

}  // namespace idg
