// CSV reader: OpenCsv parses the header and splits the file into exact row-aligned chunks
// (csv_chunker.h); ParseChunk walks a chunk's rows with a SIMD scanner over the delimiter's
// first byte, the quote and '\n'. Both follow the grammar documented in csv_chunker.h, in
// particular: a quote that does not start a field is a literal byte (lenient), text after a
// closing quote is appended to the field, a CR just before the row's '\n' (or the end of the
// file) is dropped, and a row that is empty after that is skipped.

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "io/byte_scan.h"
#include "io/chunks.h"
#include "io/csv_chunker.h"
#include "io/mapped_file.h"
#include "io/mapped_input.h"
#include "io/reader.h"
#include "io/utf8.h"

namespace idg {
namespace {

using detail::ChunkSpan;
using detail::kMaxRowBytes;

constexpr size_t kNone = std::numeric_limits<size_t>::max();

// A field's bytes [begin, end) in the file; when quoted, begin holds the opening quote and
// `close` the closing one (close + 1 < end when text follows the closing quote).
struct FieldSpan {
  size_t begin;
  size_t end;
  size_t close;  // kNone for an unquoted field
  bool escaped;  // the quoted part holds ""
};

// One row as found by RowScanner. fields[0, min(field_count, cap)) are the row's first fields
// (the vector only grows, to reuse its storage); field_count counts them all.
struct CsvRow {
  size_t begin = 0;
  size_t end = 0;  // of the row's text, without the line terminator
  uint64_t line = 0;
  std::vector<FieldSpan> fields;
  size_t field_count = 0;
  size_t quoted_count = 0;    // fields with a quoted part among the kept ones
  bool unterminated = false;  // the file ends inside a quoted part

  bool blank() const { return end == begin; }
};

// Walks the rows of file[begin, end), where `begin` is a row start and `end` a row start or
// the end of the file. Borrows the file bytes; not thread-safe (one per chunk and thread).
class RowScanner {
 public:
  RowScanner(std::string_view file, size_t begin, size_t end, uint64_t first_line,
             const detail::CsvGrammar& grammar, size_t field_cap)
      : file_(file),
        end_(end),
        delimiter_(grammar.delimiter),
        quote_(grammar.quote),
        field_cap_(field_cap),
        pos_(begin),
        line_(first_line),
        scan_(file.data(), begin, end, file.size(), grammar.delimiter[0], grammar.quote, '\n') {}

  size_t position() const { return pos_; }  // where the next row starts
  uint64_t line() const { return line_; }    // the line on which position() lies

  // Fills `row` with the next row; false at the end of the range.
  bool Next(CsvRow& row) {
    if (pos_ >= end_) return false;
    // The hot state lives in locals: stores into row.fields could otherwise alias members.
    detail::ByteScanner scan = scan_;
    const char* const d = file_.data();
    const size_t end = end_;
    const char quote = quote_;
    const size_t delimiter_size = delimiter_.size();
    uint64_t line = line_;
    FieldSpan* kept = row.fields.data();
    size_t kept_size = row.fields.size();
    size_t count = 0, quoted_count = 0;
    auto add_field = [&](size_t begin, size_t field_end, size_t close, bool escaped) {
      if (count < kept_size) {
        kept[count] = {begin, field_end, close, escaped};
        quoted_count += close != kNone;
      } else if (count < field_cap_) {
        row.fields.push_back({begin, field_end, close, escaped});
        kept = row.fields.data();
        kept_size = row.fields.size();
        quoted_count += close != kNone;
      }
      ++count;
    };
    auto finish = [&](size_t row_end, size_t next, bool unterminated) {
      row.end = row_end;
      row.field_count = count;
      row.quoted_count = quoted_count;
      row.unterminated = unterminated;
      scan_ = scan;
      line_ = line;
      pos_ = next;
      return true;
    };
    row.begin = pos_;
    row.line = line;
    size_t field_begin = pos_;
    size_t close = kNone;
    bool quoted = false;  // inside the quoted part of the current field
    bool escaped = false;
    for (;;) {
      const size_t at = scan.Next();
      if (at >= end) {
        size_t row_end = end;
        if (!quoted && row_end > field_begin && d[row_end - 1] == '\r') --row_end;
        add_field(field_begin, row_end, close, escaped);
        return finish(row_end, end, quoted);
      }
      const char c = d[at];
      if (quoted) {
        if (c == '\n') {
          ++line;
        } else if (c == quote) {
          if (at + 1 < end && d[at + 1] == quote) {
            escaped = true;
            scan.SkipTo(at + 2);
          } else {
            close = at;
            quoted = false;
          }
        }
        continue;
      }
      if (c == quote) {
        quoted = at == field_begin;  // otherwise a literal quote
        continue;
      }
      if (c == '\n') {
        ++line;
        size_t row_end = at;
        if (row_end > field_begin && d[row_end - 1] == '\r') --row_end;
        add_field(field_begin, row_end, close, escaped);
        return finish(row_end, at + 1, false);
      }
      if (delimiter_size > 1) {  // c is the delimiter's first byte
        if (end - at < delimiter_size ||
            std::memcmp(d + at + 1, delimiter_.data() + 1, delimiter_size - 1) != 0) {
          continue;
        }
        scan.SkipTo(at + delimiter_size);
      }
      add_field(field_begin, at, close, escaped);
      field_begin = at + delimiter_size;
      close = kNone;
      escaped = false;
    }
  }

