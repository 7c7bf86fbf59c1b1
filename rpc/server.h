// The idgraph service (rpc/idgraph.capnp) over TCP. One KJ event loop per thread, each with
// its own listening socket on the shared address (SO_REUSEPORT): the kernel spreads
// connections over the threads and a connection stays on its thread. Reads are answered on
// the loop thread; writes run one at a time on TBB workers. Plain C++ interface: callers never
// see capnp.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/config.h"
#include "graph/live_graph.h"

namespace idg::rpc {

class Server {
 public:
  // Starts `config.threads` event-loop threads (0: one per core) serving `graph` on
  // `config.listen`; returns once they accept connections. `graph` must outlive the server.
  // Throws idg::Error when the address does not parse or cannot be bound.
  Server(LiveGraph& graph, ServerConfig config);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // "HOST:PORT" bound; the port is the one taken when the config asked for port 0.
  const std::string& address() const;
  size_t threads() const;

  // Stops accepting, drops every connection (calls in flight fail on the client side), then
  // waits for writes already handed to the graph to finish. Idempotent; call it from one
  // thread at a time, never from an event-loop thread of this server.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Blocks SIGINT and SIGTERM in the calling thread; threads it starts later inherit the mask.
// Call it before any other thread starts (TBB workers included), so that only WaitForStopSignal
// ever sees the signals.
void BlockStopSignals();

// Waits for SIGINT or SIGTERM (blocked with BlockStopSignals) and returns its number.
int WaitForStopSignal();

struct ServeOptions {
  ServerConfig server;
  // Called once the server listens, with the address bound.
  std::function<void(const std::string& address)> on_listening;
};

// Serves `graph` until SIGINT or SIGTERM, then stops cleanly; returns the signal number.
// Blocks the signals itself, but they must be blocked before other threads exist.
int RunServer(LiveGraph& graph, const ServeOptions& options);

}  // namespace idg::rpc
