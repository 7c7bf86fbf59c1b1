// Exact, parallel row-aligned splitting of a CSV file whose quoted fields may hold newlines.
//
// The quoting grammar (shared with the row parser in csv_reader.cpp, which must agree with it
// byte for byte):
//  - a field is quoted when its first byte is the quote character; the quoted part ends at a
//    quote that is not followed by another quote ("" is an escaped quote);
//  - a quote anywhere else (inside an unquoted field, or after the closing quote) is a literal
//    byte and does not change the quoting state;
//  - a '\n' outside a quoted part ends the row.
// Whether a quote opens a quoted part depends only on the bytes before it (a '\n' or a whole
// delimiter, which is why delimiters must not overlap themselves), so the state at any byte
// is a function of the previous quote's state. Each piece of the file is scanned once, quote
// by quote, from each of the three states it could start in (outside, inside, just after a
// quote inside); a prefix over the pieces gives the true state at every piece start, and each
// chunk then starts at the first row boundary after its piece start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/chunks.h"

namespace idg::detail {

struct CsvGrammar {
  std::string delimiter;  // non-empty; no quote, '\r' or '\n'; does not overlap itself
  char quote;
};

// Throws idg::Error (prefixed by `path`) when the delimiter/quote pair cannot be parsed
// unambiguously by this grammar.
void CheckCsvGrammar(const CsvGrammar& grammar, const std::string& path);

// Splits file[data_begin, size) into row-aligned chunks of about target_bytes, in parallel
// with TBB. data_begin must be a row start outside quotes (just after the header row), and
// data_first_line its line number. The result depends only on the bytes, the grammar and
// target_bytes.
std::vector<ChunkSpan> SplitCsvChunks(std::string_view file, size_t data_begin,
                                      uint64_t data_first_line, const CsvGrammar& grammar,
                                      size_t target_bytes);

}  // namespace idg::detail
