// Listening TCP sockets for the server: one per event-loop thread, all bound to the same
// address with SO_REUSEPORT so that the kernel spreads connections over the threads (by a hash;
// balance.h evens out what it leaves uneven).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace idg::rpc::detail {

// An owned file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(Fd&& o) noexcept : fd_(o.Release()) {}
  Fd& operator=(Fd&& o) noexcept;
  int get() const { return fd_; }
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

struct ListenSockets {
  std::vector<Fd> fds;  // listening, non-blocking, close-on-exec
  std::string address;  // "HOST:PORT" actually bound (the port filled in when 0 was asked)
};

// `count` sockets listening on `address` ("HOST:PORT"; a host name, an IPv4 address or an
// IPv6 address in brackets; port 0 picks a free port, the same for all). Throws idg::Error
// naming the address when it does not parse, resolve or bind.
ListenSockets OpenListenSockets(const std::string& address, size_t count);

// Splits "HOST:PORT" ("[::1]:7420" for IPv6). Throws idg::Error when malformed.
void SplitHostPort(const std::string& address, std::string& host, std::string& port);

}  // namespace idg::rpc::detail
