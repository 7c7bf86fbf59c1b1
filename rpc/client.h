// A synchronous client of the idgraph service (rpc/idgraph.capnp) with a plain C++ interface:
// requests and replies are the owning values of rpc/types.h and graph/live_graph.h, errors
// are idg::Error. What the CLI and library users call; capnp stays inside rpc/.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/error.h"
#include "graph/live_graph.h"
#include "rpc/types.h"

namespace idg::rpc {

struct ClientOptions {
  uint64_t max_message_bytes = 1ull << 30;  // largest reply the client reads
};

// A record named by its source and its id there.
struct RecordKey {
  std::string source;
  std::string id;
};

// One connection and one login. A Client belongs to the thread that made it: call it and
// destroy it there (several clients may share a thread). Every call blocks until the server
// answers; an RPC error, a lost connection or a call the token's role does not allow throws
// idg::Error with the server's message ("unknown identifier kind 'fax' ...").
class Client {
 public:
  // Connects to `address` ("HOST:PORT") and logs in with `token`. Throws idg::Error when the
  // server cannot be reached or does not know the token ("unknown token").
  Client(const std::string& address, const std::string& token, ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  Role role() const;  // the role of the token

  // --- reader ---
  // Profiles holding an identifier, each summed up (id, golden record, identifiers, how many
  // records; Profile has the rest). The value is raw and normalized by the server.
  LookupReply Lookup(const std::string& kind, const std::string& value);
  // One reply per key, in key order.
  std::vector<LookupReply> LookupBatch(std::span<const Identifier> keys);
  // nullopt: no such profile (an absorbed id leads to its survivor).
  std::optional<ProfileReply> Profile(ProfileId id);
  // The path joining two records; nullopt when either is unknown or they are not one person.
  std::optional<ExplainReply> Explain(const RecordKey& a, const RecordKey& b);
  // Every record of a profile and a spanning tree of its edges; nullopt: no such profile.
  std::optional<ExplainReply> ExplainProfile(ProfileId id);
  GraphStats Stats(uint32_t largest = 10);
  // Segments (README "Segments"). A query that does not parse throws idg::Error whose message
  // starts with "query: " and names the position and what was expected there.
  uint64_t SegmentCount(const std::string& query);
  // One page: ids above `cursor` (0: from the start), at most `limit` (1 to the server's
  // max_batch); the page's `next` is the cursor for the following page, 0 after the last.
  SegmentPage SegmentMembers(const std::string& query, uint32_t limit = 100, ProfileId cursor = 0);
  // The saved segments by name, each counted now.
  std::vector<Segment> ListSegments();

  // --- writer ---
  // One batch (at most the server's max_batch records).
  IngestResult Ingest(std::span<const IncomingRecord> records);
  // Many records, `batch` at a time (1 to the server's max_batch), with up to `depth` batches
  // in flight: the next batch travels and is decoded while the server resolves the one before
  // (the server applies writes one at a time, in the order they arrive). Calls
  // `done(first, result)` for each batch, in order; `first` is the index of its first record.
  // When a batch fails, no more are sent; those already in flight are waited for (and reported
  // when they succeed), then IngestFailed is thrown for the first batch that failed. The
  // records sent and not reported are the ones not ingested.
  void IngestAll(std::span<const IncomingRecord> records, size_t batch,
                 const std::function<void(size_t first, IngestResult&& result)>& done,
                 size_t depth = 2);
  // Saves `query` as the segment `name` (1 to 128 of A-Z a-z 0-9 _ . -), replacing what the
  // name held; returns how many profiles match it now.
  uint64_t DefineSegment(const std::string& name, const std::string& query);

  // --- admin ---
  EraseResult EraseProfile(ProfileId id);
  EraseResult EraseIdentifier(const std::string& kind, const std::string& value);
  // Has the server re-read its config file (Admin.reloadConfig): returns the settings it
  // applied ("server.tokens", "server.max_batch"), empty when nothing changed; throws
  // idg::Error, nothing applied, when anything else changed (a restart's business), the file
  // does not parse, or the server has no file. This client's own session goes on either way.
  std::vector<std::string> ReloadConfig();
  // Has the server resolve every live record again (Admin.reresolve), first training the
  // model again on them when `retrain`; blocks until it is done, which on a large graph takes
  // a while. Throws idg::Error, nothing changed, when retraining is impossible (no [matching]
  // in the server's config, fewer than two records). With `progress`, asks the server every
  // `every` how far it has come and passes that on, on this thread, until it is done.
  ReresolveReport Reresolve(bool retrain = false,
                            const std::function<void(const ReresolveStatus&)>& progress = {},
                            std::chrono::milliseconds every = std::chrono::milliseconds(200));
  // How far the re-resolution under way has come (any admin session may ask).
  ReresolveStatus ReresolveProgress();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A batch of IngestAll that the server did not take: records [first, first + count), the
// server's reason; records [0, sent) had been sent when IngestAll stopped.
class IngestFailed : public Error {
 public:
  IngestFailed(size_t first, size_t count, const std::string& reason)
      : Error(reason), first(first), count(count) {}
  size_t first, count;
  size_t sent = 0;
};

const char* RoleName(Role role);  // "reader", "writer", "admin"

}  // namespace idg::rpc
