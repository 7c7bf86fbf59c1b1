// Several clients ingesting and looking up at once over the socket: no torn reads, and the
// clusters at the end equal those of one LiveGraph batch and of a bulk resolve of the same
// records (compared as partitions of (source, id), not by profile ids).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "io/job.h"
#include "tests/rpc/test_service.h"
#include "tests/temp_dir.h"

namespace idg {
namespace {

using test::HasIdentifier;
using test::Key;
using test::Partition;
using test::TempDir;

// Seeded records of `people` people: each record holds some of its person's identifiers
// (raw values in varying spellings), a few carry a shared kiosk device (over device_id's cap
// of 8) or another person's customer id (merge protection then refuses a link).
std::vector<IncomingRecord> Generate(size_t records, size_t people, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto coin = [&](double p) { return std::uniform_real_distribution<>(0, 1)(rng) < p; };
  std::vector<IncomingRecord> out;
  for (size_t i = 0; i < records; ++i) {
    const size_t p = rng() % people;
    IncomingRecord r;
    r.source = coin(0.5) ? "crm" : "web";
    r.id = "r" + std::to_string(i);
    r.timestamp = 1700000000 + static_cast<int64_t>(rng() % 100000);
    while (r.identifiers.empty()) {
      if (coin(0.4)) {
        r.identifiers.emplace_back("email",
                                   (coin(0.5) ? " P" : "p") + std::to_string(p) + "@Example.com");
      }
      if (coin(0.3)) {
        r.identifiers.emplace_back("phone", "+1 (415) 555-" + std::to_string(1000 + p));
      }
      if (coin(0.2)) {
        const size_t owner = coin(0.05) ? rng() % people : p;
        r.identifiers.emplace_back("customer_id", "C" + std::to_string(owner));
      }
      if (coin(0.2)) r.identifiers.emplace_back("device_id", "DEV-" + std::to_string(p));
    }
    if (coin(0.03)) r.identifiers.emplace_back("device_id", "KIOSK");
    r.attributes.emplace_back("first_name", "Name" + std::to_string(p));
    out.push_back(std::move(r));
  }
  return out;
}

// A record as a line of its source's file; a second value of a kind goes in column KIND2.
std::string JsonLine(const IncomingRecord& r) {
  std::string line = "{\"id\":\"" + r.id + "\",\"ts\":" + std::to_string(r.timestamp);
  std::set<std::string> seen;
  for (const auto& [k, v] : r.identifiers) {
    line += ",\"" + k + (seen.insert(k).second ? "" : "2") + "\":\"" + v + "\"";
  }
  for (const auto& [k, v] : r.attributes) line += ",\"" + k + "\":\"" + v + "\"";
  return line + "}\n";
}

Partition FromGroups(const std::map<ProfileId, std::set<std::string>>& groups) {
  Partition p;
  for (const auto& [id, members] : groups) p.insert(members);
  return p;
}

// The partition the server holds, record by record (explaining a record with itself names
// its profile).
Partition ServerPartition(rpc::Client& c, const std::vector<IncomingRecord>& records) {
  std::map<ProfileId, std::set<std::string>> groups;
  for (const IncomingRecord& r : records) {
    auto e = c.Explain({r.source, r.id}, {r.source, r.id});
    EXPECT_TRUE(e.has_value()) << r.id;
    if (e) groups[e->profile].insert(Key(r.source, r.id));
  }
  return FromGroups(groups);
}

Partition LivePartition(const LiveGraph& g, const std::vector<IncomingRecord>& records) {
  std::map<ProfileId, std::set<std::string>> groups;
  for (const IncomingRecord& r : records) {
    groups[g.ProfileOfRecord(r.source, r.id)].insert(Key(r.source, r.id));
  }
  return FromGroups(groups);
}

Partition BulkPartition(const ResolvedGraph& g) {
  std::map<ProfileId, std::set<std::string>> groups;
  for (RecordId r = 0; r < g.records.size(); ++r) {
    groups[g.profiles.profile_of(r)].insert(Key(g.config.sources[g.records.source(r)].name,
                                                std::string(g.records.source_record_id(r))));
  }
  return FromGroups(groups);
}

// The profiles only one side has, one a line.
std::string Difference(const Partition& a, const Partition& b) {
  std::string out;
  auto show = [&](const Partition& x, const Partition& y, const char* side) {
    for (const auto& members : x) {
      if (y.count(members)) continue;
      out += side;
      for (const std::string& m : members) out += " " + m;
      out += "\n";
    }
  };
  show(a, b, "first only:");
  show(b, a, "second only:");
  return out;
}

class Concurrency : public ::testing::TestWithParam<uint64_t> {};

TEST_P(Concurrency, IngestAndLookupsFromSeveralClientsMatchOneBatchAndBulk) {
  constexpr size_t kWriters = 3, kReaders = 2;
  const std::vector<IncomingRecord> records = Generate(600, 150, GetParam());
  TempDir dir;
  const Config config = test::TestConfig(dir.str());
  test::TestServer s(config);

  std::atomic<int> writers_left{kWriters};
  std::atomic<uint64_t> checked{0};
  std::vector<std::string> failures[kReaders];
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      rpc::Client c = s.Connect(test::kWriterToken);
      std::mt19937 rng(static_cast<uint32_t>(t));
      std::vector<IncomingRecord> mine;
      for (size_t i = t; i < records.size(); i += kWriters) mine.push_back(records[i]);
      for (size_t at = 0; at < mine.size();) {
        const size_t n = std::min<size_t>(1 + rng() % 20, mine.size() - at);
        const IngestResult r = c.Ingest(std::span(mine).subspan(at, n));
        EXPECT_EQ(r.profiles.size(), n);
        at += n;
      }
      --writers_left;
    });
  }
  for (size_t t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      rpc::Client c = s.Connect(test::kReaderToken);
      std::mt19937 rng(static_cast<uint32_t>(100 + t));
      while (writers_left > 0) {
        const IncomingRecord& r = records[rng() % records.size()];
        const auto& [kind, raw] = r.identifiers[rng() % r.identifiers.size()];
        const rpc::LookupReply found = c.Lookup(kind, raw);
        for (const rpc::ProfileSummary& p : found.profiles) {
          if (!HasIdentifier(p, kind, found.normalized)) {
            failures[t].push_back("profile " + std::to_string(p.id) + " lacks " + kind + " " +
                                  found.normalized);
          }
          const std::optional<rpc::ProfileReply> whole = c.Profile(p.id);
          if (whole && whole->edges.size() + 1 != whole->records.size()) {
            failures[t].push_back("profile " + std::to_string(p.id) + " is not a tree");
          }
        }
        ++checked;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures) EXPECT_TRUE(f.empty()) << f.front();
  EXPECT_GT(checked.load(), 0u);

  rpc::Client c = s.Connect(test::kReaderToken);
  EXPECT_EQ(c.Stats().records, records.size());
  const Partition served = ServerPartition(c, records);

  LiveGraph one_batch(config, std::nullopt);
  one_batch.Ingest(records);
  const Partition batch = LivePartition(one_batch, records);

  std::string crm, web;
  for (const IncomingRecord& r : records) (r.source == "crm" ? crm : web) += JsonLine(r);
  dir.Write("crm.jsonl", crm);
  dir.Write("web.jsonl", web);
  ResolveJobOptions job;
  job.config = config;
  job.matching = false;
  const Partition bulk = BulkPartition(*RunResolveJob(job));

  EXPECT_LT(served.size(), records.size() / 2);  // people were found, not only records
  EXPECT_EQ(served, batch) << Difference(served, batch);
  EXPECT_EQ(served, bulk) << Difference(served, bulk);
}

INSTANTIATE_TEST_SUITE_P(Seeds, Concurrency, ::testing::Values(7, 8, 9));

}  // namespace
}  // namespace idg
