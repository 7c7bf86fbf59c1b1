// Conversions between the plain C++ values of rpc/types.h and graph/live_graph.h and the
// Cap'n Proto messages of rpc/idgraph.capnp. Private to rpc/: only rpc/ includes capnp.
#pragma once

#include <capnp/any.h>
#include <capnp/blob.h>
#include <kj/common.h>

#include <string>
#include <string_view>

#include "graph/live_graph.h"
#include "rpc/idgraph.capnp.h"
#include "rpc/types.h"

namespace idg::rpc::detail {

inline capnp::Text::Reader Text(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view View(capnp::Text::Reader t) { return {t.begin(), t.size()}; }
inline std::string Str(capnp::Text::Reader t) { return {t.begin(), t.size()}; }

// --- values to messages (wire_write.cpp) ---
// Views straight into messages. A view erased while it is written (ProfileView::erased)
// must not be answered: ToWire(LookupResult) leaves such profiles out; ToWireIfLive writes
// the view whole and returns false when it was erased meanwhile, and the caller answers "not
// found" (disowning what was written zeroes it).
void ToWire(const LookupResult& r, wire::LookupResult::Builder out);
bool ToWireIfLive(const ProfileView& view, wire::Profile::Builder out);
bool ToWireIfLive(const ProfileView& view, wire::Explanation::Builder out);
void ToWire(const ExplainReply& e, wire::Explanation::Builder out);
void ToWire(const IngestResult& r, wire::IngestResult::Builder out);
void ToWire(const EraseResult& r, wire::EraseResult::Builder out);
void ToWire(const GraphStats& s, wire::Stats::Builder out);
void ToWire(const IncomingRecord& r, wire::Record::Builder out);
void ToWire(const SegmentPage& p, wire::Reader::SegmentMembersResults::Builder out);
void ToWire(const Segment& s, wire::Segment::Builder out);
void ToWire(const ReresolveReport& r, wire::ReresolveReport::Builder out);

// --- messages to values (wire_read.cpp) ---
ProfileReply FromWire(wire::Profile::Reader in);
LookupReply FromWire(wire::LookupResult::Reader in);
ExplainReply FromWire(wire::Explanation::Reader in);
IngestResult FromWire(wire::IngestResult::Reader in);
EraseResult FromWire(wire::EraseResult::Reader in);
GraphStats FromWire(wire::Stats::Reader in);
IncomingRecord FromWire(wire::Record::Reader in);
SegmentPage FromWire(wire::Reader::SegmentMembersResults::Reader in);
Segment FromWire(wire::Segment::Reader in);
ReresolveReport FromWire(wire::ReresolveReport::Reader in);

// The index of LoginResults.session.reader in a login answer's capability table, read from
// the answer's content without a capability table of one's own (for code below the RPC
// system: fast_lookup.h, lookup_wire.h). A capability pointer holds that index in its upper
// half and 3 in its lower (the encoding spec's "other" pointer, kind 0). Null when the
// results hold no session or the session no reader.
kj::Maybe<uint32_t> SessionReaderIndex(capnp::AnyPointer::Reader login_results);

// The stream framing's segment table for a message (capnp/serialize.h: the segment count less
// one, each segment's size in words, padded to a whole word), written into `table`; returns
// its bytes. For code that frames messages itself (fast_lookup.h, lookup_wire.h); messages of
// more than kFramedSegments segments are the caller's to frame otherwise.
inline constexpr size_t kFramedSegments = 15;
kj::ArrayPtr<const kj::byte> SegmentTable(
    kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments,
    uint32_t (&table)[kFramedSegments + 1]);

}  // namespace idg::rpc::detail
