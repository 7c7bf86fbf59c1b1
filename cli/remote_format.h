// How the client subcommands print the service's replies: text for people, JSON for
// programs (one object per call, keys as in rpc/idgraph.capnp, in snake_case).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/live_graph.h"
#include "io/record_lines.h"
#include "rpc/types.h"

namespace idg::cli {

std::string JsonQuote(std::string_view s);

std::string ProfileText(const rpc::ProfileReply& p);
std::string ProfileJson(const rpc::ProfileReply& p);

// `kind` and `raw`: what was asked.
std::string LookupText(std::string_view kind, std::string_view raw, const rpc::LookupReply& r);
std::string LookupJson(const rpc::LookupReply& r);

// Explain: the path from its first record to its last; ExplainProfile: the spanning tree.
std::string ExplanationText(const rpc::ExplainReply& e, bool path);
std::string ExplanationJson(const rpc::ExplainReply& e);

std::string EraseText(const EraseResult& r);
std::string EraseJson(const EraseResult& r);

std::string ReresolveText(const ReresolveReport& r);
std::string ReresolveJson(const ReresolveReport& r);

std::string StatsText(const GraphStats& s);
std::string StatsJson(const GraphStats& s);

// Segments: ids one a line; a page as {"ids":[...],"total":N,"next":N}; saved segments as
// "NAME<TAB>COUNT<TAB>QUERY" lines, or {"segments":[{"name":..,"query":..,"count":N},...]}.
std::string SegmentIdsText(const std::vector<ProfileId>& ids);
std::string SegmentMembersJson(const SegmentPage& p);
std::string SegmentJson(const rpc::Segment& s);
std::string SegmentsText(const std::vector<rpc::Segment>& segments);
std::string SegmentsJson(const std::vector<rpc::Segment>& segments);

// What `idgraph ingest` did with a file: per input line its profile or its issues.
struct IngestReport {
  std::string file;
  RecordLines lines;                      // as read; issues there are malformed lines
  std::vector<ProfileId> profiles;        // per record of `lines`; kNoProfile when rejected
  std::vector<RecordLineIssue> rejected;  // records the server rejected, with their lines
  std::vector<RecordLineIssue> dropped;   // values the server dropped, with their lines
  std::vector<ProfileMerge> merges;
  std::vector<ProfileSplit> splits;
};
std::string IngestText(const IngestReport& r);        // the summary; issues go to IngestIssuesText
std::string IngestIssuesText(const IngestReport& r);  // "FILE:LINE: FIELD: REASON" lines
std::string IngestJson(const IngestReport& r);
// Why an ingest stopped part way: "lines 4 to 9, 12 were not ingested: REASON; nothing from
// line 15 on was sent". `line_of[i]`: the line of record i; `acknowledged[i]`: record i went
// in; records [0, sent) were sent; `reason`: why the first batch refused was refused.
std::string NotIngestedText(const std::vector<uint64_t>& line_of,
                            const std::vector<bool>& acknowledged, size_t sent,
                            const std::string& reason);

}  // namespace idg::cli
