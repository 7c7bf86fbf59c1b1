// End-to-end benchmark of the service over loopback (an idgraph server in this process, the
// clients in this process too, all on the machine's cores):
//
//   build/bench/rpc_bench [PROFILES] [SECONDS] [RESP_FILE|-] [POLL_US] [THREADS] [PEER]
//   (defaults: 1000000 5 - 200 0, no peer)
//
// Lookups: PROFILES synthetic profiles of 10 attributes, each keyed by an email
// "NNNNNNNNNNNN@bench.io" (12 digits, as redis-benchmark's __rand_int__ writes them), looked up
// by random emails with 1, 8 and 64 requests in flight (closed loop), one per connection as
// redis-benchmark -c sends them, and 64 over 8 connections (8 pipelined on each, sent together
// and sent again when all 8 are answered, as redis-benchmark -c 8 -P 8 does): throughput and
// latency percentiles, and the CPU time a request cost the server (its loop threads) and the
// load generator (the calling thread), to set beside redis-server's and redis-benchmark's.
// Then paced (open loop) at half the highest one-per-connection throughput over 64
// connections, one request to each in turn, and at half the pipelined one over 8, eight
// consecutive requests to each in turn. Files set-up wrote are synced to disk before any of it.
// With RESP_FILE, the same profiles are also written as Redis HSET commands keyed by email,
// for bench/rpc_vs_redis.sh to load into redis-server and read with HGETALL. POLL_US and
// THREADS: the server's [server] poll_us (0: its loops sleep whenever idle) and threads (0: one
// event loop per core).
// PEER: a command that measures another system on the same shapes (bench/redis_peer.sh, as
// bench/rpc_vs_redis.sh passes it): run once as `PEER load RESP_FILE` after set-up, then as
// `PEER run PROFILES CONNECTIONS PIPELINE REQUESTS` turn about with idgraph's own runs, three
// rounds a shape, so that slow and fast spells of a shared machine fall on both alike. Each
// shape then reports both medians and the median of the rounds' ratios (also on stderr).
//
// Ingest: generated customer records (idgraph gen, 200,000) with the model trained on them:
// the first half ingested in-process, the second half over RPC in batches of 1,000, each
// resolved with identifiers and fuzzy matching, once with one batch in flight and once with
// two (rpc::Client::IngestAll): records per second and time per batch.
//
// Prints one JSON object.
#include <mimalloc.h>
#include <simdjson.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/process.h"
#include "gen/generator.h"
#include "io/config_loader.h"
#include "io/job.h"
#include "rpc/client.h"
#include "rpc/load.h"
#include "rpc/server.h"

namespace idg {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string Email(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012llu@bench.io", static_cast<unsigned long long>(i));
  return buf;
}

const char* kConfig = R"(
[kinds.email]
normalizer = "email"
[kinds.customer_id]
normalizer = "trim"
unique = true
[attributes]
first_name = { normalizer = "name" }
last_name = { normalizer = "name" }
dob = { normalizer = "date" }
street = { normalizer = "street" }
city = { normalizer = "name" }
zip = { normalizer = "postcode" }
country = { normalizer = "upper" }
tier = { normalizer = "trim" }
language = { normalizer = "trim" }
segment = { normalizer = "trim" }
[sources.crm]
format = "csv"
path = "crm.csv"
id = "id"
fields = { email = "email", customer_id = "customer_id", first_name = "first_name", last_name = "last_name", dob = "dob", street = "street", city = "city", zip = "zip", country = "country", tier = "tier", language = "language", segment = "segment" }
[server]
tokens = [{ token = "bench-reader", role = "reader" }, { token = "bench-writer", role = "writer" }]
)";

