#include "io/csv_chunker.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "base/error.h"
#include "io/byte_scan.h"

namespace idg::detail {
namespace {

enum QuoteState : uint8_t {
  kOutside = 0,     // not in a quoted part
  kInside = 1,      // in a quoted part
  kAfterQuote = 2,  // just after a quote in a quoted part: closing, or the first of ""
};

class QuoteStepper {
 public:
  QuoteStepper(std::string_view file, size_t data_begin, const CsvGrammar& grammar)
      : file_(file), data_begin_(data_begin), grammar_(grammar) {}

  // The state after the quote byte at `at`; `prev` is the position of the quote before it.
  QuoteState Step(QuoteState s, size_t at, size_t prev) const {
    if (s == kInside) return kAfterQuote;
    if (s == kAfterQuote && prev + 1 == at) return kInside;  // "" inside quotes
    return OpensField(at) ? kInside : kOutside;
  }

 private:
  // Whether a field starts at `at`, given that `at` is outside quotes.
  bool OpensField(size_t at) const {
    if (at == data_begin_ || file_[at - 1] == '\n') return true;
    const std::string& d = grammar_.delimiter;
    return at - data_begin_ >= d.size() &&
           std::memcmp(file_.data() + at - d.size(), d.data(), d.size()) == 0;
  }

  std::string_view file_;
  size_t data_begin_;
  const CsvGrammar& grammar_;
};

// What one piece does to each possible start state, and how many '\n' it holds.
struct PieceScan {
  std::array<QuoteState, 3> end_state;
  uint64_t newlines;
};

PieceScan ScanPiece(std::string_view file, size_t begin, size_t end, char quote,
                    const QuoteStepper& stepper) {
  std::array<QuoteState, 3> s = {kOutside, kInside, kAfterQuote};
  size_t prev = begin - 1;  // only read by the kAfterQuote hypothesis: a quote at begin - 1
  uint64_t newlines = 0;
  for (size_t block = begin; block < end; block += 64) {
    newlines += PopCount64(
        ClippedMatchMask64(file.data(), block, end, file.size(), '\n', '\n', '\n'));
    uint64_t quotes = ClippedMatchMask64(file.data(), block, end, file.size(), quote, quote, quote);
    while (quotes != 0) {
      const size_t at = block + static_cast<size_t>(__builtin_ctzll(quotes));
      quotes &= quotes - 1;
      if (s[0] == s[1] && s[1] == s[2]) {  // the hypotheses have merged
        s[0] = s[1] = s[2] = stepper.Step(s[0], at, prev);
      } else {
        for (QuoteState& st : s) st = stepper.Step(st, at, prev);
      }
      prev = at;
    }
  }
  // Bytes after the last quote close a pending kAfterQuote, so that at every piece start
  // kAfterQuote implies a quote just before it.
  if (prev + 1 != end) {
    for (QuoteState& st : s) st = st == kAfterQuote ? kOutside : st;
  }
  return {s, newlines};
}

// The first row start in [begin, limit] given state `s` at `begin`, with the number of '\n'
// before it from `begin`; {limit + 1, _} when there is none.
std::pair<size_t, uint64_t> FindRowStart(std::string_view file, size_t begin, size_t limit,
                                         QuoteState s, char quote, const QuoteStepper& stepper) {
  if (s == kOutside && file[begin - 1] == '\n') return {begin, 0};
  ByteScanner scan(file.data(), begin, limit, file.size(), quote, '\n', '\n');
  size_t prev = begin - 1;
  uint64_t newlines = 0;
  for (size_t at = scan.Next(); at < limit; at = scan.Next()) {
    if (file[at] == '\n') {
      ++newlines;
      if (s != kInside) return {at + 1, newlines};
      continue;
    }
    s = stepper.Step(s, at, prev);
    prev = at;
  }
  return {limit + 1, newlines};
}

}  // namespace

void CheckCsvGrammar(const CsvGrammar& grammar, const std::string& path) {
  const std::string& d = grammar.delimiter;
  IDG_REQUIRE(!d.empty(), path + ": the CSV delimiter is empty");
  IDG_REQUIRE(d.find_first_of(std::string{grammar.quote, '\r', '\n'}) == std::string::npos,
              path + ": the CSV delimiter '" + d +
                  "' must not contain the quote character, CR or LF");
  IDG_REQUIRE(grammar.quote != '\r' && grammar.quote != '\n',
              path + ": the CSV quote character must not be CR or LF");
  for (size_t k = 1; k < d.size(); ++k) {
    IDG_REQUIRE(d.compare(0, k, d, d.size() - k, k) != 0,
                path + ": the CSV delimiter '" + d +
                    "' overlaps itself (a prefix equals a suffix), which is not supported");
  }
}

std::vector<ChunkSpan> SplitCsvChunks(std::string_view file, size_t data_begin,
                                      uint64_t data_first_line, const CsvGrammar& grammar,
                                      size_t target_bytes) {
  IDG_ASSERT(data_begin <= file.size());
  IDG_ASSERT(data_begin == 0 || data_begin == file.size() || file[data_begin - 1] == '\n');
  target_bytes = std::max<size_t>(target_bytes, 1);
  const size_t pieces = (file.size() - data_begin + target_bytes - 1) / target_bytes;
  if (pieces == 0) return {};
  auto piece_begin = [&](size_t k) {
    return std::min(file.size(), data_begin + k * target_bytes);
  };
  const QuoteStepper stepper(file, data_begin, grammar);

  std::vector<PieceScan> scans(pieces);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, pieces), [&](const auto& range) {
    for (size_t k = range.begin(); k != range.end(); ++k) {
      scans[k] = ScanPiece(file, piece_begin(k), piece_begin(k + 1), grammar.quote, stepper);
    }
  });

  std::vector<QuoteState> state(pieces);
  std::vector<uint64_t> line(pieces);
  state[0] = kOutside;
  line[0] = data_first_line;
  for (size_t k = 1; k < pieces; ++k) {
    state[k] = scans[k - 1].end_state[state[k - 1]];
    line[k] = line[k - 1] + scans[k - 1].newlines;
  }

  // Piece k looks for its first row start within itself (or exactly at its end); a piece
  // inside one long row finds none, which bounds the total work to one pass.
  std::vector<ChunkSpan> starts(pieces);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, pieces), [&](const auto& range) {
    for (size_t k = range.begin(); k != range.end(); ++k) {
      if (k == 0) {
        starts[k] = {data_begin, 0, data_first_line};
        continue;
      }
      const size_t b = piece_begin(k), e = piece_begin(k + 1);
      const auto [at, newlines] = FindRowStart(file, b, e, state[k], grammar.quote, stepper);
      starts[k] = {at, 0, line[k] + newlines};
    }
  });
  std::vector<ChunkSpan> real;
  real.reserve(pieces);
  for (size_t k = 0; k < pieces; ++k) {
    if (starts[k].begin <= piece_begin(k + 1)) real.push_back(starts[k]);
  }
  return ChunksFromStarts(real, file.size());
}

}  // namespace idg::detail
