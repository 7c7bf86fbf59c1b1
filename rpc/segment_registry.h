// The named segments of a running server (Writer.defineSegment, Reader.listSegments): name ->
// parsed query and the text it was defined with, in memory until the server stops. One
// registry serves every event-loop thread; its methods are thread-safe. Private to rpc/.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "graph/segment_query.h"

namespace idg::rpc::detail {

inline constexpr size_t kMaxSegments = 10000;
inline constexpr size_t kMaxSegmentName = 128;

// Throws idg::Error unless `name` is 1 to kMaxSegmentName of [A-Za-z0-9_.-].
void CheckSegmentName(std::string_view name);

class SegmentRegistry {
 public:
  struct Entry {
    std::string name;
    std::string text;                           // as defined
    std::shared_ptr<const SegmentQuery> query;  // never null
  };

  // Saves `query` under `name`, replacing what the name held, and returns the saved query.
  // Throws idg::Error for a bad name (CheckSegmentName) or a new name when kMaxSegments are
  // held; nothing changes then.
  std::shared_ptr<const SegmentQuery> Define(std::string name, std::string text,
                                             SegmentQuery query);

  // Every segment, by name; a snapshot that later definitions leave alone.
  std::vector<Entry> List() const;

 private:
  struct Saved {
    std::string text;
    std::shared_ptr<const SegmentQuery> query;
  };
  mutable std::mutex mu_;
  std::map<std::string, Saved, std::less<>> segments_;  // guarded by mu_
};

}  // namespace idg::rpc::detail
