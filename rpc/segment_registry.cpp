#include "rpc/segment_registry.h"

#include <utility>

#include "base/error.h"

namespace idg::rpc::detail {
namespace {

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

void CheckSegmentName(std::string_view name) {
  if (name.empty()) throw Error("segment name: empty; give 1 to 128 of A-Z a-z 0-9 _ . -");
  if (name.size() > kMaxSegmentName) {
    throw Error("segment name: " + std::to_string(name.size()) + " characters; at most " +
                std::to_string(kMaxSegmentName));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!NameChar(name[i])) {
      throw Error("segment name '" + std::string(name) + "': character " + std::to_string(i + 1) +
                  " is not one of A-Z a-z 0-9 _ . -");
    }
  }
}

std::shared_ptr<const SegmentQuery> SegmentRegistry::Define(std::string name, std::string text,
                                                            SegmentQuery query) {
  CheckSegmentName(name);
  auto parsed = std::make_shared<const SegmentQuery>(std::move(query));
  std::lock_guard lock(mu_);
  auto it = segments_.find(name);
  if (it != segments_.end()) {
    it->second = {std::move(text), parsed};
    return parsed;
  }
  if (segments_.size() >= kMaxSegments) {
    throw Error("segment '" + name + "' not saved: the server holds " +
                std::to_string(kMaxSegments) + " segments, its most; redefine one of them instead");
  }
  segments_.emplace(std::move(name), Saved{std::move(text), parsed});
  return parsed;
}

std::vector<SegmentRegistry::Entry> SegmentRegistry::List() const {
  std::lock_guard lock(mu_);
  std::vector<Entry> out;
  out.reserve(segments_.size());
  for (const auto& [name, saved] : segments_) out.push_back({name, saved.text, saved.query});
  return out;
}

}  // namespace idg::rpc::detail
