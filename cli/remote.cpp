#include "cli/remote.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <span>

#include "base/error.h"
#include "cli/progress.h"
#include "cli/remote_format.h"
#include "io/record_lines.h"
#include "rpc/client.h"

namespace idg::cli {
namespace {

void Print(const std::string& text) { std::fputs(text.c_str(), stdout); }
void PrintLine(const std::string& json) { std::printf("%s\n", json.c_str()); }

// "SOURCE:ID" (the id may itself hold ':').
std::optional<rpc::RecordKey> ParseRecordKey(const std::string& s) {
  const size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return std::nullopt;
  return rpc::RecordKey{s.substr(0, colon), s.substr(colon + 1)};
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "idgraph: %s (see --help)\n", message.c_str());
  return 2;
}

}  // namespace

CLI::App* AddRemoteCommand(CLI::App& parent, const char* name, const char* help,
                           RemoteConnection& c) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  cmd->add_option("--server", c.server, "HOST:PORT of `idgraph serve` (env IDGRAPH_SERVER)")
      ->envname("IDGRAPH_SERVER")
      ->capture_default_str();
  cmd->add_option("--token", c.token, "access token (env IDGRAPH_TOKEN)")
      ->envname("IDGRAPH_TOKEN")
      ->required();
  cmd->add_flag("--json", c.json, "print JSON instead of text");
  return cmd;
}

RemoteCommands::RemoteCommands(CLI::App& app) {
  lookup_ =
      AddRemoteCommand(app, "lookup", "the profiles holding an identifier (server)", lookup_c_);
  lookup_->add_option("kind", kind_, "identifier kind, e.g. email")->required();
  lookup_->add_option("value", value_, "raw value; normalized by the server")->required();

  profile_ = AddRemoteCommand(app, "profile", "a profile by id (server)", profile_c_);
  profile_->add_option("id", id_, "profile id")->required();

  ingest_ =
      AddRemoteCommand(app, "ingest", "send records from a JSON Lines file (server)", ingest_c_);
  ingest_->add_option("file", file_, "JSON Lines, one record a line")
      ->required()
      ->check(CLI::ExistingFile);
  ingest_->add_option("--batch", batch_, "records per call")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();

  explain_ = AddRemoteCommand(app, "explain", "why records are one person (server)", explain_c_);
  auto* records = explain_->add_option("records", records_, "SOURCE:ID SOURCE:ID")->expected(2);
  explain_->add_option("--profile", explain_profile_, "every link of a profile instead")
      ->excludes(records);

  erase_ = AddRemoteCommand(app, "erase",
                            "erase a person: a profile, or every profile holding an identifier "
                            "(server, admin token)",
                            erase_c_);
  auto* ident = erase_->add_option("identifier", erase_identifier_, "KIND VALUE")->expected(2);
  erase_->add_option("--profile", erase_profile_, "profile id")->excludes(ident);

  stats_ = AddRemoteCommand(app, "stats", "counts and the largest profiles (server)", stats_c_);
  stats_->add_option("--largest", largest_, "how many of the largest profiles")
      ->check(CLI::Range(0u, 1000u))
      ->capture_default_str();

  reload_ = AddRemoteCommand(app, "reload",
                             "have the server re-read its config file: [server] tokens and "
                             "max_batch (server, admin token)",
                             reload_c_);

  reresolve_ = AddRemoteCommand(app, "reresolve",
                                "resolve every live record again, as after a lot of ingest "
                                "(server, admin token)",
                                reresolve_c_);
  reresolve_->add_flag("--retrain", retrain_,
                       "first train the matching model again (EM) on the live records");
}

bool RemoteCommands::Chosen() const {
  return lookup_->parsed() || profile_->parsed() || ingest_->parsed() || explain_->parsed() ||
         erase_->parsed() || stats_->parsed() || reload_->parsed() || reresolve_->parsed();
}

int RemoteCommands::Run() {
  if (lookup_->parsed()) return RunLookup();
  if (profile_->parsed()) return RunProfile();
  if (ingest_->parsed()) return RunIngest();
  if (explain_->parsed()) return RunExplain();
  if (erase_->parsed()) return RunErase();
  if (stats_->parsed()) return RunStats();
  if (reload_->parsed()) return RunReload();
  if (reresolve_->parsed()) return RunReresolve();
  return 2;
}

int RemoteCommands::RunLookup() {
  rpc::Client client(lookup_c_.server, lookup_c_.token);
  const rpc::LookupReply r = client.Lookup(kind_, value_);
  if (lookup_c_.json) {
    PrintLine(LookupJson(r));
  } else if (r.profiles.empty()) {
    std::fputs(LookupText(kind_, value_, r).c_str(), stderr);
  } else {
    Print(LookupText(kind_, value_, r));
  }
  return r.profiles.empty() ? 1 : 0;
}

int RemoteCommands::RunProfile() {
  rpc::Client client(profile_c_.server, profile_c_.token);
  const std::optional<rpc::ProfileReply> p = client.Profile(id_);
  if (profile_c_.json) {
    PrintLine(p ? ProfileJson(*p) : "null");
  } else if (p) {
    Print(ProfileText(*p));
  } else {
    std::fprintf(stderr, "no profile %llu\n", static_cast<unsigned long long>(id_));
  }
  return p ? 0 : 1;
}

