#include "cli/app.h"

int main(int argc, char** argv) { return idg::cli::Main(argc, argv); }
