#include "cli/remote_format.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "match/fellegi_sunter.h"

namespace idg::cli {
namespace {

template <typename... Args>
std::string Format(const char* fmt, Args... args) {
  const int n = std::snprintf(nullptr, 0, fmt, args...);
  std::string s(static_cast<size_t>(std::max(n, 0)), '\0');
  std::snprintf(s.data(), s.size() + 1, fmt, args...);
  return s;
}

std::string Time(int64_t t) {
  if (t == 0) return "-";
  const time_t tt = static_cast<time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double Bits(int64_t fixed) { return double(fixed) / kWeightOne; }

std::string Ids(const std::vector<ProfileId>& ids) {
  std::string out;
  for (ProfileId id : ids) out.append(out.empty() ? "" : ", ").append(std::to_string(id));
  return out;
}

std::string IdsJson(const std::vector<ProfileId>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out.append(i ? "," : "").append(std::to_string(ids[i]));
  return out + "]";
}

const char* EventName(ProfileEvent::Type t) {
  switch (t) {
    case ProfileEvent::Type::kCreated:
      return "created";
    case ProfileEvent::Type::kMerged:
      return "merged";
    case ProfileEvent::Type::kSplit:
      return "split";
  }
  return "?";
}

std::string RecordName(const rpc::MemberRecord& r) { return r.source + ":" + r.id; }

// Why an edge holds, in words.
std::string Reason(const rpc::Edge& e) {
  if (!e.fuzzy) return "share " + e.identifier.kind + " " + e.identifier.value;
  std::string out =
      Format("match with probability %.4f (%+.2f bits):", e.probability, Bits(e.score));
  for (const rpc::Evidence& ev : e.evidence) {
    out += Format(" %s %s %+.2f;", ev.comparison.c_str(), ev.level.c_str(), Bits(ev.weight));
  }
  if (!e.evidence.empty()) out.pop_back();
  return out;
}

std::string RecordJson(const rpc::MemberRecord& r) {
  return "{\"source\":" + JsonQuote(r.source) + ",\"id\":" + JsonQuote(r.id) +
         ",\"timestamp\":" + std::to_string(r.timestamp) + "}";
}

std::string EdgeJson(const rpc::Edge& e) {
  std::string out = Format("{\"a\":%u,\"b\":%u,", e.a, e.b);
  if (!e.fuzzy) {
    return out + "\"identifier\":{\"kind\":" + JsonQuote(e.identifier.kind) +
           ",\"value\":" + JsonQuote(e.identifier.value) + "}}";
  }
  out +=
      Format("\"fuzzy\":{\"score\":%" PRId64 ",\"bits\":%.6g,\"probability\":%.6g,\"evidence\":[",
             e.score, Bits(e.score), e.probability);
  for (size_t i = 0; i < e.evidence.size(); ++i) {
    const rpc::Evidence& ev = e.evidence[i];
    out.append(i ? "," : "");
    out += std::string("{\"comparison\":") + JsonQuote(ev.comparison) +
           ",\"level\":" + JsonQuote(ev.level) + Format(",\"weight\":%d}", ev.weight);
  }
  return out + "]}}";
}

template <typename T, typename F>
std::string JsonList(const std::vector<T>& items, F&& each) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out.append(i ? "," : "").append(each(items[i]));
  return out + "]";
}

std::string MergesText(const std::vector<ProfileMerge>& merges,
                       const std::vector<ProfileSplit>& splits) {
  std::string out;
  for (const ProfileMerge& m : merges) {
    out += "  merged into " + std::to_string(m.survivor) + ": " + Ids(m.absorbed) + "\n";
  }
  for (const ProfileSplit& s : splits) {
    out += "  split " + std::to_string(s.from) + " into " + Ids(s.parts) + "\n";
  }
  return out;
}

std::string MergesJson(const std::vector<ProfileMerge>& merges,
                       const std::vector<ProfileSplit>& splits) {
  return "\"merges\":" +
         JsonList(merges,
                  [](const ProfileMerge& m) {
                    return "{\"survivor\":" + std::to_string(m.survivor) +
                           ",\"absorbed\":" + IdsJson(m.absorbed) + "}";
                  }) +
         ",\"splits\":" + JsonList(splits, [](const ProfileSplit& s) {
           return "{\"from\":" + std::to_string(s.from) + ",\"parts\":" + IdsJson(s.parts) + "}";
         });
}

std::string IssueJson(const RecordLineIssue& i) {
  return "{\"line\":" + std::to_string(i.line) + ",\"field\":" + JsonQuote(i.field) +
         ",\"reason\":" + JsonQuote(i.reason) + "}";
}

// What a lookup's summary and a whole profile print alike: the id, how many records, the
// golden record and the identifiers.
template <typename P>
std::string HeadText(const P& p, size_t records) {
  std::string out = Format("profile %" PRIu64 ": %zu records\n", p.id, records);
  if (!p.golden.empty()) {
    out += "  golden record\n";
    for (const rpc::Field& f : p.golden) out += "    " + f.name + ": " + f.value + "\n";
  }
  out += "  identifiers\n";
  for (const rpc::Identifier& i : p.identifiers) out += "    " + i.kind + ": " + i.value + "\n";
  return out;
}

// The same as the start of a JSON object, left open.
template <typename P>
std::string HeadJson(const P& p) {
  std::string out = "{\"id\":" + std::to_string(p.id) + ",\"golden\":{";
  for (size_t i = 0; i < p.golden.size(); ++i) {
    out.append(i ? "," : "");
    out += JsonQuote(p.golden[i].name) + ":" + JsonQuote(p.golden[i].value);
  }
  return out + "},\"identifiers\":" + JsonList(p.identifiers, [](const rpc::Identifier& i) {
           return "{\"kind\":" + JsonQuote(i.kind) + ",\"value\":" + JsonQuote(i.value) + "}";
         });
}

}  // namespace

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += Format("\\u%04x", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string ProfileText(const rpc::ProfileReply& p) {
  std::string out = HeadText(p, p.records.size());
  out += "  records\n";
  for (size_t i = 0; i < p.records.size(); ++i) {
    out += Format("    [%zu] %s  %s\n", i, RecordName(p.records[i]).c_str(),
                  Time(p.records[i].timestamp).c_str());
  }
  if (!p.edges.empty()) {
    out += "  why they are one person\n";
    for (const rpc::Edge& e : p.edges) out += Format("    [%u]-[%u] ", e.a, e.b) + Reason(e) + "\n";
  }
  if (!p.history.empty()) {
    out += "  history\n";
    for (const rpc::Event& e : p.history) {
      out += "    " + Time(e.at) + " " + EventName(e.type);
      if (!e.other.empty()) out += " " + Ids(e.other);
      out += "\n";
    }
  }
  return out;
}

std::string ProfileJson(const rpc::ProfileReply& p) {
  std::string out = HeadJson(p);
  out += ",\"records\":" + JsonList(p.records, RecordJson);
  out += ",\"edges\":" + JsonList(p.edges, EdgeJson);
  out += ",\"history\":" + JsonList(p.history, [](const rpc::Event& e) {
           return std::string("{\"type\":\"") + EventName(e.type) +
                  "\",\"at\":" + std::to_string(e.at) + ",\"other\":" + IdsJson(e.other) + "}";
         });
  return out + "}";
}

std::string LookupText(std::string_view kind, std::string_view raw, const rpc::LookupReply& r) {
  if (r.profiles.empty()) {
    if (r.normalized.empty()) {
      return "'" + std::string(raw) + "' is not a valid " + std::string(kind) + "\n";
    }
    return "no profile holds " + std::string(kind) + " " + r.normalized + "\n";
  }
  std::string out;
  for (const rpc::ProfileSummary& p : r.profiles) out += HeadText(p, p.records);
  return out;
}

std::string LookupJson(const rpc::LookupReply& r) {
  return "{\"normalized\":" + JsonQuote(r.normalized) + ",\"profiles\":" +
         JsonList(r.profiles,
                  [](const rpc::ProfileSummary& p) {
                    return HeadJson(p) + ",\"records\":" + std::to_string(p.records) + "}";
                  }) +
         "}";
}

std::string ExplanationText(const rpc::ExplainReply& e, bool path) {
  std::string out;
  if (path) {
    const std::string from = RecordName(e.records.front());
    const std::string to = RecordName(e.records.back());
    if (e.edges.empty())
      return from + " is one record, in profile " + std::to_string(e.profile) + "\n";
    out = Format("%s and %s are one person (profile %" PRIu64 "), %zu step%s:\n", from.c_str(),
                 to.c_str(), e.profile, e.edges.size(), e.edges.size() == 1 ? "" : "s");
    for (const rpc::Edge& edge : e.edges) {
      out += "  " + RecordName(e.records[edge.a]) + " -> " + RecordName(e.records[edge.b]) + ": " +
             Reason(edge) + "\n";
    }
    return out;
  }
  out = Format("profile %" PRIu64 ": %zu records, joined by\n", e.profile, e.records.size());
  for (const rpc::Edge& edge : e.edges) {
    out += "  " + RecordName(e.records[edge.a]) + " - " + RecordName(e.records[edge.b]) + ": " +
           Reason(edge) + "\n";
  }
  return out;
}

std::string ExplanationJson(const rpc::ExplainReply& e) {
  return "{\"profile\":" + std::to_string(e.profile) +
         ",\"records\":" + JsonList(e.records, RecordJson) +
         ",\"edges\":" + JsonList(e.edges, EdgeJson) + "}";
}

std::string EraseText(const EraseResult& r) {
  if (r.profiles.empty()) return "nothing erased: no such profile\n";
  std::string out =
      Format("erased %zu profile%s (%s): %" PRIu64 " records, %" PRIu64 " identifier values\n",
             r.profiles.size(), r.profiles.size() == 1 ? "" : "s", Ids(r.profiles).c_str(),
             r.records, r.identifiers);
  return out + MergesText(r.merges, r.splits);
}

std::string EraseJson(const EraseResult& r) {
  return "{\"profiles\":" + IdsJson(r.profiles) + ",\"records\":" + std::to_string(r.records) +
         ",\"identifiers\":" + std::to_string(r.identifiers) + "," +
         MergesJson(r.merges, r.splits) + "}";
}

std::string ReresolveText(const ReresolveReport& r) {
  std::string out = Format("re-resolved %" PRIu64 " records in %.2f s", r.records, r.seconds);
  if (r.retrained) {
    out += Format(", model trained again (EM: %d iterations%s)", r.em_iterations,
                  r.em_converged ? ", converged" : "");
  }
  out += Format("\nprofiles %" PRIu64 " -> %" PRIu64 "\nfuzzy links %" PRIu64 " -> %" PRIu64
                "\n%zu merges, %zu splits\n",
                r.profiles_before, r.profiles_after, r.fuzzy_links_before, r.fuzzy_links_after,
                r.merges.size(), r.splits.size());
  return out + MergesText(r.merges, r.splits);
}

std::string ReresolveJson(const ReresolveReport& r) {
  return Format("{\"records\":%" PRIu64 ",\"profiles_before\":%" PRIu64
                ",\"profiles_after\":%" PRIu64 ",\"fuzzy_links_before\":%" PRIu64
                ",\"fuzzy_links_after\":%" PRIu64 ",",
                r.records, r.profiles_before, r.profiles_after, r.fuzzy_links_before,
                r.fuzzy_links_after) +
         MergesJson(r.merges, r.splits) +
         Format(",\"retrained\":%s,\"em_iterations\":%d,\"em_converged\":%s,\"seconds\":%.6g}",
                r.retrained ? "true" : "false", r.em_iterations, r.em_converged ? "true" : "false",
                r.seconds);
}

std::string StatsText(const GraphStats& s) {
  std::string out = Format("records %" PRIu64 "\nidentifiers %" PRIu64 "\nprofiles %" PRIu64
                           "\nfuzzy links %" PRIu64 "\ningested %" PRIu64
                           "\nerased records %" PRIu64 "\nmemory %.1f MiB\nuptime %.0f s\n",
                           s.records, s.identifiers, s.profiles, s.fuzzy_links, s.ingested_records,
                           s.erased_records, double(s.memory_bytes) / (1 << 20), s.uptime_seconds);
  if (!s.largest.empty()) {
    out += "largest profiles\n";
    for (const auto& [id, n] : s.largest) out += Format("  %" PRIu64 ": %u records\n", id, n);
  }
  return out;
}

std::string StatsJson(const GraphStats& s) {
  std::string out = Format("{\"records\":%" PRIu64 ",\"identifiers\":%" PRIu64
                           ",\"profiles\":%" PRIu64 ",\"fuzzy_links\":%" PRIu64
                           ",\"ingested_records\":%" PRIu64 ",\"erased_records\":%" PRIu64
                           ",\"memory_bytes\":%" PRIu64 ",\"uptime_seconds\":%.1f,\"largest\":[",
                           s.records, s.identifiers, s.profiles, s.fuzzy_links, s.ingested_records,
                           s.erased_records, s.memory_bytes, s.uptime_seconds);
  for (size_t i = 0; i < s.largest.size(); ++i) {
    out += Format("%s{\"id\":%" PRIu64 ",\"records\":%u}", i ? "," : "", s.largest[i].first,
                  s.largest[i].second);
  }
  return out + "]}";
}

std::string SegmentIdsText(const std::vector<ProfileId>& ids) {
  std::string out;
  for (ProfileId id : ids) out.append(std::to_string(id)).push_back('\n');
  return out;
}

std::string SegmentMembersJson(const SegmentPage& p) {
  return "{\"ids\":" + IdsJson(p.ids) + ",\"total\":" + std::to_string(p.total) +
         ",\"next\":" + std::to_string(p.next) + "}";
}

std::string SegmentJson(const rpc::Segment& s) {
  return "{\"name\":" + JsonQuote(s.name) + ",\"query\":" + JsonQuote(s.query) +
         ",\"count\":" + std::to_string(s.count) + "}";
}

std::string SegmentsText(const std::vector<rpc::Segment>& segments) {
  std::string out;
  for (const rpc::Segment& s : segments) {
    out += s.name + "\t" + std::to_string(s.count) + "\t" + s.query + "\n";
  }
  return out;
}

std::string SegmentsJson(const std::vector<rpc::Segment>& segments) {
  return "{\"segments\":" + JsonList(segments, SegmentJson) + "}";
}

std::string NotIngestedText(const std::vector<uint64_t>& line_of,
                            const std::vector<bool>& acknowledged, size_t sent,
                            const std::string& reason) {
  std::string ranges;
  for (size_t i = 0; i < sent; ++i) {
    if (acknowledged[i]) continue;
    size_t end = i + 1;
    while (end < sent && !acknowledged[end]) ++end;
    ranges += ranges.empty() ? "lines " : ", ";
    ranges += std::to_string(line_of[i]);
    if (end - i > 1) ranges += " to " + std::to_string(line_of[end - 1]);
    i = end - 1;
  }
  std::string out = ranges + " were not ingested: " + reason;
  if (sent < line_of.size()) {
    out += "; nothing from line " + std::to_string(line_of[sent]) + " on was sent";
  }
  return out;
}

std::string IngestText(const IngestReport& r) {
  size_t taken = 0;
  for (ProfileId p : r.profiles) taken += p != kNoProfile;
  std::string out = Format(
      "%s: %zu records ingested, %zu rejected by the server, %zu malformed "
      "lines, %zu values dropped\n",
      r.file.c_str(), taken, r.rejected.size(), r.lines.issues.size(), r.dropped.size());
  return out + MergesText(r.merges, r.splits);
}

std::string IngestIssuesText(const IngestReport& r) {
  std::string out;
  auto line = [&](const RecordLineIssue& i, const char* what) {
    out += r.file + ":" + std::to_string(i.line) + ": " + (i.field.empty() ? "" : i.field + ": ") +
           i.reason + " (" + what + ")\n";
  };
  for (const RecordLineIssue& i : r.lines.issues) line(i, "line skipped");
  for (const RecordLineIssue& i : r.rejected) line(i, "record rejected");
  for (const RecordLineIssue& i : r.dropped) line(i, "value dropped");
  return out;
}

std::string IngestJson(const IngestReport& r) {
  std::string out = "{\"file\":" + JsonQuote(r.file) + ",\"records\":[";
  for (size_t i = 0; i < r.profiles.size(); ++i) {
    out.append(i ? "," : "");
    out += std::string("{\"line\":") + std::to_string(r.lines.lines[i]) +
           ",\"source\":" + JsonQuote(r.lines.records[i].source) +
           ",\"id\":" + JsonQuote(r.lines.records[i].id) + ",\"profile\":" +
           (r.profiles[i] == kNoProfile ? "null" : std::to_string(r.profiles[i])) + "}";
  }
  out += "],\"malformed\":" + JsonList(r.lines.issues, IssueJson);
  out += ",\"rejected\":" + JsonList(r.rejected, IssueJson);
  out += ",\"dropped\":" + JsonList(r.dropped, IssueJson);
  return out + "," + MergesJson(r.merges, r.splits) + "}";
}

}  // namespace idg::cli
