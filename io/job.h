// The bulk resolve job: config + input files -> records, deterministic resolution, profiles
// with stable ids, and the files a data team wants (profiles, rejects). `idgraph resolve` and
// `idgraph demo` are thin wrappers around it; a library user calls it directly.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/config.h"
#include "graph/interner.h"
#include "graph/live_graph.h"
#include "graph/matcher.h"
#include "graph/profiles.h"
#include "graph/record_store.h"
#include "graph/resolver.h"
#include "io/loader.h"

namespace idg {

struct ResolveJobOptions {
  Config config;
  std::string profiles_path;  // where to write "source,record_id,profile_id"; empty: don't
  std::string previous_path;  // an earlier profiles file whose ids are kept; empty: none
  std::string reject_path;    // rejected rows and values; empty: count only
  std::string golden_path;    // golden record per profile; empty: don't (then attributes are
                              // kept only when keep_attributes is set)
  bool keep_attributes = true;
  // Probabilistic matching, when the config has [matching]: a model trained earlier
  // (`idgraph train`), or empty to train one on these records first.
  std::string model_path;
  bool matching = true;  // false: the deterministic stage alone, even with [matching]
  ScoreDevice device = ScoreDevice::kAuto;  // where candidate pairs are scored
  // Progress of the current stage: (stage name, done, total); called from any thread.
  std::function<void(const char* stage, uint64_t done, uint64_t total)> progress;
};

struct StageTime {
  std::string name;
  double seconds;
};

// Everything a resolve produced, kept in memory for reports and lookups.
struct ResolvedGraph {
  Config config;
  std::unique_ptr<Interner> interner = std::make_unique<Interner>();
  RecordStore records;
  std::vector<IdentifierId> junk;
  std::vector<SourceStats> sources;
  std::optional<FellegiSunterModel> model;  // when matching ran
  MatchStats matching;
  std::vector<FuzzyLink> links;             // fuzzy links at or above the threshold
  std::vector<uint8_t> link_levels;         // links × comparisons: why each link was made
  Resolution resolution;
  Profiles profiles;
  uint64_t previous_matched = 0;  // records found in the earlier profiles file
  std::vector<StageTime> stages;
  double seconds = 0;
  uint64_t peak_rss_bytes = 0;
};

// Throws idg::Error for unreadable inputs, missing columns, unwritable outputs.
std::unique_ptr<ResolvedGraph> RunResolveJob(const ResolveJobOptions& options);

// The records of `g` as the requests a client would send for them (normalized values, which
// normalize to themselves), in record order: for replaying a data set into a live graph.
std::vector<IncomingRecord> IncomingRecords(const ResolvedGraph& g);

// A live graph (graph/live_graph.h) holding everything `g` resolved, profile ids included.
std::unique_ptr<LiveGraph> MakeLiveGraph(std::unique_ptr<ResolvedGraph> g);

// Loads the records and trains a matching model on them (the config needs [matching]).
struct TrainedModel {
  FellegiSunterModel model;
  MatchStats stats;
  uint64_t records = 0;
  double seconds = 0;
};
TrainedModel RunTrainJob(const Config& config,
                         const std::function<void(const char*, uint64_t, uint64_t)>& progress = {});

}  // namespace idg
