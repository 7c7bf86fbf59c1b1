// One RPC connection: a socket, the buffered stream over it (buffered_stream.h), the message
// stream over that (on the server side the one that answers lookups itself, fast_lookup.h),
// the two-party network over that, and the RPC system that answers and calls through it. The
// server makes one per accepted socket; clients make one per server they talk to. Lives on one
// event-loop thread.
#pragma once

#include <capnp/capability.h>
#include <capnp/message.h>
#include <capnp/rpc-twoparty.h>
#include <capnp/rpc.h>
#include <capnp/serialize-async.h>
#include <kj/async-io.h>

#include <memory>
#include <string>

#include "rpc/buffered_stream.h"

namespace idg::rpc::detail {

struct ServiceContext;

class Connection {
 public:
  // The server side, answering with `bootstrap`, which serves `context`.
  Connection(kj::Own<kj::AsyncIoStream> socket, capnp::Capability::Client bootstrap,
             const ServiceContext& context, capnp::ReaderOptions options);
  // The client side.
  Connection(kj::Own<kj::AsyncIoStream> socket, capnp::ReaderOptions options);

  // The client side: the server's bootstrap capability.
  capnp::Capability::Client Bootstrap();
  // Resolves when the peer goes away.
  kj::Promise<void> OnDisconnect() { return network_.onDisconnect(); }

 private:
  kj::Own<kj::AsyncIoStream> socket_;
  BufferedStream stream_;
  kj::Own<capnp::MessageStream> messages_;
  capnp::TwoPartyVatNetwork network_;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc_;
};

// Connects to `address` ("host:port") on `io`'s event loop; throws kj::Exception when that fails.
kj::Own<Connection> Connect(kj::AsyncIoContext& io, const std::string& address,
                            capnp::ReaderOptions options);

// The calling thread's event loop, made on first use and shared by the clients of the thread
// (KJ allows one per thread); it goes when the last of them does.
std::shared_ptr<kj::AsyncIoContext> ThreadEventLoop();

}  // namespace idg::rpc::detail
