#include "rpc/connection.h"

#include <utility>

#include "rpc/fast_lookup.h"

namespace idg::rpc::detail {

using capnp::rpc::twoparty::Side;

Connection::Connection(kj::Own<kj::AsyncIoStream> socket, capnp::Capability::Client bootstrap,
                       const ServiceContext& context, capnp::ReaderOptions options)
    : socket_(kj::mv(socket)),
      stream_(*socket_),
      messages_(kj::heap<FastLookupStream>(stream_, context)),
      network_(*messages_, Side::SERVER, options),
      rpc_(capnp::makeRpcServer(network_, kj::mv(bootstrap))) {}

Connection::Connection(kj::Own<kj::AsyncIoStream> socket, capnp::ReaderOptions options)
    : socket_(kj::mv(socket)),
      stream_(*socket_),
      messages_(kj::heap<capnp::AsyncIoMessageStream>(stream_)),
      network_(*messages_, Side::CLIENT, options),
      rpc_(capnp::makeRpcClient(network_)) {}

capnp::Capability::Client Connection::Bootstrap() {
  capnp::word scratch[4] = {};
  capnp::MallocMessageBuilder message(scratch);
  auto server = message.getRoot<capnp::rpc::twoparty::VatId>();
  server.setSide(Side::SERVER);
  return rpc_.bootstrap(server);
}

kj::Own<Connection> Connect(kj::AsyncIoContext& io, const std::string& address,
                            capnp::ReaderOptions options) {
  auto resolved = io.provider->getNetwork().parseAddress(address).wait(io.waitScope);
  return kj::heap<Connection>(resolved->connect().wait(io.waitScope), options);
}

std::shared_ptr<kj::AsyncIoContext> ThreadEventLoop() {
  thread_local std::weak_ptr<kj::AsyncIoContext> current;
  if (auto io = current.lock()) return io;
  auto io = std::make_shared<kj::AsyncIoContext>(kj::setupAsyncIo());
  current = io;
  return io;
}

}  // namespace idg::rpc::detail
