#include "cli/commands.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "base/error.h"
#include "cli/progress.h"
#include "gen/generator.h"
#include "io/config_loader.h"
#include "io/job.h"
#include "io/model_file.h"
#include "io/profile_files.h"
#include "io/report.h"
#include "match/eval.h"
#include "rpc/server.h"

namespace idg::cli {
namespace {

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text << '\n';
  IDG_REQUIRE(out.good(), path + ": cannot write");
}

// Applies "source=path" overrides to the config.
void ApplyInputs(Config& config, const std::vector<std::string>& inputs) {
  for (const std::string& spec : inputs) {
    const size_t eq = spec.find('=');
    IDG_REQUIRE(eq != std::string::npos && eq > 0,
                "--input '" + spec + "': expected SOURCE=PATH");
    const std::string name = spec.substr(0, eq);
    auto s = config.FindSource(name);
    IDG_REQUIRE(s.has_value(), "--input '" + spec + "': no source '" + name + "' in the config");
    config.sources[*s].path = spec.substr(eq + 1);
  }
}

// While the graph loads, SIGINT or SIGTERM (blocked in every thread, so that only the server's
// sigwait takes them later) ends the process at once: nothing needs saving yet.
class ExitOnSignalWhileLoading {
 public:
  ExitOnSignalWhileLoading() : thread_([this] { Watch(); }) {}
  ~ExitOnSignalWhileLoading() {
    done_ = true;
    thread_.join();
  }

 private:
  void Watch() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    const timespec tick{0, 100'000'000};
    while (!done_) {
      const int signal = sigtimedwait(&set, nullptr, &tick);
      if (signal > 0) {
        std::fprintf(stderr, "\nidgraph: interrupted while loading\n");
        std::_Exit(128 + signal);
      }
    }
  }

  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace

int RunGen(const GlobalOptions& g, const GenCommand& c) {
  Progress progress(!g.quiet);
  const auto start = std::chrono::steady_clock::now();
  GenSummary s = Generate(GenOptions{c.records, c.seed, c.out},
                          [&](uint64_t done, uint64_t total) { progress.Update("gen", done, total); });
  progress.Clear();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s records of %s people to %s/ in %.2f s (%.0f MiB)\n"
              "  crm %s, pos %s, support %s, web %s; truth in truth.csv; config in idgraph.toml\n",
              Thousands(s.records).c_str(), Thousands(s.people).c_str(), c.out.c_str(), secs,
              double(s.bytes) / (1 << 20), Thousands(s.per_source[0]).c_str(),
              Thousands(s.per_source[1]).c_str(), Thousands(s.per_source[2]).c_str(),
              Thousands(s.per_source[3]).c_str());
  return 0;
}

int RunResolve(const GlobalOptions& g, const ResolveCommand& c) {
  ResolveJobOptions job;
  job.config = LoadConfig(c.config);
  ApplyInputs(job.config, c.inputs);
  job.profiles_path = c.out;
  job.previous_path = c.previous;
  job.reject_path = c.rejects;
  job.golden_path = c.golden;
  job.model_path = c.model;
  job.matching = !c.no_matching;
  job.device = ParseScoreDevice(c.device);
  job.keep_attributes = false;  // only golden records need them
  Progress progress(!g.quiet);
  job.progress = [&](const char* stage, uint64_t done, uint64_t total) {
    progress.Update(stage, done, total);
  };
  auto graph = RunResolveJob(job);
  progress.Clear();
  std::fputs(SummaryText(*graph).c_str(), stdout);
  std::printf("\nprofiles written to %s", c.out.c_str());
  if (!c.golden.empty()) std::printf("; golden records to %s", c.golden.c_str());
  if (!c.rejects.empty()) std::printf("; rejects to %s", c.rejects.c_str());
  std::printf("\n");
  if (!c.summary_json.empty()) WriteText(c.summary_json, SummaryJson(*graph));
  return 0;
}

int RunEval(const GlobalOptions&, const EvalCommand& c) {
  LabelTable predicted = ReadLabels(c.profiles, LabelColumns{});
  LabelColumns truth_cols;
  truth_cols.source = c.truth_source.empty() ? c.truth_source_column : "";
  truth_cols.fixed_source = c.truth_source;
  truth_cols.id = c.truth_id_column;
  truth_cols.label = c.truth_label_column;
  truth_cols.delimiter = c.truth_delimiter;
  truth_cols.label_pattern = c.truth_label_pattern;
  LabelTable truth = ReadLabels(c.truth, truth_cols);
  JoinedLabels joined = JoinLabels(predicted, truth);
  IDG_REQUIRE(!joined.a.empty(), "no record of " + c.profiles + " is named in " + c.truth +
                                     " (check --truth-source and the id column)");
  PairMetrics m = EvaluatePairs(joined.a, joined.b);
  std::fputs(MetricsText(m).c_str(), stdout);
  if (joined.a_only || joined.b_only) {
    std::printf("  %s records without truth and %s truth rows without a profile were left out\n",
                Thousands(joined.a_only).c_str(), Thousands(joined.b_only).c_str());
  }
  if (!c.json.empty()) WriteText(c.json, MetricsJson(m));
  return 0;
}

