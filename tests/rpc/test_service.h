// Shared by the service tests: a small config, a server on a free loopback port over its own
// live graph, records, and partitions of records into profiles.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "graph/live_graph.h"
#include "io/config_loader.h"
#include "rpc/client.h"
#include "rpc/server.h"

namespace idg::test {

inline constexpr const char* kReaderToken = "reader-7b1d";
inline constexpr const char* kWriterToken = "writer-02ac";
inline constexpr const char* kAdminToken = "admin-e93f";

// Kinds email, phone, customer_id (unique), device_id (at most 8 records); attributes
// first_name, last_name, city; JSON Lines sources crm and web under `dir`, whose columns are
// named as the kinds and attributes (and device_id2, a second device); a server on 127.0.0.1, any
// free port, 2 threads, at most 50 records or keys a call.
inline std::string ConfigToml(const std::string& dir) {
  return "[kinds.email]\nnormalizer = \"email\"\n"
         "[kinds.phone]\nnormalizer = \"phone\"\n"
         "[kinds.customer_id]\nunique = true\n"
         "[kinds.device_id]\nnormalizer = \"lower\"\nmax_records = 8\n"
         "[attributes]\nfirst_name = { normalizer = \"name\" }\n"
         "last_name = { normalizer = \"name\" }\n"
         "city = { normalizer = \"name\", survivorship = \"source_priority\" }\n"
         "[sources.crm]\nformat = \"jsonl\"\npath = \"" +
         dir +
         "/crm.jsonl\"\n"
         "id = \"id\"\ntimestamp = \"ts\"\n"
         "fields = { email = \"email\", phone = \"phone\", customer_id = \"customer_id\", "
         "device_id = \"device_id\", device_id2 = \"device_id\", first_name = \"first_name\", "
         "last_name = \"last_name\", "
         "city = \"city\" }\n"
         "[sources.web]\nformat = \"jsonl\"\npath = \"" +
         dir +
         "/web.jsonl\"\n"
         "id = \"id\"\ntimestamp = \"ts\"\n"
         "fields = { email = \"email\", phone = \"phone\", customer_id = \"customer_id\", "
         "device_id = \"device_id\", device_id2 = \"device_id\", first_name = \"first_name\", "
         "last_name = \"last_name\", "
         "city = \"city\" }\n"
         "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nmax_batch = 50\n"
         "tokens = [\n"
         "  { token = \"" +
         std::string(kReaderToken) +
         "\", role = \"reader\" },\n"
         "  { token = \"" +
         std::string(kWriterToken) +
         "\", role = \"writer\" },\n"
         "  { token = \"" +
         std::string(kAdminToken) +
         "\", role = \"admin\" },\n"
         "]\n";
}

inline Config TestConfig(const std::string& dir = "/nonexistent") {
  return ParseConfig(ConfigToml(dir), "test.toml", dir);
}

// A server over an empty live graph of `config`; stops on destruction. `file`: where
// reloads read (none: they fail).
class TestServer {
 public:
  explicit TestServer(const Config& config = TestConfig(),
                      std::optional<rpc::ConfigFile> file = std::nullopt)
      : graph_(config, std::nullopt), server_(graph_, config.server, std::move(file)) {}

  rpc::Client Connect(const std::string& token) const {
    return rpc::Client(server_.address(), token);
  }
  const std::string& address() const { return server_.address(); }
  LiveGraph& graph() { return graph_; }
  rpc::Server& server() { return server_; }

 private:
  LiveGraph graph_;
  rpc::Server server_;
};

inline IncomingRecord Rec(std::string source, std::string id,
                          std::vector<std::pair<std::string, std::string>> identifiers,
                          std::vector<std::pair<std::string, std::string>> attributes = {},
                          int64_t timestamp = 1700000000) {
  IncomingRecord r;
  r.source = std::move(source);
  r.id = std::move(id);
  r.timestamp = timestamp;
  r.identifiers = std::move(identifiers);
  r.attributes = std::move(attributes);
  return r;
}

// Records as sets of "source/id", one set per profile: comparable whatever the profile ids.
using Partition = std::set<std::set<std::string>>;

inline std::string Key(const std::string& source, const std::string& id) {
  return source + "/" + id;
}

// p: a ProfileReply or a lookup's ProfileSummary.
template <typename P>
bool HasIdentifier(const P& p, const std::string& kind, const std::string& value) {
  for (const rpc::Identifier& i : p.identifiers) {
    if (i.kind == kind && i.value == value) return true;
  }
  return false;
}

// The message of the idg::Error that `f` throws, or "" when it throws none.
inline std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace idg::test
