// Spreads the server's connections evenly over its event loops. The kernel hands a connection
// to one loop's listening socket (SO_REUSEPORT) by a hash of its addresses, blind to how many
// each loop holds: a service that keeps 8 connections open to a 2-loop server finds 6 or more
// of them on one loop about a third of the time, and that loop's core then caps the whole. A
// loop that accepts a connection keeps it unless another loop holds fewer; then it sends the
// socket to the loop that holds fewest, through that loop's inbox (a list under a mutex and an
// eventfd the loop watches). Thread-safe; plain C++ (server.cpp does the event-loop side).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "rpc/listen_socket.h"

namespace idg::rpc::detail {

class Balancer {
 public:
  explicit Balancer(size_t loops);  // throws idg::Error when an eventfd cannot be made
  ~Balancer();                      // closes the sockets still in an inbox
  Balancer(const Balancer&) = delete;
  Balancer& operator=(const Balancer&) = delete;

  // The loop that takes a connection loop `accepted_by` accepted (`accepted_by` itself unless
  // another holds fewer; then the one that holds fewest), counted there from now on.
  size_t Place(size_t accepted_by);
  // A connection of `loop` ended (or was never taken up).
  void Left(size_t loop);
  // Puts `socket` in `loop`'s inbox and makes its WakeFd readable.
  void Send(size_t loop, Fd socket);
  // Empties `loop`'s inbox (and resets its WakeFd): the sockets sent to it since the last Take.
  std::vector<Fd> Take(size_t loop);
  // Readable when `loop`'s inbox has sockets; non-blocking.
  int WakeFd(size_t loop) const;

  std::vector<uint32_t> Connections() const;  // what each loop holds now

 private:
  struct Slot {
    std::atomic<uint32_t> connections{0};
    Fd wake;  // eventfd
    std::mutex mutex;
    std::vector<Fd> inbox;  // under mutex
  };
  std::unique_ptr<Slot[]> slots_;
  size_t loops_;
};

}  // namespace idg::rpc::detail
