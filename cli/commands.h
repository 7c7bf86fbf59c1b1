// The subcommands of `idgraph`, each a thin layer over the library: options in, a report out.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace idg::cli {

struct GlobalOptions {
  bool quiet = false;  // no progress bar
};

struct GenCommand {
  uint64_t records = 1'000'000;
  uint64_t seed = 42;
  std::string out = "idgraph-data";
};

struct ResolveCommand {
  std::string config;
  std::vector<std::string> inputs;  // "source=path" overrides
  std::string out = "profiles.csv";
  std::string previous;
  std::string rejects = "rejects.tsv";
  std::string summary_json;
  std::string golden;
  std::string model;  // trained model; empty: train on these records when matching is configured
  bool no_matching = false;
  std::string device = "auto";
};

struct EvalCommand {
  std::string profiles;
  std::string truth;
  std::string truth_source_column = "source";
  std::string truth_source;  // fixed source name when the truth file has no source column
  std::string truth_id_column = "record_id";
  std::string truth_label_column = "entity";
  std::string truth_delimiter = ",";
  std::string truth_label_pattern;  // regex; the first group of a match is the label
  std::string json;
};

struct TrainCommand {
  std::string config;
  std::vector<std::string> inputs;
  std::string out = "model.json";
};

struct ModelShowCommand {
  std::string model;
};

struct ServeCommand {
  std::string config;
  std::vector<std::string> inputs;  // "source=path" overrides
  bool empty = false;               // start with no records instead of loading the sources
  std::string model;                // trained model for matching; empty: see RunServe
  std::string listen;               // overrides [server] listen
  uint32_t threads = 0;             // overrides [server] threads when set
  bool no_matching = false;
};

struct DemoCommand {
  uint64_t records = 1'000'000;
  uint64_t seed = 42;
  std::string dir = "idgraph-demo";
};

int RunGen(const GlobalOptions& g, const GenCommand& c);
int RunResolve(const GlobalOptions& g, const ResolveCommand& c);
int RunEval(const GlobalOptions& g, const EvalCommand& c);
int RunDemo(const GlobalOptions& g, const DemoCommand& c);
int RunTrain(const GlobalOptions& g, const TrainCommand& c);
int RunModelShow(const GlobalOptions& g, const ModelShowCommand& c);
// Serves until SIGINT or SIGTERM. Loads the config's sources with the bulk resolve job (which
// trains a model when matching is configured and -m is not given), or with --empty starts
// with no records (then fuzzy matching needs -m). SIGHUP re-reads the config file's [server]
// tokens and max_batch (rpc::ReloadAndReport) and serves on.
int RunServe(const GlobalOptions& g, const ServeCommand& c);

}  // namespace idg::cli
