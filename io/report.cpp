#include "io/report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "graph/golden.h"

namespace idg {
namespace {

std::string Format(const char* fmt, auto... args) {
  const int n = std::snprintf(nullptr, 0, fmt, args...);
  std::string s(static_cast<size_t>(std::max(n, 0)), '\0');
  std::snprintf(s.data(), s.size() + 1, fmt, args...);
  return s;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += Format("\\u%04x", c);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

double Mib(uint64_t bytes) { return double(bytes) / (1 << 20); }

uint64_t TotalRecords(const ResolvedGraph& g) { return g.records.size(); }

uint64_t Singletons(const ResolvedGraph& g) {
  uint64_t n = 0;
  for (uint32_t i = 0; i < g.profiles.size(); ++i) n += g.profiles.members(i).size() == 1;
  return n;
}

std::string IdentifierLabel(const ResolvedGraph& g, IdentifierId id) {
  return g.config.kinds[g.interner->kind(id)].name + " " + std::string(g.interner->value(id));
}

}  // namespace

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string SummaryText(const ResolvedGraph& g, size_t top) {
  std::string o;
  o += Format("resolved %s records from %zu sources in %.2f s (peak memory %.0f MiB)\n\n",
              Thousands(TotalRecords(g)).c_str(), g.sources.size(), g.seconds, Mib(g.peak_rss_bytes));
  o += Format("  %-12s %12s %10s %10s %10s %9s %8s\n", "source", "records", "rejected", "dropped",
              "skipped", "MiB", "cpu s");
  for (const auto& s : g.sources) {
    o += Format("  %-12s %12s %10s %10s %10s %9.1f %8.2f\n", s.name.c_str(),
                Thousands(s.records).c_str(), Thousands(s.rejected_rows).c_str(),
                Thousands(s.dropped_values).c_str(), Thousands(s.skipped_events).c_str(),
                Mib(s.bytes), s.seconds);
  }
  o += "  (rejected: rows not loaded; dropped: bad values left out of loaded rows; skipped: "
       "events that are not identify calls)\n\n";
  const auto& st = g.resolution.stats;
  o += Format("identifiers  %s distinct, %s on records; %s junk values ignored\n",
              Thousands(g.interner->size()).c_str(),
              Thousands(g.records.identifier_occurrences()).c_str(),
              Thousands(st.junk_occurrences).c_str());
  o += Format("links        %s identifiers link records (%s unions); %s quarantined over their "
              "cap; %s refused by merge protection\n",
              Thousands(st.linking_identifiers).c_str(), Thousands(st.unions).c_str(),
              Thousands(g.resolution.quarantined.size()).c_str(),
              Thousands(g.resolution.refused.size()).c_str());
  if (g.model) {
    const MatchStats& m = g.matching;
    uint64_t skipped = 0;
    for (const auto& b : m.blocking) skipped += b.skipped_pairs;
    o += Format("matching     %s candidate pairs from %zu blocking rules (%s in oversized blocks "
                "skipped); %s fuzzy links at p >= %.2f, %s joined two components, %s refused "
                "by merge protection, %s too weak for strict clustering\n",
                Thousands(m.candidate_pairs).c_str(), m.blocking.size(), Thousands(skipped).c_str(),
                Thousands(g.links.size()).c_str(), g.config.matching.threshold,
                Thousands(st.fuzzy_unions).c_str(), Thousands(st.refused_fuzzy).c_str(),
                Thousands(st.refused_strict).c_str());
    o += Format("scoring      on the %s", m.device.c_str());
    if (!m.device_note.empty()) o += " (" + m.device_note + ")";
    o += "\n";
  }
  const auto largest = g.profiles.Largest(top);
  o += Format("profiles     %s (%s of a single record)", Thousands(g.profiles.size()).c_str(),
              Thousands(Singletons(g)).c_str());
  if (!largest.empty()) {
    o += "; largest sizes:";
    for (uint32_t i : largest) {
      o += ' ';
      o += std::to_string(g.profiles.members(i).size());
    }
  }
  o += "\n";
  if (!g.profiles.merges().empty() || !g.profiles.splits().empty() || g.previous_matched > 0) {
    o += Format("stable ids   %s records matched the earlier profiles; %s merges, %s splits\n",
                Thousands(g.previous_matched).c_str(), Thousands(g.profiles.merges().size()).c_str(),
                Thousands(g.profiles.splits().size()).c_str());
  }
  if (!g.resolution.quarantined.empty()) {
    o += "\nquarantined identifiers (on more records than their kind's max_records):\n";
    for (size_t i = 0; i < std::min(top, g.resolution.quarantined.size()); ++i) {
      const IdentifierId id = g.resolution.quarantined[i];
      o += Format("  %-40s %s records\n", IdentifierLabel(g, id).c_str(),
                  Thousands(g.interner->count(id)).c_str());
    }
  }
  if (!g.resolution.refused.empty()) {
    o += "\nlinks refused by merge protection (they would join two values of a unique kind):\n";
    for (size_t i = 0; i < std::min(top, g.resolution.refused.size()); ++i) {
      o += "  ";
      o += IdentifierLabel(g, g.resolution.refused[i]);
      o += '\n';
    }
  }
  if (g.model) {
    o += "\nblocking rules (candidate pairs; pairs an earlier rule found; skipped in oversized blocks):\n";
    for (const auto& b : g.matching.blocking) {
      o += Format("  %-44s %12s %12s %12s\n", b.rule.c_str(), Thousands(b.pairs).c_str(),
                  Thousands(b.duplicate_pairs).c_str(), Thousands(b.skipped_pairs).c_str());
    }
  }
  o += "\nstages:\n";
  for (const auto& s : g.stages) o += Format("  %-36s %7.2f s\n", s.name.c_str(), s.seconds);
  return o;
}

std::string SummaryJson(const ResolvedGraph& g, size_t top) {
  const auto& st = g.resolution.stats;
  std::string o = "{";
  o += Format("\"records\":%llu,\"seconds\":%.4f,\"peak_rss_bytes\":%llu,",
              (unsigned long long)TotalRecords(g), g.seconds, (unsigned long long)g.peak_rss_bytes);
  o += "\"sources\":[";
  for (size_t i = 0; i < g.sources.size(); ++i) {
    const auto& s = g.sources[i];
    o += i ? "," : "";
    o += Format("{\"name\":%s,\"bytes\":%llu,\"records\":%llu,\"rejected_rows\":%llu,"
                                 "\"dropped_values\":%llu,\"skipped_events\":%llu,\"seconds\":%.4f}",
                                 JsonString(s.name).c_str(), (unsigned long long)s.bytes,
                                 (unsigned long long)s.records, (unsigned long long)s.rejected_rows,
                                 (unsigned long long)s.dropped_values,
                                 (unsigned long long)s.skipped_events, s.seconds);
  }
  o += "],";
  o += Format("\"identifiers\":%llu,\"identifier_occurrences\":%llu,\"junk_occurrences\":%llu,"
              "\"linking_identifiers\":%llu,\"unions\":%llu,\"quarantined\":%zu,\"refused\":%zu,"
              "\"conflict_components\":%llu,\"profiles\":%zu,\"single_record_profiles\":%llu,"
              "\"merges\":%zu,\"splits\":%zu,\"previous_matched\":%llu,",
              (unsigned long long)g.interner->size(),
              (unsigned long long)g.records.identifier_occurrences(),
              (unsigned long long)st.junk_occurrences, (unsigned long long)st.linking_identifiers,
              (unsigned long long)st.unions, g.resolution.quarantined.size(),
              g.resolution.refused.size(), (unsigned long long)st.conflict_components,
              g.profiles.size(), (unsigned long long)Singletons(g), g.profiles.merges().size(),
              g.profiles.splits().size(), (unsigned long long)g.previous_matched);
  o += "\"largest_profiles\":[";
  const auto largest = g.profiles.Largest(top);
  for (size_t i = 0; i < largest.size(); ++i) {
    o += i ? "," : "";
    o += Format("{\"id\":%llu,\"records\":%zu}",
                                 (unsigned long long)g.profiles.id(largest[i]),
                                 g.profiles.members(largest[i]).size());
  }
  o += "],\"quarantined_identifiers\":[";
  for (size_t i = 0; i < std::min(top, g.resolution.quarantined.size()); ++i) {
    const IdentifierId id = g.resolution.quarantined[i];
    o += i ? "," : "";
    o += Format("{\"kind\":%s,\"value\":%s,\"records\":%u}",
                                 JsonString(g.config.kinds[g.interner->kind(id)].name).c_str(),
                                 JsonString(g.interner->value(id)).c_str(), g.interner->count(id));
  }
  o += "],";
  if (g.model) {
    o += Format("\"matching\":{\"candidate_pairs\":%llu,\"links\":%zu,\"device\":%s,\"device_note\":%s},",
                (unsigned long long)g.matching.candidate_pairs, g.links.size(),
                JsonString(g.matching.device).c_str(), JsonString(g.matching.device_note).c_str());
  }
  o += "\"stages\":[";
  for (size_t i = 0; i < g.stages.size(); ++i) {
    o += i ? "," : "";
    o += Format("{\"name\":%s,\"seconds\":%.4f}",
                                 JsonString(g.stages[i].name).c_str(), g.stages[i].seconds);
  }
  return o + "]}";
}

std::string ProfileText(const ResolvedGraph& g, uint32_t index, size_t max_members) {
  const auto members = g.profiles.members(index);
  std::string o = Format("profile %llu: %zu records\n", (unsigned long long)g.profiles.id(index),
                         members.size());
  o += "  golden record:\n";
  for (const GoldenField& f : GoldenRecord(g.config, g.records, members)) {
    o += Format("    %-12s %-32s (from %s %s, %u of %zu agree)\n",
                g.config.attributes[f.attr].name.c_str(), std::string(f.value).c_str(),
                g.config.sources[g.records.source(f.from)].name.c_str(),
                std::string(g.records.source_record_id(f.from)).c_str(), f.support, members.size());
  }
  std::set<std::pair<std::string, std::string>> idents;
  for (RecordId r : members) {
    for (IdentifierId id : g.records.identifiers(r)) {
      idents.insert({g.config.kinds[g.interner->kind(id)].name, std::string(g.interner->value(id))});
    }
  }
  o += "  identifiers:\n";
  for (const auto& [kind, value] : idents) o += Format("    %-12s %s\n", kind.c_str(), value.c_str());
  o += "  records:\n";
  for (size_t i = 0; i < std::min(max_members, members.size()); ++i) {
    const RecordId r = members[i];
    o += Format("    %-8s %-16s", g.config.sources[g.records.source(r)].name.c_str(),
                std::string(g.records.source_record_id(r)).c_str());
    for (const AttrValue& a : g.records.attributes(r)) {
      if (g.config.attributes[a.attr].name == "first_name" ||
          g.config.attributes[a.attr].name == "last_name") {
        o += ' ';
        o += a.value;
      }
    }
    o += "\n";
  }
  if (members.size() > max_members) {
    o += Format("    ... and %zu more\n", members.size() - max_members);
  }
  return o;
}

std::string MetricsText(const PairMetrics& m) {
  return Format("pairwise precision %.4f  recall %.4f  F1 %.4f\n"
                "  %s records; %s predicted clusters, %s true clusters; pairs: %s predicted, "
                "%s true, %s correct\n",
                m.precision, m.recall, m.f1, Thousands(m.records).c_str(),
                Thousands(m.predicted_clusters).c_str(), Thousands(m.true_clusters).c_str(),
                Thousands(m.predicted_pairs).c_str(), Thousands(m.true_pairs).c_str(),
                Thousands(m.correct_pairs).c_str());
}

std::string MetricsJson(const PairMetrics& m) {
  return Format("{\"records\":%llu,\"precision\":%.6f,\"recall\":%.6f,\"f1\":%.6f,"
                "\"predicted_clusters\":%llu,\"true_clusters\":%llu,\"predicted_pairs\":%llu,"
                "\"true_pairs\":%llu,\"correct_pairs\":%llu}",
                (unsigned long long)m.records, m.precision, m.recall, m.f1,
                (unsigned long long)m.predicted_clusters, (unsigned long long)m.true_clusters,
                (unsigned long long)m.predicted_pairs, (unsigned long long)m.true_pairs,
                (unsigned long long)m.correct_pairs);
}

}  // namespace idg
