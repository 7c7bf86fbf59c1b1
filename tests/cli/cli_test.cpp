// End-to-end tests of the command layer: the resolve job on generated data (determinism over
// thread counts and input order) and `idgraph` subcommands run in-process through cli::Main.
#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "gen/generator.h"
#include "io/config_loader.h"
#include "io/job.h"
#include "kernels/device.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

namespace fs = std::filesystem;

using test::Contains;
using test::ReadFile;
using test::TempDir;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Rows of a CSV text: splits at '\n' outside quotes (RFC 4180 quoting).
std::vector<std::string> CsvRows(const std::string& text) {
  std::vector<std::string> rows;
  std::string row;
  bool quoted = false;
  for (char c : text) {
    row += c;
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted) {
      rows.push_back(std::move(row));
      row.clear();
    }
  }
  if (!row.empty()) rows.push_back(row + "\n");
  return rows;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The value of `"key":N` in a flat JSON text (first occurrence), or -1.
double JsonNumber(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::stod(json.substr(at + key.size() + 3));
}

// The partition of records into profiles: a set of sets of "source/record_id".
using Partition = std::set<std::set<std::string>>;

Partition PartitionOf(const ResolvedGraph& g) {
  std::map<ProfileId, std::set<std::string>> by_profile;
  for (RecordId r = 0; r < g.records.size(); ++r) {
    by_profile[g.profiles.profile_of(r)].insert(g.config.sources[g.records.source(r)].name + "/" +
                                                std::string(g.records.source_record_id(r)));
  }
  Partition p;
  for (auto& [id, members] : by_profile) p.insert(std::move(members));
  return p;
}

std::unique_ptr<ResolvedGraph> RunJob(const std::string& config, const std::string& profiles,
                                     bool matching = true) {
  ResolveJobOptions o;
  o.config = LoadConfig(config);
  o.profiles_path = profiles;
  o.keep_attributes = false;
  o.matching = matching;
  return RunResolveJob(o);
}

TEST(ResolveJob, DeterministicOverThreadCountsAndInputOrder) {
  TempDir dir;
  const std::string data = dir.Path("data");
  GenSummary gen = Generate(GenOptions{20000, 7, data});
  ASSERT_EQ(gen.records, 20000u);
  const std::string config = data + "/idgraph.toml";

  std::unique_ptr<ResolvedGraph> one, two;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one = RunJob(config, dir.Path("p1.csv"));
  }
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    two = RunJob(config, dir.Path("p2.csv"));
  }
  const std::string p1 = ReadFile(dir.Path("p1.csv"));
  ASSERT_FALSE(p1.empty());
  EXPECT_TRUE(p1 == ReadFile(dir.Path("p2.csv"))) << "profiles differ between 1 and 2 threads";
  EXPECT_GT(one->records.size(), 19000u);
  EXPECT_LT(one->profiles.size(), one->records.size());  // something linked

  // The same data with every source's rows shuffled (headers kept).
  const std::string shuffled = dir.Path("shuffled");
  fs::create_directories(shuffled);
  std::mt19937_64 rng(99);
  for (const char* name : {"crm.csv", "pos.csv", "support.csv", "web.jsonl"}) {
    const std::string text = ReadFile(data + "/" + name);
    std::vector<std::string> rows;
    if (std::string(name).ends_with(".jsonl")) {
      for (std::string& l : Lines(text)) rows.push_back(l + "\n");
    } else {
      rows = CsvRows(text);
    }
    ASSERT_GT(rows.size(), 10u) << name;
    const size_t first = std::string(name).ends_with(".jsonl") ? 0 : 1;
    std::shuffle(rows.begin() + first, rows.end(), rng);
    std::string out;
    for (const std::string& r : rows) out += r;
    WriteFile(shuffled + "/" + name, out);
  }
  fs::copy_file(config, shuffled + "/idgraph.toml");
  // Only the deterministic stage promises independence from row order: probabilistic matching
  // samples its random pairs by record number, which follows the rows.
  one = RunJob(config, dir.Path("p1d.csv"), /*matching=*/false);
  auto three = RunJob(shuffled + "/idgraph.toml", dir.Path("p3.csv"), /*matching=*/false);
  ASSERT_EQ(three->records.size(), one->records.size());
  for (size_t s = 0; s < one->sources.size(); ++s) {
    EXPECT_EQ(three->sources[s].records, one->sources[s].records);
    EXPECT_EQ(three->sources[s].rejected_rows, one->sources[s].rejected_rows);
    EXPECT_EQ(three->sources[s].dropped_values, one->sources[s].dropped_values);
    EXPECT_EQ(three->sources[s].skipped_events, one->sources[s].skipped_events);
  }
  EXPECT_EQ(three->profiles.size(), one->profiles.size());
  EXPECT_TRUE(PartitionOf(*three) == PartitionOf(*one)) << "the partition depends on row order";
}