// Writes the profiles (CSV for idgraph, RESP for Redis) and returns the served graph.
std::unique_ptr<LiveGraph> LookupGraph(const fs::path& dir, uint64_t profiles,
                                       const std::string& resp_path, Config* config) {
  const char* first[] = {"anna", "ben", "carla", "dmitri", "eva", "farid", "greta", "hiro"};
  const char* last[] = {"smith", "garcia", "müller", "rossi", "kowalski", "nguyen", "okafor"};
  const char* city[] = {"berlin", "lisbon", "austin", "osaka", "lagos", "lyon"};
  std::ofstream csv(dir / "crm.csv");
  std::ofstream resp;
  if (!resp_path.empty()) resp.open(resp_path, std::ios::binary);
  csv << "id,email,customer_id,first_name,last_name,dob,street,city,zip,country,tier,language,"
         "segment\n";
  std::mt19937_64 rng(7);
  for (uint64_t i = 0; i < profiles; ++i) {
    char dob[16], street[32], zip[8], segment[8];
    std::snprintf(dob, sizeof dob, "19%02d-0%d-1%d", int(50 + rng() % 50), int(1 + rng() % 9),
                  int(rng() % 9));
    std::snprintf(street, sizeof street, "%d main st", int(1 + rng() % 9999));
    const char* town = city[rng() % 6];
    std::snprintf(zip, sizeof zip, "%d", int(10000 + rng() % 89999));
    std::snprintf(segment, sizeof segment, "s%d", int(rng() % 20));
    const std::string f[] = {
        first[rng() % 8], last[rng() % 7], dob, street, town, zip, "DE", "gold", "en", segment};
    char cid_buf[24];
    std::snprintf(cid_buf, sizeof cid_buf, "C%llu", static_cast<unsigned long long>(i));
    const std::string email = Email(i), cid = cid_buf;
    csv << "r" << i << ',' << email << ',' << cid;
    for (const std::string& v : f) csv << ',' << v;
    csv << '\n';
    if (!resp) continue;
    const char* names[] = {"first_name", "last_name", "dob",  "street",   "city",
                           "zip",        "country",   "tier", "language", "segment"};
    resp << "*" << 2 + 2 * 12 << "\r\n$4\r\nHSET\r\n$" << email.size() << "\r\n" << email << "\r\n";
    auto put = [&](const std::string& s) { resp << '$' << s.size() << "\r\n" << s << "\r\n"; };
    put("email");
    put(email);
    put("customer_id");
    put(cid);
    for (int k = 0; k < 10; ++k) {
      put(names[k]);
      put(f[k]);
    }
  }
  csv.close();
  std::ofstream(dir / "idgraph.toml") << kConfig;
  ResolveJobOptions job;
  job.config = LoadConfig((dir / "idgraph.toml").string());
  *config = job.config;
  return MakeLiveGraph(RunResolveJob(job));
}

// Writes the files set-up wrote to disk now. The kernel writes dirty pages back about 30 s
// after they were written, and here the profiles' CSV and RESP (half a gigabyte at 1M) would
// then land in the paced runs: a write-back that size stalls the machine's threads for tens of
// milliseconds at a time (seen as 20-30 ms gaps in the load generator's sends).
void WriteBack() { ::sync(); }