int RemoteCommands::RunIngest() {
  IngestReport report;
  report.file = file_;
  report.lines = ReadRecordLines(file_);
  const RecordLines& lines = report.lines;
  rpc::Client client(ingest_c_.server, ingest_c_.token);
  const std::span<const IncomingRecord> all(lines.records);
  std::vector<bool> acknowledged(all.size(), false);
  auto take = [&](size_t start, IngestResult&& r) {
    std::fill_n(acknowledged.begin() + start, r.profiles.size(), true);
    report.profiles.insert(report.profiles.end(), r.profiles.begin(), r.profiles.end());
    for (const IngestIssue& i : r.issues) {
      RecordLineIssue issue{lines.lines[start + i.index], i.field, i.reason};
      (i.rejected ? report.rejected : report.dropped).push_back(std::move(issue));
    }
    report.merges.insert(report.merges.end(), r.merges.begin(), r.merges.end());
    report.splits.insert(report.splits.end(), r.splits.begin(), r.splits.end());
  };
  try {
    client.IngestAll(all, batch_, take);  // the next batch travels while the server resolves
  } catch (const rpc::IngestFailed& e) {
    throw Error(file_ + ": " + NotIngestedText(lines.lines, acknowledged, e.sent, e.what()));
  }
  if (ingest_c_.json) {
    PrintLine(IngestJson(report));
  } else {
    std::fputs(IngestIssuesText(report).c_str(), stderr);
    Print(IngestText(report));
  }
  return lines.issues.empty() && report.rejected.empty() ? 0 : 1;
}

int RemoteCommands::RunExplain() {
  const bool by_profile = explain_->count("--profile") > 0;
  if (!by_profile && records_.size() != 2) {
    return Usage("explain: give SOURCE:ID SOURCE:ID, or --profile ID");
  }
  rpc::Client client(explain_c_.server, explain_c_.token);
  std::optional<rpc::ExplainReply> e;
  std::string missing;
  if (by_profile) {
    e = client.ExplainProfile(explain_profile_);
    missing = "no profile " + std::to_string(explain_profile_);
  } else {
    auto a = ParseRecordKey(records_[0]);
    auto b = ParseRecordKey(records_[1]);
    if (!a || !b) return Usage("explain: records are named SOURCE:ID, e.g. crm:c17");
    e = client.Explain(*a, *b);
    missing = records_[0] + " and " + records_[1] + " are not one person (or one is unknown)";
  }
  if (explain_c_.json) {
    PrintLine(e ? ExplanationJson(*e) : "null");
  } else if (e) {
    Print(ExplanationText(*e, !by_profile));
  } else {
    std::fprintf(stderr, "%s\n", missing.c_str());
  }
  return e ? 0 : 1;
}

int RemoteCommands::RunErase() {
  const bool by_profile = erase_->count("--profile") > 0;
  if (!by_profile && erase_identifier_.size() != 2) {
    return Usage("erase: give --profile ID, or KIND VALUE");
  }
  rpc::Client client(erase_c_.server, erase_c_.token);
  const EraseResult r = by_profile
                            ? client.EraseProfile(erase_profile_)
                            : client.EraseIdentifier(erase_identifier_[0], erase_identifier_[1]);
  if (erase_c_.json) {
    PrintLine(EraseJson(r));
  } else if (r.profiles.empty()) {
    std::fputs(EraseText(r).c_str(), stderr);
  } else {
    Print(EraseText(r));
  }
  return r.profiles.empty() ? 1 : 0;
}

int RemoteCommands::RunStats() {
  rpc::Client client(stats_c_.server, stats_c_.token);
  const GraphStats s = client.Stats(largest_);
  Print(stats_c_.json ? StatsJson(s) + "\n" : StatsText(s));
  return 0;
}

int RemoteCommands::RunReload() {
  rpc::Client client(reload_c_.server, reload_c_.token);
  const std::vector<std::string> applied = client.ReloadConfig();
  if (reload_c_.json) {
    std::string names;
    for (const std::string& a : applied) names += (names.empty() ? "" : ",") + JsonQuote(a);
    PrintLine("{\"applied\":[" + names + "]}");
  } else if (applied.empty()) {
    Print("nothing changed\n");
  } else {
    for (const std::string& a : applied) PrintLine(a);
  }
  return 0;
}

int RemoteCommands::RunReresolve() {
  rpc::Client client(reresolve_c_.server, reresolve_c_.token);
  Progress progress(true);  // on a terminal: the server's stage and how far it has come
  const ReresolveReport r = client.Reresolve(retrain_, [&](const rpc::ReresolveStatus& s) {
    if (s.running && !s.stage.empty()) progress.Update(s.stage.c_str(), s.done, s.total);
  });
  progress.Clear();
  Print(reresolve_c_.json ? ReresolveJson(r) + "\n" : ReresolveText(r));
  return 0;
}

}  // namespace idg::cli
