// What the CSV and JSONL inputs share: a mapped file cut into row-aligned chunks.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "io/chunks.h"
#include "io/mapped_file.h"
#include "io/reader.h"

namespace idg::detail {

class MappedChunkedInput : public ChunkedInput {
 public:
  size_t chunk_count() const override { return chunks_.size(); }
  uint64_t size_bytes() const override { return file_.size(); }
  uint64_t chunk_bytes(size_t chunk) const override { return span(chunk).end - span(chunk).begin; }

 protected:
  MappedChunkedInput(MappedFile file, std::vector<ChunkSpan> chunks)
      : file_(std::move(file)), chunks_(std::move(chunks)) {}

  // Throws idg::Error naming the file for a chunk that does not exist.
  const ChunkSpan& span(size_t chunk) const {
    IDG_REQUIRE(chunk < chunks_.size(), file_.path() + ": no chunk " + std::to_string(chunk));
    return chunks_[chunk];
  }

  MappedFile file_;
  std::vector<ChunkSpan> chunks_;
};

}  // namespace idg::detail
