#include "io/job.h"

#include <chrono>

#include "base/error.h"
#include "base/process.h"
#include "io/model_file.h"
#include "io/profile_files.h"

namespace idg {
namespace {

class Stopwatch {
 public:
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

std::unique_ptr<ResolvedGraph> RunResolveJob(const ResolveJobOptions& options) {
  auto g = std::make_unique<ResolvedGraph>();
  g->config = options.config;
  const auto start = std::chrono::steady_clock::now();
  Stopwatch clock;
  auto stage = [&](const char* name) { g->stages.push_back({name, clock.Lap()}); };

  LoadOptions load;
  if (!options.matching) g->config.matching.enabled = false;
  load.keep_attributes = options.keep_attributes || !options.golden_path.empty() ||
                         g->config.matching.enabled;
  load.reject_path = options.reject_path;
  if (options.progress) {
    load.progress = [&](uint64_t done, uint64_t total) { options.progress("load", done, total); };
  }
  LoadResult loaded = Load(g->config, *g->interner, load);
  g->records = std::move(loaded.records);
  g->junk = std::move(loaded.junk);
  g->sources = std::move(loaded.sources);
  stage("load (parse, normalize, intern)");

  if (g->config.matching.enabled) {
    if (options.model_path.empty()) {
      g->model = TrainModel(g->config, g->records, &g->matching);
      stage("train (u from random pairs, EM)");
    } else {
      g->model = LoadModel(options.model_path);
    }
    MatchResult m = MatchRecords(g->config, g->records, *g->model, options.device);
    const MatchStats trained = g->matching;
    g->matching = m.stats;
    g->matching.random_pairs = trained.random_pairs;
    g->matching.em_iterations = trained.em_iterations;
    g->matching.em_converged = trained.em_converged;
    g->links = std::move(m.links);
    g->link_levels = std::move(m.levels);
    g->stages.push_back({"match (block, score pairs)", clock.Lap()});
    g->stages.push_back({"  of which blocking", g->matching.seconds_blocking});
    g->stages.push_back({"  of which scoring (" + g->matching.device + ")", g->matching.seconds_scoring});
  }
  ClusteringOptions clustering;
  if (g->model) {
    clustering.strict = g->config.matching.strict_clustering;
    clustering.base_score = g->model->ScoreForProbability(g->config.matching.threshold);
  }
  g->resolution = Resolve(g->config, g->records, *g->interner, g->junk, g->links, clustering);
  stage("resolve (union-find, guardrails)");

  std::vector<ProfileId> previous;
  if (!options.previous_path.empty()) {
    previous = ReadPreviousProfiles(options.previous_path, g->config, g->records,
                                    &g->previous_matched);
    stage("read earlier profiles");
  }
  g->profiles = Profiles::Build(g->resolution.component, previous);
  stage("profiles (ids, members)");

  if (!options.profiles_path.empty()) {
    WriteProfiles(options.profiles_path, g->config, g->records, g->profiles);
    stage("write profiles");
  }
  if (!options.golden_path.empty()) {
    WriteGoldenRecords(options.golden_path, g->config, g->records, g->profiles);
    stage("write golden records");
  }
  g->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  g->peak_rss_bytes = PeakRssBytes();
  return g;
}

TrainedModel RunTrainJob(const Config& config,
                         const std::function<void(const char*, uint64_t, uint64_t)>& progress) {
  IDG_REQUIRE(config.matching.enabled, "training needs a [matching] section in the config");
  const auto start = std::chrono::steady_clock::now();
  Interner interner;
  LoadOptions load;
  load.keep_attributes = true;
  if (progress) load.progress = [&](uint64_t d, uint64_t t) { progress("load", d, t); };
  LoadResult loaded = Load(config, interner, load);
  TrainedModel t;
  t.records = loaded.records.size();
  t.model = TrainModel(config, loaded.records, &t.stats);
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return t;
}

}  // namespace idg

namespace idg {

std::vector<IncomingRecord> IncomingRecords(const ResolvedGraph& g) {
  const RecordStore& rs = g.records;
  std::vector<IncomingRecord> out(rs.size());
  for (RecordId r = 0; r < rs.size(); ++r) {
    IncomingRecord& in = out[r];
    in.source = g.config.sources[rs.source(r)].name;
    in.id = rs.source_record_id(r);
    in.timestamp = rs.timestamp(r);
    for (IdentifierId x : rs.identifiers(r)) {
      in.identifiers.push_back(
          {g.config.kinds[g.interner->kind(x)].name, std::string(g.interner->value(x))});
    }
    for (const AttrValue& a : rs.attributes(r)) {
      in.attributes.push_back({g.config.attributes[a.attr].name, std::string(a.value)});
    }
  }
  return out;
}

std::unique_ptr<LiveGraph> MakeLiveGraph(std::unique_ptr<ResolvedGraph> g) {
  BulkGraph bulk{std::move(g->config),
                 std::move(g->interner),
                 std::move(g->records),
                 std::move(g->junk),
                 std::move(g->model),
                 std::move(g->links),
                 std::move(g->link_levels),
                 std::move(g->resolution.component),
                 std::move(g->profiles)};
  g.reset();
  return std::make_unique<LiveGraph>(std::move(bulk));
}

}  // namespace idg