 private:
  std::string_view file_;
  size_t end_;
  std::string_view delimiter_;
  char quote_;
  size_t field_cap_;
  size_t pos_;
  uint64_t line_;
  detail::ByteScanner scan_;
};

// The value of the quoted field `f`: a view into the file when it needs no unescaping, else
// appended to `scratch`, whose capacity the caller has reserved so that it never reallocates.
std::string_view QuotedValue(std::string_view file, const FieldSpan& f, char quote,
                             std::string& scratch) {
  if (!f.escaped && f.close + 1 == f.end) return file.substr(f.begin + 1, f.close - f.begin - 1);
  const size_t start = scratch.size();
  for (size_t i = f.begin + 1; i < f.close; ++i) {
    scratch.push_back(file[i]);
    if (file[i] == quote) ++i;  // the first of "" stands for the pair
  }
  scratch.append(file.substr(f.close + 1, f.end - f.close - 1));
  return std::string_view(scratch).substr(start);
}

std::string_view Truncated(std::string_view text) { return text.substr(0, kMaxRowBytes); }

class CsvInput final : public detail::MappedChunkedInput {
 public:
  CsvInput(detail::MappedFile file, detail::CsvGrammar grammar, std::vector<std::string> header,
           std::vector<size_t> column_index, std::vector<ChunkSpan> chunks)
      : MappedChunkedInput(std::move(file), std::move(chunks)),
        grammar_(std::move(grammar)),
        header_(std::move(header)),
        column_index_(std::move(column_index)) {}

  void ParseChunk(size_t chunk, const RowCallback& on_row,
                  const ErrorCallback& on_error) const override;

 private:
  void FillQuotedRowValues(const CsvRow& row, std::vector<std::string_view>& values,
                           std::string& scratch) const;

