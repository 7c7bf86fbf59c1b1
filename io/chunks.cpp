#include "io/chunks.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstring>

#include "base/error.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace idg::detail {

uint64_t CountByte(const char* p, size_t n, char c) {
  uint64_t count = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i vc = _mm_set1_epi8(c);
  while (n - i >= 16) {
    // Byte lanes count down by one per match; flushed before they can wrap (255 steps).
    __m128i acc = _mm_setzero_si128();
    const size_t steps = std::min<size_t>((n - i) / 16, 255);
    for (size_t s = 0; s < steps; ++s, i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, vc));
    }
    const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    count += static_cast<uint64_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; i < n; ++i) count += p[i] == c;
  return count;
}

std::vector<ChunkSpan> ChunksFromStarts(const std::vector<ChunkSpan>& starts, size_t file_size) {
  std::vector<ChunkSpan> chunks;
  for (const ChunkSpan& s : starts) {
    if (s.begin >= file_size) break;
    if (!chunks.empty() && s.begin <= chunks.back().begin) continue;
    chunks.push_back({s.begin, file_size, s.first_line});
  }
  for (size_t k = 0; k + 1 < chunks.size(); ++k) chunks[k].end = chunks[k + 1].begin;
  return chunks;
}

std::vector<ChunkSpan> SplitLineChunks(std::string_view file, size_t data_begin,
                                       uint64_t data_first_line, size_t target_bytes) {
  IDG_ASSERT(data_begin <= file.size());
  target_bytes = std::max<size_t>(target_bytes, 1);
  const size_t pieces = (file.size() - data_begin + target_bytes - 1) / target_bytes;
  if (pieces == 0) return {};
  auto piece_begin = [&](size_t k) {
    return std::min(file.size(), data_begin + k * target_bytes);
  };
  // Piece k >= 1 contributes the row start after its first '\n' (searched from one byte
  // before it, so that a piece starting exactly at a row start keeps it), with that row's
  // line relative to the piece; newlines[k] counts the piece's '\n'.
  std::vector<uint64_t> newlines(pieces);
  std::vector<ChunkSpan> starts(pieces);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, pieces), [&](const auto& range) {
    for (size_t k = range.begin(); k != range.end(); ++k) {
      const size_t b = piece_begin(k), e = piece_begin(k + 1);
      newlines[k] = CountByte(file.data() + b, e - b, '\n');
      if (k == 0) {
        starts[k] = {b, 0, 0};
        continue;
      }
      const void* nl = std::memchr(file.data() + b - 1, '\n', e - (b - 1));
      const size_t at = nl == nullptr ? e : static_cast<size_t>(
                                                static_cast<const char*>(nl) - file.data()) + 1;
      starts[k] = {at, 0, at > b ? CountByte(file.data() + b, at - b, '\n') : 0};
    }
  });
  uint64_t line = data_first_line;
  for (size_t k = 0; k < pieces; ++k) {
    starts[k].first_line += line;
    line += newlines[k];
  }
  // A piece without a '\n' points at the next piece's begin: keep only real row starts.
  std::vector<ChunkSpan> real;
  real.reserve(pieces);
  for (size_t k = 0; k < pieces; ++k) {
    const size_t at = starts[k].begin;
    if (k == 0 || (at > 0 && file[at - 1] == '\n')) real.push_back(starts[k]);
  }
  return ChunksFromStarts(real, file.size());
}

}  // namespace idg::detail
