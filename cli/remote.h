// The subcommands that talk to a running `idgraph serve`: lookup, profile, ingest, explain,
// erase, stats, reload, reresolve (and segment, remote_segment.h). Each connects with
// --server/--token (or IDGRAPH_SERVER/IDGRAPH_TOKEN), makes its calls through rpc::Client and
// prints the reply, as text or with --json as JSON.
// Exit codes: 0 done, 1 not found or an error (the server's message on stderr), 2 usage.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace idg::cli {

// Where and how a client subcommand connects, and how it prints.
struct RemoteConnection {
  std::string server = "127.0.0.1:7420";
  std::string token;
  bool json = false;
};

// Adds the subcommand `name` to `parent` with the options of `c` (--server, --token, --json);
// `c` must outlive the parse.
CLI::App* AddRemoteCommand(CLI::App& parent, const char* name, const char* help,
                           RemoteConnection& c);

class RemoteCommands {
 public:
  // Adds the subcommands and their options to `app`; the object must outlive the parse.
  explicit RemoteCommands(CLI::App& app);

  // Whether the parsed command line chose one of them.
  bool Chosen() const;
  // Runs the chosen one; returns the exit code. Throws idg::Error as the other commands do.
  int Run();

 private:
  int RunLookup();
  int RunProfile();
  int RunIngest();
  int RunExplain();
  int RunErase();
  int RunStats();
  int RunReload();
  int RunReresolve();

  CLI::App *lookup_ = nullptr, *profile_ = nullptr, *ingest_ = nullptr, *explain_ = nullptr,
           *erase_ = nullptr, *stats_ = nullptr, *reload_ = nullptr, *reresolve_ = nullptr;
  RemoteConnection lookup_c_, profile_c_, ingest_c_, explain_c_, erase_c_, stats_c_, reload_c_,
      reresolve_c_;
  std::string kind_, value_;          // lookup
  uint64_t id_ = 0;                   // profile, explain --profile, erase --profile
  std::string file_;                  // ingest
  uint32_t batch_ = 1000;             // ingest
  std::vector<std::string> records_;  // explain SOURCE:ID SOURCE:ID
  uint64_t explain_profile_ = 0;
  uint64_t erase_profile_ = 0;
  std::vector<std::string> erase_identifier_;  // KIND VALUE
  uint32_t largest_ = 10;                      // stats
  bool retrain_ = false;                       // reresolve
};

}  // namespace idg::cli
