#include "graph/profile_view.h"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "graph/golden.h"

namespace idg {
namespace {

// r's index in `members`, or members.size() when it is not one.
uint32_t Local(std::span<const RecordId> members, RecordId r) {
  const auto it = std::lower_bound(members.begin(), members.end(), r);
  if (it == members.end() || *it != r) return static_cast<uint32_t>(members.size());
  return static_cast<uint32_t>(it - members.begin());
}

}  // namespace

std::shared_ptr<ProfileView> BuildProfileView(const ViewInputs& in, ProfileId id,
                                              std::span<const RecordId> members,
                                              std::span<const MemberLink> links,
                                              std::vector<ProfileEvent> history) {
  auto view = std::make_shared<ProfileView>();
  view->id = id;
  view->history = std::move(history);
  for (const GoldenField& g : GoldenRecord(in.config, in.records, members)) {
    view->golden.push_back({in.config.attributes[g.attr].name, g.value});
  }
  std::vector<std::pair<IdentifierId, uint32_t>> held;  // (identifier, member index)
  view->records.reserve(members.size());
  for (uint32_t j = 0; j < members.size(); ++j) {
    const RecordId r = members[j];
    view->records.push_back({r, in.config.sources[in.records.source(r)].name,
                             in.records.source_record_id(r), in.records.timestamp(r)});
    for (IdentifierId x : in.records.identifiers(r)) held.push_back({x, j});
  }
  // Identifiers in content order: kind, then value.
  auto content = [&](IdentifierId a, IdentifierId b) {
    return std::make_pair(in.interner.kind(a), in.interner.value(a)) <
           std::make_pair(in.interner.kind(b), in.interner.value(b));
  };
  std::sort(held.begin(), held.end(), [&](const auto& x, const auto& y) {
    if (x.first != y.first) return content(x.first, y.first);
    return x.second < y.second;
  });
  // The spanning tree: shared linking identifiers first, then fuzzy links strongest first.
  std::vector<uint32_t> parent(members.size());
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto join = [&](uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    parent[std::max(a, b)] = std::min(a, b);
    return true;
  };
  for (size_t i = 0; i < held.size();) {
    size_t e = i;
    while (e < held.size() && held[e].first == held[i].first) ++e;
    const IdentifierId x = held[i].first;
    const KindConfig& kind = in.config.kinds[in.interner.kind(x)];
    const std::string_view value = in.interner.value(x);
    view->identifiers.push_back({kind.name, value});
    const bool links_records =
        kind.deterministic && !std::binary_search(in.junk.begin(), in.junk.end(), x) &&
        (kind.max_records == 0 || in.interner.count(x) <= kind.max_records);
    for (size_t k = i + 1; links_records && k < e; ++k) {
      if (!join(held[i].second, held[k].second)) continue;
      ProfileEdge edge{};
      edge.a = held[i].second;
      edge.b = held[k].second;
      edge.kind = kind.name;
      edge.value = value;
      view->edges.push_back(std::move(edge));
    }
    i = e;
  }
  std::vector<const MemberLink*> order;
  for (const MemberLink& l : links) order.push_back(&l);
  std::sort(order.begin(), order.end(), [](const MemberLink* x, const MemberLink* y) {
    return std::tie(y->score, x->a, x->b) < std::tie(x->score, y->a, y->b);
  });
  for (const MemberLink* l : order) {
    const uint32_t a = Local(members, l->a), b = Local(members, l->b);
    if (a == members.size() || b == members.size() || !join(a, b)) continue;
    ProfileEdge edge{};
    edge.a = a;
    edge.b = b;
    edge.fuzzy = true;
    edge.score = l->score;
    if (in.model != nullptr) {
      edge.probability = in.model->MatchProbability(l->score);
      for (size_t k = 0; k < in.model->comparisons.size(); ++k) {
        const ComparisonModel& c = in.model->comparisons[k];
        const uint8_t lv = l->levels[k];
        edge.evidence.push_back({c.name, lv == kNullLevel ? std::string_view("null") : c.levels[lv],
                                 in.model->Weight(k, lv)});
      }
    }
    view->edges.push_back(std::move(edge));
  }
  return view;
}

std::vector<uint32_t> TreePath(const ProfileView& view, uint32_t from, uint32_t to) {
  const size_t n = view.records.size();
  if (from == to || from >= n || to >= n) return {};
  // Breadth-first search from `from` over the tree, remembering the edge each record came by.
  std::vector<std::vector<uint32_t>> adjacent(n);
  for (uint32_t e = 0; e < view.edges.size(); ++e) {
    adjacent[view.edges[e].a].push_back(e);
    adjacent[view.edges[e].b].push_back(e);
  }
  constexpr uint32_t kNone = ~0u;
  std::vector<uint32_t> came_by(n, kNone);
  std::vector<uint32_t> queue{from};
  std::vector<uint8_t> seen(n, 0);
  seen[from] = 1;
  for (size_t q = 0; q < queue.size() && !seen[to]; ++q) {
    for (uint32_t e : adjacent[queue[q]]) {
      const uint32_t next = view.edges[e].a == queue[q] ? view.edges[e].b : view.edges[e].a;
      if (seen[next]) continue;
      seen[next] = 1;
      came_by[next] = e;
      queue.push_back(next);
    }
  }
  if (!seen[to]) return {};
  std::vector<uint32_t> path;
  for (uint32_t at = to; at != from;) {
    const uint32_t e = came_by[at];
    path.push_back(e);
    at = view.edges[e].a == at ? view.edges[e].b : view.edges[e].a;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace idg
