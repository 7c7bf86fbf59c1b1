#include "cli/app.h"

#include <tbb/global_control.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "base/error.h"
#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/remote_segment.h"

namespace idg::cli {

int Main(int argc, char** argv, MainHooks hooks) {
  CLI::App app{"idgraph: one profile per real person from scattered customer records"};
  app.require_subcommand(1);
  GlobalOptions global;
  int threads = 0;
  app.add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::Range(0, 1 << 16));
  app.add_flag("-q,--quiet", global.quiet, "no progress bar");

  GenCommand gen;
  auto* gen_cmd = app.add_subcommand("gen", "write synthetic multi-source customer data with truth");
  gen_cmd->add_option("-n,--records", gen.records, "records over all sources")->capture_default_str();
  gen_cmd->add_option("--seed", gen.seed, "random seed; same seed, same bytes")->capture_default_str();
  gen_cmd->add_option("-o,--out", gen.out, "output folder")->capture_default_str();

  ResolveCommand resolve;
  auto* resolve_cmd = app.add_subcommand("resolve", "load sources, resolve identities, write profiles");
  resolve_cmd->add_option("-c,--config", resolve.config, "TOML config")->required()->check(CLI::ExistingFile);
  resolve_cmd->add_option("-i,--input", resolve.inputs, "override a source's path: SOURCE=PATH");
  resolve_cmd->add_option("-o,--out", resolve.out, "profiles file (source,record_id,profile_id)")->capture_default_str();
  resolve_cmd->add_option("--previous", resolve.previous, "earlier profiles file whose ids are kept")->check(CLI::ExistingFile);
  resolve_cmd->add_option("--rejects", resolve.rejects, "file for rejected rows and values")->capture_default_str();
  resolve_cmd->add_option("--summary-json", resolve.summary_json, "also write the summary as JSON");
  resolve_cmd->add_option("--golden", resolve.golden, "also write one golden record per profile");
  resolve_cmd->add_flag("--no-matching", resolve.no_matching, "deterministic stage only, even if the config has [matching]");
  resolve_cmd->add_option("--device", resolve.device, "where to score candidate pairs: auto (GPU when present), cpu, gpu")->check(CLI::IsMember({"auto", "cpu", "gpu"}))->capture_default_str();
  resolve_cmd->add_option("-m,--model", resolve.model, "matching model from `idgraph train` (default: train on these records)")->check(CLI::ExistingFile);

  EvalCommand eval;
  auto* eval_cmd = app.add_subcommand("eval", "pairwise precision, recall and F1 against truth");
  eval_cmd->add_option("-p,--profiles", eval.profiles, "profiles file from resolve")->required()->check(CLI::ExistingFile);
  eval_cmd->add_option("-t,--truth", eval.truth, "CSV with the true cluster of each record")->required()->check(CLI::ExistingFile);
  eval_cmd->add_option("--truth-source-column", eval.truth_source_column, "column naming the source")->capture_default_str();
  eval_cmd->add_option("--truth-source", eval.truth_source, "source of every truth row (no source column)");
  eval_cmd->add_option("--truth-id-column", eval.truth_id_column, "column with the source record id")->capture_default_str();
  eval_cmd->add_option("--truth-label-column", eval.truth_label_column, "column with the true cluster")->capture_default_str();
  eval_cmd->add_option("--truth-delimiter", eval.truth_delimiter, "field delimiter of the truth file")->capture_default_str();
  eval_cmd->add_option("--truth-label-pattern", eval.truth_label_pattern, "regex whose first group is the label (e.g. 'rec-(\\d+)')");
  eval_cmd->add_option("--json", eval.json, "also write the metrics as JSON");

  TrainCommand train;
  auto* train_cmd = app.add_subcommand("train", "fit a probabilistic matching model (Fellegi-Sunter, EM) and save it");
  train_cmd->add_option("-c,--config", train.config, "TOML config with a [matching] section")->required()->check(CLI::ExistingFile);
  train_cmd->add_option("-i,--input", train.inputs, "override a source's path: SOURCE=PATH");
  train_cmd->add_option("-o,--out", train.out, "model file (JSON)")->capture_default_str();

  ModelShowCommand model_show;
  auto* model_cmd = app.add_subcommand("model", "inspect a trained model");
  auto* model_show_cmd = model_cmd->add_subcommand("show", "m, u and weight per comparison and level");
  model_show_cmd->add_option("model", model_show.model, "model file")->required()->check(CLI::ExistingFile);
  model_cmd->require_subcommand(1);

  ServeCommand serve;
  auto* serve_cmd = app.add_subcommand("serve", "load sources (or start empty) and serve them over RPC until SIGTERM; SIGHUP reloads the config's tokens and max_batch");
  serve_cmd->add_option("-c,--config", serve.config, "TOML config; its [server] section sets the address, limits and tokens")->required()->check(CLI::ExistingFile);
  serve_cmd->add_option("-i,--input", serve.inputs, "override a source's path: SOURCE=PATH");
  serve_cmd->add_flag("--empty", serve.empty, "start with no records instead of loading the sources");
  serve_cmd->add_option("-m,--model", serve.model, "matching model from `idgraph train` (loading: default trains one; --empty: default none)")->check(CLI::ExistingFile);
  serve_cmd->add_flag("--no-matching", serve.no_matching, "link by shared identifiers only");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on (default: [server] listen, 127.0.0.1:7420)");
  serve_cmd->add_option("--loop-threads", serve.threads, "event-loop threads (default: [server] threads, all cores)");

  RemoteCommands remote(app);
  SegmentCommands segment(app);

  DemoCommand demo;
  auto* demo_cmd = app.add_subcommand("demo", "generate data, resolve, evaluate, and report");
  demo_cmd->add_option("-n,--records", demo.records, "records to generate")->capture_default_str();
  demo_cmd->add_option("--seed", demo.seed, "random seed")->capture_default_str();
  demo_cmd->add_option("-d,--dir", demo.dir, "working folder for data and outputs")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  std::unique_ptr<tbb::global_control> limit;
  if (threads > 0) {
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  threads);
  }
  try {
    if (*gen_cmd) return RunGen(global, gen);
    if (*resolve_cmd) return RunResolve(global, resolve);
    if (*eval_cmd) return RunEval(global, eval);
    if (*demo_cmd) return RunDemo(global, demo);
    if (*train_cmd) return RunTrain(global, train);
    if (*model_show_cmd) return RunModelShow(global, model_show);
    if (*serve_cmd) {
      if (hooks.before_serve != nullptr) hooks.before_serve();
      return RunServe(global, serve);
    }
    if (remote.Chosen()) return remote.Run();
    if (segment.Chosen()) return segment.Run();
  } catch (const Error& e) {
    std::fprintf(stderr, "idgraph: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "idgraph: error: %s\n", e.what());
    return 1;
  }
  return 2;
}

}  // namespace idg::cli
