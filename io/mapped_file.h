// A whole file mapped read-only into memory, for the chunked readers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace idg::detail {

// Owns a read-only, private mapping of a regular file (advised MADV_SEQUENTIAL). The bytes
// stay valid and unchanged for the object's lifetime (a file truncated meanwhile by another
// process raises SIGBUS, as with any mapping). Movable, not copyable; const methods are
// thread-safe. An empty file maps nothing: bytes() is an empty view.
class MappedFile {
 public:
  // Throws idg::Error naming `path` and the system's reason when it cannot be opened, is not
  // a regular file, or cannot be mapped.
  explicit MappedFile(const std::string& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {data_, size_}; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Drops the pages of [offset, offset + length) from this process's memory (MADV_DONTNEED):
  // they stay in the page cache and come back on the next access, with the same bytes. Bounds
  // the resident size of a large input to what is being parsed. Thread-safe.
  void Evict(size_t offset, size_t length) const noexcept;

 private:
  void Release() noexcept;

  std::string path_;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace idg::detail