int RunTrain(const GlobalOptions& g, const TrainCommand& c) {
  Config config = LoadConfig(c.config);
  ApplyInputs(config, c.inputs);
  Progress progress(!g.quiet);
  TrainedModel t = RunTrainJob(config, [&](const char* stage, uint64_t done, uint64_t total) {
    progress.Update(stage, done, total);
  });
  progress.Clear();
  SaveModel(c.out, t.model);
  uint64_t skipped = 0;
  for (const auto& b : t.stats.blocking) skipped += b.skipped_pairs;
  std::printf("trained on %s records in %.2f s: u from %s random pairs, m and prior by EM over "
              "%s candidate pairs (%d iterations%s); %s pairs in oversized blocks skipped\n\n",
              Thousands(t.records).c_str(), t.seconds, Thousands(t.stats.random_pairs).c_str(),
              Thousands(t.stats.candidate_pairs).c_str(), t.stats.em_iterations,
              t.stats.em_converged ? ", converged" : ", not converged", Thousands(skipped).c_str());
  for (const auto& b : t.stats.blocking) {
    std::printf("  blocking %-40s %12s pairs (%s already found by an earlier rule), largest block %s\n",
                b.rule.c_str(), Thousands(b.pairs).c_str(), Thousands(b.duplicate_pairs).c_str(),
                Thousands(b.largest_block).c_str());
  }
  std::printf("\n%s\nmodel written to %s\n", ModelText(t.model).c_str(), c.out.c_str());
  return 0;
}

int RunModelShow(const GlobalOptions&, const ModelShowCommand& c) {
  std::fputs(ModelText(LoadModel(c.model)).c_str(), stdout);
  return 0;
}

int RunServe(const GlobalOptions& g, const ServeCommand& c) {
  // Before any thread exists (TBB workers of the load included): only WaitForStopSignal may
  // take SIGINT, SIGTERM and SIGHUP.
  rpc::BlockStopSignals();
  std::optional<ExitOnSignalWhileLoading> loading(std::in_place);
  // The command line's overrides, applied again to each reload's reading of the file.
  auto adjust = [inputs = c.inputs, listen = c.listen, threads = c.threads](Config& config) {
    ApplyInputs(config, inputs);
    if (!listen.empty()) config.server.listen = listen;
    if (threads > 0) config.server.threads = threads;
  };
  Config config = LoadConfig(c.config);
  adjust(config);
  rpc::ConfigFile file{c.config, config, adjust};
  ServerConfig server = config.server;
  if (server.tokens.empty()) {
    std::fprintf(stderr, "idgraph: warning: the config lists no [server] tokens; nobody can "
                         "log in\n");
  }
  std::unique_ptr<LiveGraph> graph;
  if (c.empty) {
    std::optional<FellegiSunterModel> model;
    if (!c.model.empty() && !c.no_matching) model = LoadModel(c.model);
    graph = std::make_unique<LiveGraph>(std::move(config), std::move(model));
  } else {
    ResolveJobOptions job;
    job.config = std::move(config);
    job.model_path = c.model;
    job.matching = !c.no_matching;
    Progress progress(!g.quiet);
    job.progress = [&](const char* stage, uint64_t done, uint64_t total) {
      progress.Update(stage, done, total);
    };
    auto resolved = RunResolveJob(job);
    progress.Clear();
    std::fputs(SummaryText(*resolved).c_str(), stdout);
    graph = MakeLiveGraph(std::move(resolved));
  }
  loading.reset();  // signals now wait for WaitForStopSignal
  rpc::Server srv(*graph, server, std::move(file));
  const GraphStats stats = graph->Stats(0);
  std::printf("listening on %s (%zu threads): %s records in %s profiles\n", srv.address().c_str(),
              srv.threads(), Thousands(stats.records).c_str(), Thousands(stats.profiles).c_str());
  std::fflush(stdout);
  const int signal = rpc::WaitForStopSignal([&srv] { rpc::ReloadAndReport(srv); });
  srv.Stop();
  std::printf("stopped (%s)\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
  return 0;
}

}  // namespace idg::cli
