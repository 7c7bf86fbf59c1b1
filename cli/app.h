// The `idgraph` command: parses the command line and runs a subcommand. main() is only a
// call to Main, so tests can run the command in-process.
#pragma once

namespace idg::cli {

// What the executable adds to the commands; tests run them without.
struct MainHooks {
  // Called before `serve` loads anything (the idgraph binary sets up its allocator here).
  void (*before_serve)() = nullptr;
};

// Returns the process exit code: 0 success, 1 a failed job (bad input, I/O), 2 usage errors.
int Main(int argc, char** argv, MainHooks hooks = {});

}  // namespace idg::cli
