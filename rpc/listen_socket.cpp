#include "rpc/listen_socket.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "base/error.h"

namespace idg::rpc::detail {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.Release();
  }
  return *this;
}

void SplitHostPort(const std::string& address, std::string& host, std::string& port) {
  const size_t colon = address.rfind(':');
  IDG_REQUIRE(colon != std::string::npos && colon > 0 && colon + 1 < address.size(),
              "'" + address + "': expected HOST:PORT such as 127.0.0.1:7420");
  host = address.substr(0, colon);
  port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  IDG_REQUIRE(port.find_first_not_of("0123456789") == std::string::npos && port.size() <= 5 &&
                  std::stoi(port) <= 65535,
              "'" + address + "': the port must be a number from 0 to 65535");
}

namespace {

std::string Describe(const sockaddr* sa) {
  char host[INET6_ADDRSTRLEN] = {};
  uint16_t port = 0;
  std::string out;
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
    out.append("[").append(host).append("]");
  } else {
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(sa);
    ::inet_ntop(AF_INET, &in4->sin_addr, host, sizeof host);
    port = ntohs(in4->sin_port);
    out.append(host);
  }
  return out.append(":").append(std::to_string(port));
}

Fd BindOne(const std::string& address, const addrinfo& ai) {
  Fd fd(::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol));
  IDG_REQUIRE(fd.get() >= 0, address + ": cannot make a socket: " + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  IDG_REQUIRE(::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) == 0,
              address + ": SO_REUSEPORT: " + std::strerror(errno));
  IDG_REQUIRE(::bind(fd.get(), ai.ai_addr, ai.ai_addrlen) == 0,
              address + ": cannot listen: " + std::strerror(errno));
  IDG_REQUIRE(::listen(fd.get(), SOMAXCONN) == 0,
              address + ": cannot listen: " + std::strerror(errno));
  return fd;
}

}  // namespace

ListenSockets OpenListenSockets(const std::string& address, size_t count) {
  IDG_REQUIRE(count > 0, "at least one listening socket");
  std::string host, port;
  SplitHostPort(address, host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  IDG_REQUIRE(rc == 0, address + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owner(found, ::freeaddrinfo);

  // SO_REUSEPORT would let this server share a port another process listens on, splitting
  // connections between them: a bind without it fails when the port is taken.
  if (port != "0") {
    Fd probe(::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol));
    const int one = 1;
    ::setsockopt(probe.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    IDG_REQUIRE(probe.get() >= 0 && ::bind(probe.get(), found->ai_addr, found->ai_addrlen) == 0,
                address + ": cannot listen: " + std::strerror(errno));
  }

  ListenSockets out;
  // The first socket takes the port (a free one when 0 was asked); the others join it.
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  out.fds.push_back(BindOne(address, *found));
  ::getsockname(out.fds[0].get(), reinterpret_cast<sockaddr*>(&bound), &bound_len);
  addrinfo same = *found;
  same.ai_addr = reinterpret_cast<sockaddr*>(&bound);
  same.ai_addrlen = bound_len;
  for (size_t i = 1; i < count; ++i) out.fds.push_back(BindOne(address, same));
  out.address = Describe(reinterpret_cast<const sockaddr*>(&bound));
  return out;
}

}  // namespace idg::rpc::detail
