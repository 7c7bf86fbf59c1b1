// Cap'n Proto readers into plain values; and the framing helpers of the code below the RPC system.
#include <kj/debug.h>

#include <cstring>

#include "rpc/wire.h"

namespace idg::rpc::detail {
namespace {

std::vector<ProfileId> Ids(capnp::List<uint64_t>::Reader in) {
  std::vector<ProfileId> out;
  out.reserve(in.size());
  for (uint64_t id : in) out.push_back(id);
  return out;
}

MemberRecord FromWire(wire::MemberRecord::Reader in) {
  return {Str(in.getSource()), Str(in.getId()), in.getTimestamp()};
}

Edge FromWire(wire::Edge::Reader in) {
  Edge e;
  e.a = in.getA();
  e.b = in.getB();
  if (in.isFuzzy()) {
    e.fuzzy = true;
    auto f = in.getFuzzy();
    e.score = f.getScore();
    e.probability = f.getProbability();
    for (auto ev : f.getEvidence()) {
      e.evidence.push_back({Str(ev.getComparison()), Str(ev.getLevel()), ev.getWeight()});
    }
  } else {
    auto id = in.getIdentifier();
    e.identifier = {Str(id.getKind()), Str(id.getValue())};
  }
  return e;
}

ProfileEvent::Type FromWire(wire::EventType t) {
  switch (t) {
    case wire::EventType::CREATED:
      return ProfileEvent::Type::kCreated;
    case wire::EventType::MERGED:
      return ProfileEvent::Type::kMerged;
    case wire::EventType::SPLIT:
      return ProfileEvent::Type::kSplit;
  }
  return ProfileEvent::Type::kCreated;  // an event type newer than this client
}

std::vector<MemberRecord> Records(capnp::List<wire::MemberRecord>::Reader in) {
  std::vector<MemberRecord> out;
  out.reserve(in.size());
  for (auto r : in) out.push_back(FromWire(r));
  return out;
}

std::vector<Field> Golden(capnp::List<wire::Field>::Reader in) {
  std::vector<Field> out;
  out.reserve(in.size());
  for (auto f : in) out.push_back({Str(f.getName()), Str(f.getValue())});
  return out;
}

std::vector<Identifier> Identifiers(capnp::List<wire::Identifier>::Reader in) {
  std::vector<Identifier> out;
  out.reserve(in.size());
  for (auto id : in) out.push_back({Str(id.getKind()), Str(id.getValue())});
  return out;
}

std::vector<Edge> Edges(capnp::List<wire::Edge>::Reader in) {
  std::vector<Edge> out;
  out.reserve(in.size());
  for (auto e : in) out.push_back(FromWire(e));
  return out;
}

std::vector<ProfileMerge> Merges(capnp::List<wire::Merge>::Reader in) {
  std::vector<ProfileMerge> out;
  for (auto m : in) out.push_back({m.getSurvivor(), Ids(m.getAbsorbed())});
  return out;
}

std::vector<ProfileSplit> Splits(capnp::List<wire::Split>::Reader in) {
  std::vector<ProfileSplit> out;
  for (auto s : in) out.push_back({s.getFrom(), Ids(s.getParts())});
  return out;
}

}  // namespace

ProfileReply FromWire(wire::Profile::Reader in) {
  ProfileReply p;
  p.id = in.getId();
  p.golden = Golden(in.getGolden());
  p.identifiers = Identifiers(in.getIdentifiers());
  p.records = Records(in.getRecords());
  p.edges = Edges(in.getEdges());
  for (auto e : in.getHistory()) {
    p.history.push_back({FromWire(e.getType()), e.getAt(), Ids(e.getOther())});
  }
  return p;
}

LookupReply FromWire(wire::LookupResult::Reader in) {
  LookupReply r;
  r.normalized = Str(in.getNormalized());
  for (auto in_p : in.getProfiles()) {
    ProfileSummary& p = r.profiles.emplace_back();
    p.id = in_p.getId();
    p.golden = Golden(in_p.getGolden());
    p.identifiers = Identifiers(in_p.getIdentifiers());
    p.records = in_p.getRecords();
  }
  return r;
}

ExplainReply FromWire(wire::Explanation::Reader in) {
  ExplainReply e;
  e.profile = in.getProfile();
  e.records = Records(in.getRecords());
  e.edges = Edges(in.getEdges());
  return e;
}

IngestResult FromWire(wire::IngestResult::Reader in) {
  IngestResult r;
  r.profiles = Ids(in.getProfiles());
  for (auto i : in.getIssues()) {
    r.issues.push_back({i.getIndex(), Str(i.getField()), Str(i.getReason()), i.getRejected()});
  }
  r.merges = Merges(in.getMerges());
  r.splits = Splits(in.getSplits());
  r.fuzzy_links = in.getFuzzyLinks();
  return r;
}

EraseResult FromWire(wire::EraseResult::Reader in) {
  EraseResult r;
  r.profiles = Ids(in.getProfiles());
  r.records = in.getRecords();
  r.identifiers = in.getIdentifiers();
  r.merges = Merges(in.getMerges());
  r.splits = Splits(in.getSplits());
  return r;
}

GraphStats FromWire(wire::Stats::Reader in) {
  GraphStats s;
  s.records = in.getRecords();
  s.identifiers = in.getIdentifiers();
  s.profiles = in.getProfiles();
  s.erased_records = in.getErasedRecords();
  s.ingested_records = in.getIngestedRecords();
  s.fuzzy_links = in.getFuzzyLinks();
  s.memory_bytes = in.getMemoryBytes();
  s.uptime_seconds = in.getUptimeSeconds();
  for (auto l : in.getLargest()) s.largest.push_back({l.getId(), l.getRecords()});
  return s;
}

IncomingRecord FromWire(wire::Record::Reader in) {
  IncomingRecord r;
  r.source = Str(in.getSource());
  r.id = Str(in.getId());
  r.timestamp = in.getTimestamp();
  r.identifiers.reserve(in.getIdentifiers().size());
  for (auto id : in.getIdentifiers()) {
    r.identifiers.emplace_back(Str(id.getKind()), Str(id.getValue()));
  }
  r.attributes.reserve(in.getAttributes().size());
  for (auto a : in.getAttributes()) r.attributes.emplace_back(Str(a.getName()), Str(a.getValue()));
  return r;
}

SegmentPage FromWire(wire::Reader::SegmentMembersResults::Reader in) {
  SegmentPage p;
  p.ids = Ids(in.getIds());
  p.total = in.getTotal();
  p.next = in.getNext();
  return p;
}

Segment FromWire(wire::Segment::Reader in) {
  return {Str(in.getName()), Str(in.getQuery()), in.getCount()};
}

ReresolveReport FromWire(wire::ReresolveReport::Reader in) {
  ReresolveReport r;
  r.records = in.getRecords();
  r.profiles_before = in.getProfilesBefore();
  r.profiles_after = in.getProfilesAfter();
  r.fuzzy_links_before = in.getFuzzyLinksBefore();
  r.fuzzy_links_after = in.getFuzzyLinksAfter();
  r.merges = Merges(in.getMerges());
  r.splits = Splits(in.getSplits());
  r.retrained = in.getRetrained();
  r.em_iterations = static_cast<int>(in.getEmIterations());
  r.em_converged = in.getEmConverged();
  r.seconds = in.getSeconds();
  return r;
}

kj::Maybe<uint32_t> SessionReaderIndex(capnp::AnyPointer::Reader login_results) {
  const auto results = login_results.getAs<capnp::AnyStruct>();
  if (results.getPointerSection().size() < 1 || results.getPointerSection()[0].isNull()) {
    return nullptr;
  }
  const auto session = results.getPointerSection()[0].getAs<capnp::AnyStruct>();
  if (session.getPointerSection().size() < 1 ||
      session.getPointerSection()[0].getPointerType() != capnp::PointerType::CAPABILITY) {
    return nullptr;
  }
  uint64_t word;  // the pointer section follows the data section
  std::memcpy(&word, session.getDataSection().end(), sizeof word);
  return static_cast<uint32_t>(word >> 32);
}

kj::ArrayPtr<const kj::byte> SegmentTable(
    kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments,
    uint32_t (&table)[kFramedSegments + 1]) {
  KJ_REQUIRE(segments.size() > 0 && segments.size() <= kFramedSegments);
  table[0] = static_cast<uint32_t>(segments.size() - 1);
  for (size_t i = 0; i < segments.size(); ++i) {
    table[i + 1] = static_cast<uint32_t>(segments[i].size());
  }
  const size_t entries = (segments.size() + 2) / 2 * 2;
  if (entries > segments.size() + 1) table[entries - 1] = 0;  // the padding
  return kj::arrayPtr(table, entries).asBytes();
}

}  // namespace idg::rpc::detail
