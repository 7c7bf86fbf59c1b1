#include <cstdio>
#include <filesystem>
#include <set>

#include "cli/commands.h"
#include "cli/progress.h"
#include "gen/generator.h"
#include "graph/resolver.h"
#include "io/config_loader.h"
#include "io/job.h"
#include "io/profile_files.h"
#include "io/report.h"
#include "kernels/device.h"
#include "match/eval.h"

namespace idg::cli {
namespace {

// A profile worth showing: records from the most sources, then the most records (at most 8).
uint32_t ShowcaseProfile(const ResolvedGraph& g) {
  uint32_t best = 0;
  size_t best_score = 0;
  for (uint32_t i = 0; i < g.profiles.size(); ++i) {
    const auto members = g.profiles.members(i);
    if (members.size() > 8) continue;
    std::set<SourceId> sources;
    for (RecordId r : members) sources.insert(g.records.source(r));
    const size_t score = sources.size() * 100 + members.size();
    if (score > best_score) best = i, best_score = score;
  }
  return best;
}

}  // namespace

int RunDemo(const GlobalOptions& g, const DemoCommand& c) {
  std::printf("idgraph demo: %s synthetic records, four sources, seed %llu, in %s/\n\n",
              Thousands(c.records).c_str(), static_cast<unsigned long long>(c.seed), c.dir.c_str());
  GenCommand gen{c.records, c.seed, c.dir};
  RunGen(g, gen);

  ResolveJobOptions job;
  job.config = LoadConfig((std::filesystem::path(c.dir) / "idgraph.toml").string());
  job.profiles_path = (std::filesystem::path(c.dir) / "profiles.csv").string();
  job.reject_path = (std::filesystem::path(c.dir) / "rejects.tsv").string();
  job.golden_path = (std::filesystem::path(c.dir) / "golden.csv").string();
  Progress progress(!g.quiet);
  job.progress = [&](const char* stage, uint64_t done, uint64_t total) {
    progress.Update(stage, done, total);
  };
  auto graph = RunResolveJob(job);
  progress.Clear();
  std::printf("\n");
  std::fputs(SummaryText(*graph, 5).c_str(), stdout);

  const auto truth = ReadTruthLabels((std::filesystem::path(c.dir) / "truth.csv").string(),
                                     LabelColumns{"source", "record_id", "entity", "", ",", ""},
                                     graph->config, graph->records);
  // The same records resolved by shared identifiers alone, to show what matching adds.
  const Resolution deterministic = Resolve(graph->config, graph->records, *graph->interner, graph->junk);
  std::vector<uint64_t> with_matching, identifiers_only, actual;
  for (RecordId r = 0; r < graph->records.size(); ++r) {
    if (truth[r] == kNoLabel) continue;
    with_matching.push_back(graph->profiles.profile_of(r));
    identifiers_only.push_back(deterministic.component[r]);
    actual.push_back(truth[r]);
  }
  std::printf("\naccuracy against the generator's truth:\n  shared identifiers only:  ");
  std::fputs(MetricsText(EvaluatePairs(identifiers_only, actual)).c_str(), stdout);
  if (graph->model) {
    std::printf("  with probabilistic matching:  ");
    std::fputs(MetricsText(EvaluatePairs(with_matching, actual)).c_str(), stdout);
  }

  std::printf("\nan example profile:\n");
  std::fputs(ProfileText(*graph, ShowcaseProfile(*graph)).c_str(), stdout);

  const DeviceInfo& dev = QueryDevices();
  std::printf("\nGPU: %s\n", dev.gpu_count > 0 ? dev.gpu_name.c_str() : ("none (" + dev.note + ")").c_str());
  std::printf("\nfiles: %s/profiles.csv (record -> profile), %s/golden.csv (one row per profile),\n"
              "       %s/rejects.tsv (bad rows and values)\n"
              "next:  idgraph resolve --config %s/idgraph.toml --out profiles.csv\n"
              "       idgraph eval --profiles profiles.csv --truth %s/truth.csv\n",
              c.dir.c_str(), c.dir.c_str(), c.dir.c_str(), c.dir.c_str(), c.dir.c_str());
  return 0;
}

}  // namespace idg::cli
