#include "graph/record_store.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstring>

#include "base/error.h"

namespace idg {

void RecordStore::Append(std::vector<RecordBatch>&& batches) {
  const size_t k = batches.size();
  // Where each batch starts in the flat arrays.
  std::vector<size_t> rec(k + 1), ids(k + 1), att(k + 1);
  rec[0] = size();
  ids[0] = idents_.size();
  att[0] = attrs_.size();
  for (size_t b = 0; b < k; ++b) {
    rec[b + 1] = rec[b] + batches[b].size();
    ids[b + 1] = ids[b] + batches[b].idents.size();
    att[b + 1] = att[b] + batches[b].attrs.size();
  }
  IDG_REQUIRE(rec[k] < kNoRecord, "more than 2^32-1 records");
  source_.resize(rec[k]);
  source_record_id_.resize(rec[k]);
  timestamp_.resize(rec[k]);
  ident_begin_.resize(rec[k] + 1);
  attr_begin_.resize(rec[k] + 1);
  idents_.resize(ids[k]);
  attrs_.resize(att[k]);
  tbb::parallel_for(size_t{0}, k, [&](size_t b) {
    const RecordBatch& batch = batches[b];
    std::copy(batch.source.begin(), batch.source.end(), source_.begin() + rec[b]);
    std::copy(batch.source_record_id.begin(), batch.source_record_id.end(),
              source_record_id_.begin() + rec[b]);
    std::copy(batch.timestamp.begin(), batch.timestamp.end(), timestamp_.begin() + rec[b]);
    std::copy(batch.idents.begin(), batch.idents.end(), idents_.begin() + ids[b]);
    std::copy(batch.attrs.begin(), batch.attrs.end(), attrs_.begin() + att[b]);
    for (size_t i = 0; i < batch.size(); ++i) {
      ident_begin_[rec[b] + i + 1] = ids[b] + batch.ident_end[i];
      attr_begin_[rec[b] + i + 1] = att[b] + batch.attr_end[i];
    }
  });
  for (auto& batch : batches) arenas_.push_back(std::move(batch.arena));
  batches.clear();
}

void RecordStore::Scrub(RecordId r) {
  // The bytes live in arenas this store owns; the views are const only to readers.
  auto wipe = [](std::string_view v) { std::memset(const_cast<char*>(v.data()), 0, v.size()); };
  wipe(source_record_id_[r]);
  for (const AttrValue& a : attributes(r)) wipe(a.value);
}

size_t RecordStore::bytes_reserved() const {
  size_t bytes = source_.capacity() * sizeof(SourceId) +
                 source_record_id_.capacity() * sizeof(std::string_view) +
                 timestamp_.capacity() * sizeof(int64_t) +
                 (ident_begin_.capacity() + attr_begin_.capacity()) * sizeof(uint64_t) +
                 idents_.capacity() * sizeof(IdentifierId) + attrs_.capacity() * sizeof(AttrValue);
  for (const auto& a : arenas_) bytes += a.bytes_reserved();
  return bytes;
}

}  // namespace idg
