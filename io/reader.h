// Row readers for input files: a file is split into row-aligned chunks that are parsed
// independently (in parallel by the caller), so the result never depends on thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace idg {

// One parsed row. `values[i]` is the value of the i-th requested column; a value whose
// data() is nullptr is absent (missing JSON key, JSON null). Views are valid only during the
// callback that receives the row.
struct RowView {
  uint64_t line;                               // 1-based line where the row starts
  std::span<const std::string_view> values;    // one per requested column
  std::string_view raw;                        // the row's text, for reject files
};

// A malformed row: it is skipped, the chunk goes on with the next row.
struct RowError {
  uint64_t line;
  std::string field;   // column or path at fault, empty when the row as a whole is bad
  std::string reason;  // e.g. "unterminated quote", "invalid UTF-8", "expected 11 fields, got 9"
  std::string_view raw;
};

struct CsvOptions {
  std::string delimiter = ",";  // one or more bytes, e.g. ", " for FEBRL files
  char quote = '"';
};

using RowCallback = std::function<void(const RowView&)>;
using ErrorCallback = std::function<void(const RowError&)>;

// An input file opened for chunked parsing. Not copyable; ParseChunk may run concurrently for
// different chunks.
class ChunkedInput {
 public:
  virtual ~ChunkedInput() = default;
  virtual size_t chunk_count() const = 0;
  virtual uint64_t size_bytes() const = 0;
  virtual uint64_t chunk_bytes(size_t chunk) const = 0;  // for progress
  // Parses chunk `chunk`, calling on_row for every good row and on_error for every bad one,
  // in file order.
  virtual void ParseChunk(size_t chunk, const RowCallback& on_row,
                          const ErrorCallback& on_error) const = 0;
};

// Opens a CSV file (RFC 4180: quoted fields with embedded delimiters, quotes ("") and
// newlines; CRLF or LF). The first row is the header; `columns` are looked up in it.
// Throws idg::Error naming the file when it cannot be read or a column is not in the header.
std::unique_ptr<ChunkedInput> OpenCsv(const std::string& path, const CsvOptions& options,
                                      const std::vector<std::string>& columns,
                                      size_t target_chunk_bytes = 8 << 20);

// Opens a JSON Lines file: one object per line, blank lines skipped. `columns` are dotted
// paths into the object ("traits.email"). String values are unescaped; numbers and booleans
// appear as their JSON text; null is absent; an object or array is a row error naming the path.
std::unique_ptr<ChunkedInput> OpenJsonl(const std::string& path,
                                        const std::vector<std::string>& columns,
                                        size_t target_chunk_bytes = 8 << 20);

}  // namespace idg
