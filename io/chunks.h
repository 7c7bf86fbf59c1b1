// Row-aligned chunks of a mapped input file, shared by the CSV and JSONL readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace idg::detail {

// Rows longer than this (without the line terminator) are row errors; it bounds the memory a
// malformed file can make a reader use.
inline constexpr size_t kMaxRowBytes = size_t{1} << 20;

// A piece of the file [begin, end) that starts at the beginning of a row and ends after the
// terminator of its last row (or at the end of the file). first_line is the 1-based physical
// line on which `begin` lies.
struct ChunkSpan {
  size_t begin;
  size_t end;
  uint64_t first_line;
};

// Number of bytes equal to `c` in p[0, n). SIMD; thread-safe.
uint64_t CountByte(const char* p, size_t n, char c);

// Splits file[data_begin, size) at '\n' into chunks of about target_bytes (at least 1), in
// parallel. data_first_line is the line number of data_begin. The split points depend only on
// the bytes and target_bytes, never on the thread count.
std::vector<ChunkSpan> SplitLineChunks(std::string_view file, size_t data_begin,
                                       uint64_t data_first_line, size_t target_bytes);

// The chunks whose begin is a real row start: `starts` is non-decreasing and each entry is
// a row start in [data_begin, size], paired with its line; equal entries and those at the end
// of the file are dropped. The last chunk ends at file_size.
std::vector<ChunkSpan> ChunksFromStarts(const std::vector<ChunkSpan>& starts, size_t file_size);

}  // namespace idg::detail
