// The server's end of a connection: a stream over a connected, non-blocking socket that it
// owns, watched on the loop's event port. What KJ's own socket stream does, less one system
// call a request: after a read that found fewer bytes than it asked for (the socket is empty
// and, by the event port's hint, not at its end), the next read waits for the socket to become
// readable instead of first reading nothing. KJ's stream reads first and waits only after a
// read that found nothing: on a connection with one request at a time, that is a second read
// for every request, in vain.
//
// Lives on one event-loop thread.
#pragma once

#include <kj/async-io.h>
#include <kj/async-unix.h>

#include "rpc/listen_socket.h"

namespace idg::rpc::detail {

class SocketStream final : public kj::AsyncIoStream {
 public:
  SocketStream(kj::UnixEventPort& port, Fd fd);

  kj::Promise<size_t> tryRead(void* buffer, size_t min_bytes, size_t max_bytes) override;
  kj::Promise<void> write(const void* buffer, size_t size) override;
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override;
  kj::Promise<void> whenWriteDisconnected() override;
  void shutdownWrite() override;
  void abortRead() override;
  void getsockopt(int level, int option, void* value, kj::uint* length) override;
  void setsockopt(int level, int option, const void* value, kj::uint length) override;
  void getsockname(struct sockaddr* addr, kj::uint* length) override;
  void getpeername(struct sockaddr* addr, kj::uint* length) override;
  kj::Maybe<int> getFd() const override { return fd_.get(); }

 private:
  kj::Promise<size_t> Read(kj::byte* out, size_t min_bytes, size_t max_bytes, size_t done);
  kj::Promise<size_t> ReadNow(kj::byte* out, size_t min_bytes, size_t max_bytes, size_t done);
  kj::Promise<void> Send(const kj::byte* bytes, size_t size);

  Fd fd_;
  kj::UnixEventPort::FdObserver observer_;
  kj::Maybe<kj::Promise<void>> readable_;  // set when the socket was found empty
  kj::Maybe<kj::ForkedPromise<void>> disconnected_;
};

// Takes the socket out of a stream that KJ made for it (an accepted connection), for a
// SocketStream on this loop or another.
Fd TakeSocket(kj::Own<kj::AsyncIoStream> stream);

}  // namespace idg::rpc::detail
