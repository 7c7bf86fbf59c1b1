// The idgraph service (rpc/idgraph.capnp) over TCP. One KJ event loop per thread, each with
// its own listening socket on the shared address (SO_REUSEPORT); a loop that accepts a
// connection while another holds fewer hands it over (rpc/balance.h), so the threads hold as
// many connections each, give or take one, and a connection stays on its thread. Reads are
// answered on the loop thread; writes run one at a time on TBB workers. A loop polls for
// `poll_us` after each read before it sleeps (rpc/busy_poll.h). Plain C++ interface: callers
// never see capnp.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/config.h"
#include "graph/live_graph.h"
#include "rpc/config_reload.h"

namespace idg::rpc {

class Server {
 public:
  // Starts `config.threads` event-loop threads (0: one per core) serving `graph` on
  // `config.listen`; returns once they accept connections. `graph` must outlive the server.
  // `file`: the config file `config` came from, for ReloadConfig; none: reloads fail.
  // Throws idg::Error when the address does not parse or cannot be bound.
  Server(LiveGraph& graph, ServerConfig config, std::optional<ConfigFile> file = std::nullopt);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // "HOST:PORT" bound; the port is the one taken when the config asked for port 0.
  const std::string& address() const;
  size_t threads() const;
  // The connections each event loop serves now.
  std::vector<uint32_t> ConnectionsPerLoop() const;

  // Admin.reloadConfig (rpc/idgraph.capnp) from this side: re-reads the config file, applies
  // what changed of [server] tokens and max_batch and returns their names ("server.tokens",
  // "server.max_batch"); throws idg::Error, applying nothing, as LiveSettings::Reload says.
  // Thread-safe; blocks while the file is read.
  std::vector<std::string> ReloadConfig();

  // Stops accepting, drops every connection (calls in flight fail on the client side), then
  // waits for writes already handed to the graph to finish. Idempotent; call it from one
  // thread at a time, never from an event-loop thread of this server.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread; threads it starts later inherit the
// mask. Call it before any other thread starts (TBB workers included), so that only
// WaitForStopSignal ever sees the signals.
void BlockStopSignals();

// Waits for SIGINT or SIGTERM (blocked with BlockStopSignals) and returns its number. Each
// SIGHUP before it calls `on_hangup` when given (is ignored otherwise) and waits on.
int WaitForStopSignal(const std::function<void()>& on_hangup = {});

// SIGHUP's reload: Server::ReloadConfig, reported as one line on stderr ("idgraph: config
// reloaded: server.tokens" or "idgraph: config not reloaded: WHY"). Never throws: the server
// serves on either way.
void ReloadAndReport(Server& server);

struct ServeOptions {
  ServerConfig server;
  std::optional<ConfigFile> file;  // where SIGHUP reloads from; none: SIGHUP is ignored
  // Called once the server listens, with the address bound.
  std::function<void(const std::string& address)> on_listening;
};

// Serves `graph` until SIGINT or SIGTERM, then stops cleanly; returns the signal number. SIGHUP
// reloads `options.file` (ReloadAndReport). Blocks the signals itself, but they must be
// blocked before other threads exist.
int RunServer(LiveGraph& graph, const ServeOptions& options);

}  // namespace idg::rpc
