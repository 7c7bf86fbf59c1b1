#include "rpc/socket_stream.h"

#include <fcntl.h>
#include <kj/debug.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace idg::rpc::detail {

SocketStream::SocketStream(kj::UnixEventPort& port, Fd fd)
    : fd_(std::move(fd)),
      observer_(port, fd_.get(), kj::UnixEventPort::FdObserver::OBSERVE_READ_WRITE) {}

kj::Promise<size_t> SocketStream::tryRead(void* buffer, size_t min_bytes, size_t max_bytes) {
  // A failed read (the peer reset the connection, say): a rejected promise, not a throw.
  return kj::evalNow([&] { return Read(static_cast<kj::byte*>(buffer), min_bytes, max_bytes, 0); });
}

kj::Promise<size_t> SocketStream::Read(kj::byte* out, size_t min_bytes, size_t max_bytes,
                                       size_t done) {
  KJ_IF_MAYBE (readable, readable_) {
    kj::Promise<void> wait = kj::mv(*readable);
    readable_ = nullptr;
    return wait.then([this, out, min_bytes, max_bytes, done] {
      return ReadNow(out, min_bytes, max_bytes, done);
    });
  }
  return ReadNow(out, min_bytes, max_bytes, done);
}

kj::Promise<size_t> SocketStream::ReadNow(kj::byte* out, size_t min_bytes, size_t max_bytes,
                                          size_t done) {
  ssize_t n;
  do {
    n = ::read(fd_.get(), out, max_bytes);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) KJ_FAIL_SYSCALL("read", errno);
    readable_ = observer_.whenBecomesReadable();
    return Read(out, min_bytes, max_bytes, done);
  }
  if (n == 0) return done;  // the end of the stream
  const auto got = static_cast<size_t>(n);
  // Fewer bytes than asked for, and no end in sight: the socket is empty now. (Not so before
  // TCP urgent data, where a read stops short; the protocol has none, and a client that sends
  // some stalls only its own connection.)
  if (got < max_bytes && observer_.atEndHint() == false) {
    readable_ = observer_.whenBecomesReadable();
  }
  if (got >= min_bytes) return done + got;
  return Read(out + got, min_bytes - got, max_bytes - got, done + got);
}

kj::Promise<void> SocketStream::write(const void* buffer, size_t size) {
  return kj::evalNow([&] { return Send(static_cast<const kj::byte*>(buffer), size); });
}

kj::Promise<void> SocketStream::Send(const kj::byte* bytes, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd_.get(), bytes, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) KJ_FAIL_SYSCALL("write", errno);
      break;
    }
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  if (size == 0) return kj::READY_NOW;
  // The socket is full: the rest once it has room.
  return observer_.whenBecomesWritable().then([this, bytes, size] { return Send(bytes, size); });
}

kj::Promise<void> SocketStream::write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) {
  size_t total = 0;
  for (auto piece : pieces) total += piece.size();
  auto joined = kj::heapArray<kj::byte>(total);
  size_t at = 0;
  for (auto piece : pieces) {
    std::copy(piece.begin(), piece.end(), joined.begin() + at);
    at += piece.size();
  }
  auto written = write(joined.begin(), joined.size());
  return written.attach(kj::mv(joined));
}

kj::Promise<void> SocketStream::whenWriteDisconnected() {
  KJ_IF_MAYBE (fork, disconnected_) {
    return fork->addBranch();
  }
  auto fork = observer_.whenWriteDisconnected().fork();
  auto branch = fork.addBranch();
  disconnected_ = kj::mv(fork);
  return branch;
}

void SocketStream::shutdownWrite() { KJ_SYSCALL(::shutdown(fd_.get(), SHUT_WR)); }

void SocketStream::abortRead() { KJ_SYSCALL(::shutdown(fd_.get(), SHUT_RD)); }

void SocketStream::getsockopt(int level, int option, void* value, kj::uint* length) {
  socklen_t len = *length;
  KJ_SYSCALL(::getsockopt(fd_.get(), level, option, value, &len));
  *length = len;
}

void SocketStream::setsockopt(int level, int option, const void* value, kj::uint length) {
  KJ_SYSCALL(::setsockopt(fd_.get(), level, option, value, length));
}

void SocketStream::getsockname(struct sockaddr* addr, kj::uint* length) {
  socklen_t len = *length;
  KJ_SYSCALL(::getsockname(fd_.get(), addr, &len));
  *length = len;
}

void SocketStream::getpeername(struct sockaddr* addr, kj::uint* length) {
  socklen_t len = *length;
  KJ_SYSCALL(::getpeername(fd_.get(), addr, &len));
  *length = len;
}

Fd TakeSocket(kj::Own<kj::AsyncIoStream> stream) {
  const int fd = KJ_ASSERT_NONNULL(stream->getFd());
  int mine;
  KJ_SYSCALL(mine = ::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  Fd owned(mine);
  stream = nullptr;  // closes KJ's descriptor and stops its watch; the socket stays, as ours
  return owned;
}

}  // namespace idg::rpc::detail