  detail::CsvGrammar grammar_;
  std::vector<std::string> header_;
  std::vector<size_t> column_index_;  // header position of each requested column
};

void CsvInput::FillQuotedRowValues(const CsvRow& row, std::vector<std::string_view>& values,
                                   std::string& scratch) const {
  size_t unescaped_bytes = 0;
  for (size_t k : column_index_) unescaped_bytes += row.fields[k].end - row.fields[k].begin;
  scratch.clear();
  scratch.reserve(unescaped_bytes);
  const std::string_view file = file_.bytes();
  for (size_t j = 0; j < column_index_.size(); ++j) {
    const FieldSpan& f = row.fields[column_index_[j]];
    values[j] = f.close == kNone ? file.substr(f.begin, f.end - f.begin)
                                 : QuotedValue(file, f, grammar_.quote, scratch);
  }
}

void CsvInput::ParseChunk(size_t chunk, const RowCallback& on_row,
                          const ErrorCallback& on_error) const {
  const ChunkSpan& span = this->span(chunk);
  const std::string_view file = file_.bytes();
  // Rows partition the chunk between ASCII terminators, so a valid chunk has valid rows.
  const bool chunk_utf8 = detail::ValidUtf8(file.substr(span.begin, span.end - span.begin));
  const size_t field_count = header_.size();
  RowScanner scanner(file, span.begin, span.end, span.first_line, grammar_, field_count + 1);
  CsvRow row;
  std::vector<std::string_view> values(column_index_.size());
  std::string scratch;

  auto error = [&](std::string field, std::string reason, std::string_view raw) {
    on_error(RowError{row.line, std::move(field), std::move(reason), raw});
  };
  while (scanner.Next(row)) {
    if (row.blank()) continue;
    const std::string_view raw = file.substr(row.begin, row.end - row.begin);
    if (raw.size() > kMaxRowBytes) {
      error("", "row longer than " + std::to_string(kMaxRowBytes) + " bytes", Truncated(raw));
      continue;
    }
    if (row.unterminated) {
      error("", "unterminated quote", raw);
      continue;
    }
    if (row.field_count != field_count) {
      error("", "expected " + std::to_string(field_count) + " fields, got " +
                    std::to_string(row.field_count), raw);
      continue;
    }
    if (!chunk_utf8 && !detail::ValidUtf8(raw)) {
      std::string bad;
      for (size_t k = 0; k < field_count; ++k) {
        const FieldSpan& f = row.fields[k];
        if (!detail::ValidUtf8(file.substr(f.begin, f.end - f.begin))) {
          bad = header_[k];
          break;
        }
      }
      error(std::move(bad), "invalid UTF-8", raw);
      continue;
    }
    if (row.quoted_count == 0) {
      for (size_t j = 0; j < column_index_.size(); ++j) {
        const FieldSpan& f = row.fields[column_index_[j]];
        values[j] = std::string_view(file.data() + f.begin, f.end - f.begin);
      }
    } else {
      FillQuotedRowValues(row, values, scratch);
    }
    on_row(RowView{row.line, values, raw});
  }
  file_.Evict(span.begin, span.end - span.begin);  // views died with the callbacks
}

std::string TrimSpaces(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::unique_ptr<ChunkedInput> OpenCsv(const std::string& path, const CsvOptions& options,
                                      const std::vector<std::string>& columns,
                                      size_t target_chunk_bytes) {
  detail::CsvGrammar grammar{options.delimiter, options.quote};
  detail::CheckCsvGrammar(grammar, path);
  detail::MappedFile file(path);
  const std::string_view bytes = file.bytes();
  const size_t origin = detail::Utf8BomLength(bytes);

  // The header is the first non-blank row.
  RowScanner scanner(bytes, origin, bytes.size(), 1, grammar, kMaxRowBytes + 2);
  CsvRow row;
  bool found = false;
  while (!found && scanner.Next(row)) found = !row.blank();
  IDG_REQUIRE(found, path + ": the file is empty (no header row)");
  const std::string_view raw = bytes.substr(row.begin, row.end - row.begin);
  const std::string at_line = path + ": header (line " + std::to_string(row.line) + ")";
  IDG_REQUIRE(raw.size() <= kMaxRowBytes, at_line + " is longer than " +
                                              std::to_string(kMaxRowBytes) + " bytes");
  IDG_REQUIRE(!row.unterminated, at_line + " has an unterminated quote");
  IDG_REQUIRE(detail::ValidUtf8(raw), at_line + " is not valid UTF-8");
  std::vector<std::string> header;
  std::string scratch;
  for (size_t k = 0; k < row.field_count; ++k) {
    const FieldSpan& f = row.fields[k];
    scratch.clear();
    scratch.reserve(f.end - f.begin);
    header.push_back(TrimSpaces(f.close == kNone ? bytes.substr(f.begin, f.end - f.begin)
                                                 : QuotedValue(bytes, f, grammar.quote, scratch)));
  }

  std::vector<size_t> column_index;
  for (const std::string& c : columns) {
    const auto it = std::find(header.begin(), header.end(), c);
    IDG_REQUIRE(it != header.end(), path + ": no column '" + c + "' in the header (columns: " +
                                        JoinNames(header) + ")");
    column_index.push_back(static_cast<size_t>(it - header.begin()));
  }

  std::vector<ChunkSpan> chunks = detail::SplitCsvChunks(
      bytes, scanner.position(), scanner.line(), grammar, target_chunk_bytes);
  file.Evict(0, file.size());  // the scan touched every page; parsing brings back a chunk at a time
  return std::make_unique<CsvInput>(std::move(file), std::move(grammar), std::move(header),
                                    std::move(column_index), std::move(chunks));
}

}  // namespace idg