// ---- idgraph subcommands, in-process ------------------------------------------------------------

int RunCli(std::vector<std::string> args) {
  args.insert(args.begin(), "idgraph");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return cli::Main(static_cast<int>(args.size()), argv.data());
}

class Cli : public testing::Test {
 protected:
  // One generated data set for the whole suite.
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    gen_rc_ = RunCli({"-q", "gen", "-n", "5000", "--seed", "3", "-o", dir_->Path("data")});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string Data(const std::string& name) { return dir_->Path("data") + "/" + name; }
  static std::string Out(const std::string& name) { return dir_->Path(name); }

  static TempDir* dir_;
  static int gen_rc_;
};
TempDir* Cli::dir_ = nullptr;
int Cli::gen_rc_ = -1;

TEST_F(Cli, GenResolveEval) {
  ASSERT_EQ(gen_rc_, 0);
  for (const char* f :
       {"crm.csv", "pos.csv", "support.csv", "web.jsonl", "truth.csv", "idgraph.toml"}) {
    EXPECT_TRUE(fs::exists(Data(f))) << f;
  }
  EXPECT_EQ(Lines(ReadFile(Data("truth.csv"))).size(), 5001u);

  ASSERT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "-o", Out("p.csv"), "--rejects",
                    Out("r.tsv"), "--golden", Out("g.csv"), "--summary-json", Out("s.json")}),
            0);
  const std::string summary = ReadFile(Out("s.json"));
  const double records = JsonNumber(summary, "records");
  const double profiles = JsonNumber(summary, "profiles");
  ASSERT_GT(records, 4500);
  ASSERT_LE(records, 5000);
  ASSERT_GT(profiles, 0);

  const auto p = Lines(ReadFile(Out("p.csv")));
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0], "source,record_id,profile_id");
  EXPECT_EQ(p.size() - 1, static_cast<size_t>(records));

  const auto g = CsvRows(ReadFile(Out("g.csv")));
  ASSERT_FALSE(g.empty());
  EXPECT_EQ(g[0], "profile_id,records,first_name,last_name,dob,street,city,zip,country\n");
  EXPECT_EQ(g.size() - 1, static_cast<size_t>(profiles));

  const auto r = Lines(ReadFile(Out("r.tsv")));
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0], "location\tfield\treason\taction\trow");
  double rejected = 0, dropped = 0;
  for (size_t at = summary.find("\"rejected_rows\":"); at != std::string::npos;
       at = summary.find("\"rejected_rows\":", at + 1)) {
    rejected += std::stod(summary.substr(at + 16));
  }
  for (size_t at = summary.find("\"dropped_values\":"); at != std::string::npos;
       at = summary.find("\"dropped_values\":", at + 1)) {
    dropped += std::stod(summary.substr(at + 17));
  }
  EXPECT_EQ(r.size() - 1, static_cast<size_t>(rejected + dropped));

  ASSERT_EQ(
      RunCli({"-q", "eval", "-p", Out("p.csv"), "-t", Data("truth.csv"), "--json", Out("m.json")}),
      0);
  const std::string metrics = ReadFile(Out("m.json"));
  const double f1 = JsonNumber(metrics, "f1");
  EXPECT_GT(f1, 0.5);
  EXPECT_LE(f1, 1.0);
  EXPECT_EQ(JsonNumber(metrics, "records"), records);

  // The same truth, crm rows only, without a source column: --truth-source.
  std::string crm_truth = "record_id;entity\n";
  for (const std::string& line : Lines(ReadFile(Data("truth.csv")))) {
    if (line.rfind("crm,", 0) != 0) continue;
    const size_t comma = line.find(',', 4);
    crm_truth += line.substr(4, comma - 4) + ";" + line.substr(comma + 1) + "\n";
  }
  WriteFile(Out("crm_truth.csv"), crm_truth);
  EXPECT_EQ(RunCli({"-q", "eval", "-p", Out("p.csv"), "-t", Out("crm_truth.csv"), "--truth-source",
                    "crm", "--truth-delimiter", ";", "--json", Out("m_crm.json")}),
            0);
  const double crm_records = JsonNumber(ReadFile(Out("m_crm.json")), "records");
  EXPECT_GT(crm_records, 0);
  EXPECT_LT(crm_records, records);
  // A truth file that names no record of the profiles: a failed job.
  EXPECT_EQ(RunCli({"-q", "eval", "-p", Out("p.csv"), "-t", Out("crm_truth.csv"), "--truth-source",
                    "web", "--truth-delimiter", ";"}),
            1);
}