// CPU time (user and system) of the process or of the calling thread, in seconds.
double CpuSeconds(int who) {
  rusage u{};
  getrusage(who, &u);
  auto secs = [](timeval t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// A load run on this thread, and the CPU it and the server's threads spent: the load
// generator is this thread, the server everything else in the process (its loops; nothing
// else runs meanwhile), so that the cost of a lookup on each side can be set beside
// redis-server's and redis-benchmark's.
struct Measured {
  rpc::LoadReport report;
  double server_cpu_us = 0, client_cpu_us = 0;  // a request
};

Measured Measure(const rpc::LookupLoad& load) {
  const double process = CpuSeconds(RUSAGE_SELF), thread = CpuSeconds(RUSAGE_THREAD);
  Measured m{rpc::RunLookupLoad(load)};
  const double client = CpuSeconds(RUSAGE_THREAD) - thread;
  const double server = CpuSeconds(RUSAGE_SELF) - process - client;
  const double n = double(std::max<uint64_t>(m.report.requests, 1));
  m.server_cpu_us = server * 1e6 / n;
  m.client_cpu_us = client * 1e6 / n;
  return m;
}

// Runs a shell command and returns what it printed (one JSON object); throws when it fails.
std::string RunPeer(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw Error("rpc_bench: cannot run '" + command + "'");
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) text.append(buf, n);
  if (::pclose(pipe) != 0 || text.empty()) {
    throw Error("rpc_bench: '" + command + "' failed (it printed '" + text + "')");
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// The number under `key` in the JSON object a peer printed; throws when the text is not such
// an object (so that nothing malformed goes into this program's JSON).
double JsonNumber(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  double value = 0;
  const auto error = parser.parse(json)[key].get(value);
  if (error) {
    throw Error("rpc_bench: the peer printed '" + json + "': " + simdjson::error_message(error));
  }
  return value;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

std::string Json(const Measured& m, uint32_t concurrency, uint32_t connections) {
  const rpc::LoadReport& r = m.report;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"concurrency\": %u, \"connections\": %u, \"requests\": %llu, "
                "\"not_found\": %llu, \"seconds\": %.2f, \"per_second\": %.0f, \"p50_us\": %.1f, "
                "\"p99_us\": %.1f, \"p999_us\": %.1f, \"max_us\": %.1f, \"server_cpu_us\": %.1f, "
                "\"client_cpu_us\": %.1f}",
                concurrency, connections, (unsigned long long)r.requests,
                (unsigned long long)r.not_found, r.seconds, r.per_second, r.p50_us, r.p99_us,
                r.p999_us, r.max_us, m.server_cpu_us, m.client_cpu_us);
  return buf;
}

int Main(int argc, char** argv) {
  // The allocator as `idgraph serve` sets it up (cli/main/idgraph_main.cpp): large OS pages
  // unless MIMALLOC_LARGE_OS_PAGES says otherwise.
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) {
    mi_option_enable(mi_option_large_os_pages);
  }
  const uint64_t profiles = argc > 1 ? std::stoull(argv[1]) : 1'000'000;
  const double seconds = argc > 2 ? std::stod(argv[2]) : 5;
  const std::string resp = argc > 3 && std::string(argv[3]) != "-" ? argv[3] : "";
  const std::string peer = argc > 6 ? argv[6] : "";
  if (!peer.empty() && resp.empty()) throw Error("rpc_bench: a PEER needs a RESP_FILE to load");
  const fs::path dir = fs::temp_directory_path() / ("idg_rpc_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string out = "{\"profiles\": " + std::to_string(profiles);

  // Lookups.
  Config config;
  auto t = Clock::now();
  std::unique_ptr<LiveGraph> graph = LookupGraph(dir, profiles, resp, &config);
  out += ", \"load_seconds\": " + std::to_string(Since(t)) +
         ", \"rss_mib\": " + std::to_string(CurrentRssBytes() >> 20);
  WriteBack();  // not counted in load_seconds
  if (!peer.empty()) out += ", \"peer\": " + RunPeer(peer + " load " + resp);
  ServerConfig server = config.server;
  server.listen = "127.0.0.1:0";
  if (argc > 4) server.poll_us = static_cast<uint32_t>(std::stoul(argv[4]));
  if (argc > 5) server.threads = static_cast<uint32_t>(std::stoul(argv[5]));
  out += ", \"poll_us\": " + std::to_string(server.poll_us);
  {
    rpc::Server srv(*graph, server);
    out += ", \"server_threads\": " + std::to_string(srv.threads()) + ", \"lookups\": [";
    std::vector<rpc::Identifier> keys;
    std::mt19937_64 rng(11);
    for (int i = 0; i < 200000; ++i) keys.push_back({"email", Email(rng() % profiles)});
    // With a peer, each shape is measured `rounds` times, turn about with the peer (idgraph
    // first in even rounds, the peer first in odd ones), so that both meet the machine in the
    // same states; the ratio of each round's pair is the comparison.
    const int rounds = peer.empty() ? 1 : 3;
    bool first = true;
    double peak = 0, pipelined_peak = 0;
    const std::pair<uint32_t, uint32_t> shapes[] = {{1, 1}, {8, 8}, {64, 64}, {64, 8}};
    for (auto [c, conns] : shapes) {
      std::vector<double> ours, theirs, ratios;
      std::string ours_json, theirs_json;
      // The peer answers as many requests as idgraph did in a run of `seconds`.
      double rate = 0;
      auto run_peer = [&] {
        const uint64_t n = uint64_t(std::max(rate, 10'000.0) * seconds);
        const std::string json =
            RunPeer(peer + " run " + std::to_string(profiles) + ' ' + std::to_string(conns) + ' ' +
                    std::to_string(c / conns) + ' ' + std::to_string(n));
        theirs_json += (theirs.empty() ? "" : ", ") + json;
        theirs.push_back(JsonNumber(json, "per_second"));
      };
      for (int round = 0; round < rounds; ++round) {
        if (round % 2 == 1) run_peer();
        const Measured m = Measure({srv.address(), "bench-reader", keys, c, conns, seconds});
        ours_json += (ours.empty() ? "" : ", ") + Json(m, c, conns);
        ours.push_back(rate = m.report.per_second);
        if (!peer.empty() && round % 2 == 0) run_peer();
        if (!peer.empty()) ratios.push_back(ours.back() / std::max(theirs.back(), 1.0));
      }
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "{\"concurrency\": %u, \"connections\": %u, \"per_second_median\": %.0f, ", c,
                    conns, Median(ours));
      out += (first ? "" : ", ") + std::string(buf) + "\"runs\": [" + ours_json + "]";
      first = false;
      if (!peer.empty()) {
        std::snprintf(buf, sizeof buf,
                      ", \"peer_per_second_median\": %.0f, \"ratio_median\": %.2f, \"ratios\": [",
                      Median(theirs), Median(ratios));
        out += buf;
        for (size_t i = 0; i < ratios.size(); ++i) {
          std::snprintf(buf, sizeof buf, "%s%.2f", i ? ", " : "", ratios[i]);
          out += buf;
        }
        out += "], \"peer_runs\": [" + theirs_json + "]";
        std::fprintf(stderr,
                     "%2u in flight over %2u connections: idgraph %.0f/s, peer %.0f/s (medians of "
                     "%d), ratios",
                     c, conns, Median(ours), Median(theirs), rounds);
        for (double r : ratios) std::fprintf(stderr, " %.2f", r);
        std::fprintf(stderr, ", median %.2f\n", Median(ratios));
      }
      out += "}";
      double& best = conns == c ? peak : pipelined_peak;
      best = std::max(best, Median(ours));
    }
    out += "], \"paced\": [";
    // Paced at half the peaks (open loop).
    for (auto [rate, conns] : {std::pair{peak / 2, 64u}, std::pair{pipelined_peak / 2, 8u}}) {
      rpc::LookupLoad paced{srv.address(), "bench-reader", keys, 0, conns, seconds};
      paced.rate = rate;
      paced.pipeline = conns == 64 ? 1 : 8;
      const Measured m = Measure(paced);
      const rpc::LoadReport& r = m.report;
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "%s{\"rate\": %.0f, \"pipeline\": %u, \"max_in_flight\": %llu, "
                    "\"send_lag_p99_us\": %.0f, \"writes\": %llu, ",
                    conns == 64 ? "" : ", ", paced.rate, paced.pipeline,
                    static_cast<unsigned long long>(r.max_in_flight), r.send_lag_p99_us,
                    static_cast<unsigned long long>(r.writes));
      out += buf + Json(m, 0, conns).substr(1);
    }
    out += "]";
  }
  graph.reset();

  // Ingest with fuzzy matching, over RPC.
  GenOptions gen;
  gen.records = 200'000;
  gen.out_dir = (dir / "gen").string();
  Generate(gen);
  WriteBack();
  ResolveJobOptions job;
  job.config = LoadConfig((dir / "gen" / "idgraph.toml").string());
  job.device = ScoreDevice::kCpu;
  std::unique_ptr<ResolvedGraph> bulk = RunResolveJob(job);
  const std::vector<IncomingRecord> recs = IncomingRecords(*bulk);
  Config gen_config = bulk->config;
  gen_config.server = server;
  gen_config.server.tokens = {{"bench-writer", Role::kWriter}};
  gen_config.server.max_batch = 1000;
  const FellegiSunterModel model = *bulk->model;
  bulk.reset();
  const size_t half = recs.size() / 2;
  const std::span<const IncomingRecord> second =
      std::span<const IncomingRecord>(recs).subspan(half);
  out += ", \"ingest\": [";
  // One batch at a time, then two in flight (rpc::Client::IngestAll), each into a fresh graph
  // holding the first half. Per batch: the time between one acknowledgement and the next.
  for (size_t depth : {1, 2}) {
    LiveGraph live(gen_config, model);
    live.Ingest(std::span<const IncomingRecord>(recs).first(half));
    rpc::Server srv(live, gen_config.server);
    rpc::Client client(srv.address(), "bench-writer");
    std::vector<double> batch_ms;
    uint64_t links = 0;
    t = Clock::now();
    auto last = t;
    client.IngestAll(
        second, 1000,
        [&](size_t, IngestResult&& r) {
          links += r.fuzzy_links;
          batch_ms.push_back(Since(last) * 1000);
          last = Clock::now();
        },
        depth);
    const double secs = Since(t);
    std::sort(batch_ms.begin(), batch_ms.end());
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "%s{\"records\": %zu, \"batch\": 1000, \"in_flight\": %zu, \"seconds\": %.2f, "
                  "\"records_per_s\": %.0f, \"batch_p50_ms\": %.1f, \"batch_p99_ms\": %.1f, "
                  "\"fuzzy_links\": %llu}",
                  depth == 1 ? "" : ", ", second.size(), depth, secs, double(second.size()) / secs,
                  batch_ms[batch_ms.size() / 2], batch_ms[batch_ms.size() * 99 / 100],
                  (unsigned long long)links);
    out += buf;
  }
  out += "]";
  fs::remove_all(dir);
  std::printf("%s}\n", out.c_str());
  return 0;
}

}  // namespace
}  // namespace idg

int main(int argc, char** argv) {
  try {
    return idg::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
