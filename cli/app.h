// The `idgraph` command: parses the command line and runs a subcommand. main() is only a
// call to Main, so tests can run the command in-process.
#pragma once

namespace idg::cli {

// Returns the process exit code: 0 success, 1 a failed job (bad input, I/O), 2 usage errors.
int Main(int argc, char** argv);

}  // namespace idg::cli