TEST_F(Cli, ResolveWithPreviousKeepsIds) {
  ASSERT_EQ(gen_rc_, 0);
  ASSERT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "-o", Out("a.csv"), "--rejects",
                    Out("ra.tsv")}),
            0);
  ASSERT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "-o", Out("b.csv"), "--rejects",
                    Out("rb.tsv"), "--previous", Out("a.csv"), "--summary-json", Out("sb.json")}),
            0);
  EXPECT_EQ(ReadFile(Out("a.csv")), ReadFile(Out("b.csv")));
  const std::string summary = ReadFile(Out("sb.json"));
  EXPECT_EQ(JsonNumber(summary, "merges"), 0);
  EXPECT_EQ(JsonNumber(summary, "splits"), 0);
  EXPECT_EQ(JsonNumber(summary, "previous_matched"), JsonNumber(summary, "records"));
}

// --device cpu and auto give the same profiles; gpu without a GPU fails the job, not the CLI.
TEST_F(Cli, DeviceChoiceKeepsTheResultAndGpuWithoutOneFails) {
  ASSERT_EQ(gen_rc_, 0);
  ASSERT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "-o", Out("dc.csv"), "--rejects",
                    Out("dc.tsv"), "--device", "cpu", "--summary-json", Out("dc.json")}),
            0);
  ASSERT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "-o", Out("da.csv"), "--rejects",
                    Out("da.tsv"), "--device", "auto", "--summary-json", Out("da.json")}),
            0);
  EXPECT_EQ(ReadFile(Out("dc.csv")), ReadFile(Out("da.csv")));
  EXPECT_TRUE(Contains(ReadFile(Out("dc.json")), "\"device\":\"cpu\""));
  if (QueryDevices().gpu_count == 0) {
    EXPECT_TRUE(Contains(ReadFile(Out("da.json")), "no usable GPU"));
    EXPECT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "-o", Out("dg.csv"),
                      "--rejects", Out("dg.tsv"), "--device", "gpu"}),
              1);
  }
  EXPECT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "-o", Out("dt.csv"), "--device",
                    "tpu"}),
            2);
}

TEST_F(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCli({}), 2);
  EXPECT_EQ(RunCli({"frobnicate"}), 2);
  EXPECT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "-o", Out("x.csv"), "--bogus"}),
            2);
  EXPECT_EQ(RunCli({"-q", "gen", "--records", "10", "--nope"}), 2);
  EXPECT_EQ(RunCli({"-q", "gen", "--records", "ten"}), 2);
  EXPECT_EQ(RunCli({"-q", "resolve", "-c", Out("nosuch.toml"), "-o", Out("x.csv")}), 2);
  EXPECT_EQ(RunCli({"-q", "resolve", "-o", Out("x.csv")}), 2);  // -c is required
  EXPECT_EQ(RunCli({"-q", "eval", "-p", Out("nosuch.csv"), "-t", Data("truth.csv")}), 2);
  EXPECT_EQ(RunCli({"--threads", "-1", "gen"}), 2);
  EXPECT_EQ(RunCli({"--help"}), 0);
  EXPECT_FALSE(fs::exists(Out("x.csv")));
}

TEST_F(Cli, FailedJobsExitOne) {
  ASSERT_EQ(gen_rc_, 0);
  const std::string config = ReadFile(Data("idgraph.toml"));
  // A config with an error (the data folder holds the inputs its relative paths name).
  const std::string bad = Data("bad.toml");
  WriteFile(bad, config + "\n[kinds.extra]\nmax_records = \"x\"\n");
  EXPECT_EQ(RunCli({"-q", "resolve", "-c", bad, "-o", Out("x.csv"), "--rejects", Out("x.tsv")}), 1);
  EXPECT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "--input", "nosuch=" + Out("y"),
                    "-o", Out("x.csv"), "--rejects", Out("x.tsv")}),
            1);
  EXPECT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "--input", "noequals", "-o",
                    Out("x.csv"), "--rejects", Out("x.tsv")}),
            1);
  EXPECT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "--input",
                    "crm=" + Out("nosuch.csv"), "-o", Out("x.csv"), "--rejects", Out("x.tsv")}),
            1);
  EXPECT_EQ(RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "-o", Out("no/such/dir/x.csv"),
                    "--rejects", Out("x.tsv")}),
            1);
  // --input replaces a source's file: an empty web file loads no web records.
  WriteFile(Out("empty.jsonl"), "");
  EXPECT_EQ(
      RunCli({"-q", "resolve", "-c", Data("idgraph.toml"), "--input", "web=" + Out("empty.jsonl"),
              "-o", Out("x.csv"), "--rejects", Out("x.tsv"), "--summary-json", Out("x.json")}),
      0);
  const std::string summary = ReadFile(Out("x.json"));
  const size_t web = summary.find("{\"name\":\"web\"");
  ASSERT_NE(web, std::string::npos);
  EXPECT_EQ(JsonNumber(summary.substr(web), "records"), 0);
}

}  // namespace
}  // namespace idg
