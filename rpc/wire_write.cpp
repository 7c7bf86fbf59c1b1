// Plain values into Cap'n Proto builders.
#include <algorithm>
#include <atomic>
#include <span>
#include <string_view>

#include "rpc/wire.h"

namespace idg::rpc::detail {
namespace {

template <typename ListBuilder>
void Ids(std::span<const ProfileId> ids, ListBuilder out) {
  for (size_t i = 0; i < ids.size(); ++i) out.set(i, ids[i]);
}

// MemberRecord or ProfileRecord.
template <typename Record>
void RecordToWire(const Record& r, wire::MemberRecord::Builder out) {
  out.setSource(Text(r.source));
  out.setId(Text(r.id));
  out.setTimestamp(r.timestamp);
}

// Edge or ProfileEdge; `kind` and `value` name the shared identifier of a deterministic edge.
template <typename E>
void EdgeToWire(const E& e, std::string_view kind, std::string_view value,
                wire::Edge::Builder out) {
  out.setA(e.a);
  out.setB(e.b);
  if (!e.fuzzy) {
    auto id = out.initIdentifier();
    id.setKind(Text(kind));
    id.setValue(Text(value));
    return;
  }
  auto f = out.initFuzzy();
  f.setScore(e.score);
  f.setProbability(e.probability);
  auto ev = f.initEvidence(e.evidence.size());
  for (size_t i = 0; i < e.evidence.size(); ++i) {
    ev[i].setComparison(Text(e.evidence[i].comparison));
    ev[i].setLevel(Text(e.evidence[i].level));
    ev[i].setWeight(e.evidence[i].weight);
  }
}

void EdgeToWire(const Edge& e, wire::Edge::Builder out) {
  EdgeToWire(e, e.identifier.kind, e.identifier.value, out);
}

void EdgeToWire(const ProfileEdge& e, wire::Edge::Builder out) {
  EdgeToWire(e, e.kind, e.value, out);
}

wire::EventType ToWire(ProfileEvent::Type t) {
  switch (t) {
    case ProfileEvent::Type::kCreated:
      return wire::EventType::CREATED;
    case ProfileEvent::Type::kMerged:
      return wire::EventType::MERGED;
    case ProfileEvent::Type::kSplit:
      return wire::EventType::SPLIT;
  }
  return wire::EventType::CREATED;
}

template <typename Record>
void Records(const std::vector<Record>& records, capnp::List<wire::MemberRecord>::Builder out) {
  for (size_t i = 0; i < records.size(); ++i) RecordToWire(records[i], out[i]);
}

template <typename E>
void Edges(const std::vector<E>& edges, capnp::List<wire::Edge>::Builder out) {
  for (size_t i = 0; i < edges.size(); ++i) EdgeToWire(edges[i], out[i]);
}

bool Live(const ProfileView& view) { return !view.erased.load(std::memory_order_acquire); }

void Merges(const std::vector<ProfileMerge>& merges, capnp::List<wire::Merge>::Builder out) {
  for (size_t i = 0; i < merges.size(); ++i) {
    out[i].setSurvivor(merges[i].survivor);
    Ids(merges[i].absorbed, out[i].initAbsorbed(merges[i].absorbed.size()));
  }
}

void Splits(const std::vector<ProfileSplit>& splits, capnp::List<wire::Split>::Builder out) {
  for (size_t i = 0; i < splits.size(); ++i) {
    out[i].setFrom(splits[i].from);
    Ids(splits[i].parts, out[i].initParts(splits[i].parts.size()));
  }
}

// The fields a lookup's summary and a whole profile share.
template <typename Builder>
void SummaryToWire(const ProfileView& p, Builder out) {
  out.setId(p.id);
  auto golden = out.initGolden(p.golden.size());
  for (size_t i = 0; i < p.golden.size(); ++i) {
    golden[i].setName(Text(p.golden[i].name));
    golden[i].setValue(Text(p.golden[i].value));
  }
  auto ids = out.initIdentifiers(p.identifiers.size());
  for (size_t i = 0; i < p.identifiers.size(); ++i) {
    ids[i].setKind(Text(p.identifiers[i].name));
    ids[i].setValue(Text(p.identifiers[i].value));
  }
}

void ProfileToWire(const ProfileView& p, wire::Profile::Builder out) {
  SummaryToWire(p, out);
  Records(p.records, out.initRecords(p.records.size()));
  Edges(p.edges, out.initEdges(p.edges.size()));
  auto history = out.initHistory(p.history.size());
  for (size_t i = 0; i < p.history.size(); ++i) {
    history[i].setType(ToWire(p.history[i].type));
    history[i].setAt(p.history[i].at);
    Ids(p.history[i].other, history[i].initOther(p.history[i].other.size()));
  }
}

}  // namespace

void ToWire(const LookupResult& r, wire::LookupResult::Builder out) {
  out.setNormalized(Text(r.normalized));
  // Rarely, a profile is erased while it is written; then the list is written again without
  // it (initProfiles zeroes what the list held, erased bytes included). Erasure only ever
  // sets the flag, so when as many views are live after the writing as were written, the
  // ones written are the ones still live.
  auto live = [&r] {
    return static_cast<size_t>(
        std::count_if(r.profiles.begin(), r.profiles.end(),
                      [](const ProfileViewPtr& v) { return v != nullptr && Live(*v); }));
  };
  for (;;) {
    const size_t n = live();
    auto profiles = out.initProfiles(n);
    size_t written = 0;
    for (const ProfileViewPtr& view : r.profiles) {
      if (written == n) break;
      if (view == nullptr || !Live(*view)) continue;
      SummaryToWire(*view, profiles[written]);
      profiles[written++].setRecords(static_cast<uint32_t>(view->records.size()));
    }
    if (written == n && live() == n) return;
  }
}

bool ToWireIfLive(const ProfileView& view, wire::Profile::Builder out) {
  ProfileToWire(view, out);
  return Live(view);
}

bool ToWireIfLive(const ProfileView& view, wire::Explanation::Builder out) {
  out.setProfile(view.id);
  Records(view.records, out.initRecords(view.records.size()));
  Edges(view.edges, out.initEdges(view.edges.size()));
  return Live(view);
}

void ToWire(const ExplainReply& e, wire::Explanation::Builder out) {
  out.setProfile(e.profile);
  Records(e.records, out.initRecords(e.records.size()));
  Edges(e.edges, out.initEdges(e.edges.size()));
}

void ToWire(const IngestResult& r, wire::IngestResult::Builder out) {
  Ids(r.profiles, out.initProfiles(r.profiles.size()));
  auto issues = out.initIssues(r.issues.size());
  for (size_t i = 0; i < r.issues.size(); ++i) {
    issues[i].setIndex(r.issues[i].index);
    issues[i].setField(Text(r.issues[i].field));
    issues[i].setReason(Text(r.issues[i].reason));
    issues[i].setRejected(r.issues[i].rejected);
  }
  Merges(r.merges, out.initMerges(r.merges.size()));
  Splits(r.splits, out.initSplits(r.splits.size()));
  out.setFuzzyLinks(r.fuzzy_links);
}

void ToWire(const EraseResult& r, wire::EraseResult::Builder out) {
  Ids(r.profiles, out.initProfiles(r.profiles.size()));
  out.setRecords(r.records);
  out.setIdentifiers(r.identifiers);
  Merges(r.merges, out.initMerges(r.merges.size()));
  Splits(r.splits, out.initSplits(r.splits.size()));
}

void ToWire(const GraphStats& s, wire::Stats::Builder out) {
  out.setRecords(s.records);
  out.setIdentifiers(s.identifiers);
  out.setProfiles(s.profiles);
  out.setErasedRecords(s.erased_records);
  out.setIngestedRecords(s.ingested_records);
  out.setFuzzyLinks(s.fuzzy_links);
  out.setMemoryBytes(s.memory_bytes);
  out.setUptimeSeconds(s.uptime_seconds);
  auto largest = out.initLargest(s.largest.size());
  for (size_t i = 0; i < s.largest.size(); ++i) {
    largest[i].setId(s.largest[i].first);
    largest[i].setRecords(s.largest[i].second);
  }
}

void ToWire(const IncomingRecord& r, wire::Record::Builder out) {
  out.setSource(Text(r.source));
  out.setId(Text(r.id));
  out.setTimestamp(r.timestamp);
  auto ids = out.initIdentifiers(r.identifiers.size());
  for (size_t i = 0; i < r.identifiers.size(); ++i) {
    ids[i].setKind(Text(r.identifiers[i].first));
    ids[i].setValue(Text(r.identifiers[i].second));
  }
  auto attrs = out.initAttributes(r.attributes.size());
  for (size_t i = 0; i < r.attributes.size(); ++i) {
    attrs[i].setName(Text(r.attributes[i].first));
    attrs[i].setValue(Text(r.attributes[i].second));
  }
}

void ToWire(const SegmentPage& p, wire::Reader::SegmentMembersResults::Builder out) {
  Ids(p.ids, out.initIds(p.ids.size()));
  out.setTotal(p.total);
  out.setNext(p.next);
}

void ToWire(const Segment& s, wire::Segment::Builder out) {
  out.setName(Text(s.name));
  out.setQuery(Text(s.query));
  out.setCount(s.count);
}

void ToWire(const ReresolveReport& r, wire::ReresolveReport::Builder out) {
  out.setRecords(r.records);
  out.setProfilesBefore(r.profiles_before);
  out.setProfilesAfter(r.profiles_after);
  out.setFuzzyLinksBefore(r.fuzzy_links_before);
  out.setFuzzyLinksAfter(r.fuzzy_links_after);
  Merges(r.merges, out.initMerges(r.merges.size()));
  Splits(r.splits, out.initSplits(r.splits.size()));
  out.setRetrained(r.retrained);
  out.setEmIterations(static_cast<uint32_t>(r.em_iterations));
  out.setEmConverged(r.em_converged);
  out.setSeconds(r.seconds);
}

}  // namespace idg::rpc::detail
