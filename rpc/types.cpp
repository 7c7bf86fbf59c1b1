#include "rpc/types.h"

#include <atomic>
#include <limits>

#include "base/error.h"

namespace idg::rpc {
namespace {

// The view's bytes may be overwritten by an erasure while they are copied; the erased flag,
// read after the copy with acquire order, says whether what was copied can be trusted.
bool StillLive(const ProfileView& view) { return !view.erased.load(std::memory_order_acquire); }

MemberRecord CopyRecord(const ProfileRecord& r) {
  return {std::string(r.source), std::string(r.id), r.timestamp};
}

Edge CopyEdge(const ProfileEdge& e) {
  Edge out;
  out.a = e.a;
  out.b = e.b;
  out.fuzzy = e.fuzzy;
  if (e.fuzzy) {
    out.score = e.score;
    out.probability = e.probability;
    out.evidence.reserve(e.evidence.size());
    for (const LinkEvidence& ev : e.evidence) {
      out.evidence.push_back({std::string(ev.comparison), std::string(ev.level), ev.weight});
    }
  } else {
    out.identifier = {std::string(e.kind), std::string(e.value)};
  }
  return out;
}

}  // namespace

bool CopyExplanation(const Explanation& e, ExplainReply& out) {
  IDG_ASSERT(e.profile != nullptr);
  const ProfileView& view = *e.profile;
  out = ExplainReply{};
  out.profile = view.id;
  // Records are renumbered in path order: a first, b last.
  constexpr uint32_t kUnseen = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> local(view.records.size(), kUnseen);
  auto add = [&](uint32_t r) {
    IDG_ASSERT(r < view.records.size());
    if (local[r] == kUnseen) {
      local[r] = static_cast<uint32_t>(out.records.size());
      out.records.push_back(CopyRecord(view.records[r]));
    }
    return local[r];
  };
  add(e.from);
  uint32_t at = e.from;
  for (uint32_t i : e.edges) {
    IDG_ASSERT(i < view.edges.size());
    const ProfileEdge& pe = view.edges[i];
    Edge edge = CopyEdge(pe);
    uint32_t a = pe.a, b = pe.b;
    if (b == at) std::swap(a, b);  // oriented along the path
    edge.a = add(a);
    edge.b = add(b);
    at = b;
    out.edges.push_back(std::move(edge));
  }
  add(e.to);
  return StillLive(view);
}

}  // namespace idg::rpc
