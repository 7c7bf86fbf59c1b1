// `idgraph segment count|members|define|list`: segment counts of a running `idgraph serve`
// (README "Segments"), over rpc::Client, with the connection options and exit codes of the
// other client subcommands (remote.h). `members` exits 1 when no profile matches; `count`
// prints 0 then and exits 0.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cli/remote.h"

namespace idg::cli {

class SegmentCommands {
 public:
  // Adds `segment` and its subcommands to `app`; the object must outlive the parse.
  explicit SegmentCommands(CLI::App& app);

  bool Chosen() const;
  // Runs the chosen subcommand; returns the exit code. Throws idg::Error as the others do.
  int Run();

 private:
  int RunCount();
  int RunMembers();
  int RunDefine();
  int RunList();

  CLI::App *segment_ = nullptr, *count_ = nullptr, *members_ = nullptr, *define_ = nullptr,
           *list_ = nullptr;
  RemoteConnection count_c_, members_c_, define_c_, list_c_;
  std::string query_;     // count, members, define
  std::string name_;      // define
  uint32_t limit_ = 100;  // members: ids a call
  uint64_t cursor_ = 0;   // members: start above this id
  bool all_ = false;      // members: every page
};

}  // namespace idg::cli
