// Connections spread evenly over the server's event loops (rpc/balance.h): the balancer places a
// connection on the loop that holds fewest, passes sockets through a loop's inbox and wakes it;
// a server with 2 loops and 8 clients holds 4 on each, whatever the kernel's hash chose, serves
// every one of them, and counts down as they leave.
#include "rpc/balance.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <thread>
#include <vector>

#include "test_service.h"

namespace idg {
namespace {

using rpc::detail::Balancer;
using rpc::detail::Fd;

bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

TEST(Balancer, PlacesOnTheLoopHoldingFewestAndKeepsTiesWhereAccepted) {
  Balancer b(3);
  EXPECT_EQ(b.Place(1), 1u);  // all hold none: the accepting loop keeps it
  EXPECT_EQ(b.Place(1), 0u);  // loop 1 holds one, 0 and 2 none: the first of those
  EXPECT_EQ(b.Place(1), 2u);
  EXPECT_EQ(b.Place(2), 2u);  // all hold one: kept
  EXPECT_EQ(b.Connections(), (std::vector<uint32_t>{1, 1, 2}));
  b.Left(2);
  b.Left(2);
  EXPECT_EQ(b.Place(0), 2u);
  EXPECT_EQ(b.Connections(), (std::vector<uint32_t>{1, 1, 1}));
}

TEST(Balancer, InboxWakesItsLoopAndHandsOverTheSocketsInOrder) {
  Balancer b(2);
  EXPECT_FALSE(Readable(b.WakeFd(0)));
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  const int a = pair[0], c = pair[1];
  b.Send(0, Fd(a));
  b.Send(0, Fd(c));
  EXPECT_TRUE(Readable(b.WakeFd(0)));
  EXPECT_FALSE(Readable(b.WakeFd(1)));
  std::vector<Fd> got = b.Take(0);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].get(), a);
  EXPECT_EQ(got[1].get(), c);
  EXPECT_FALSE(Readable(b.WakeFd(0)));  // reset by the take
  EXPECT_TRUE(b.Take(0).empty());
  // A socket still in an inbox is closed with the balancer: its peer sees the end.
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  Fd peer(pair[1]);
  {
    Balancer gone(1);
    gone.Send(0, Fd(pair[0]));
  }
  char byte;
  EXPECT_EQ(::read(peer.get(), &byte, 1), 0);
}

// Waits (up to 5 s) until the server's loops hold `total` connections in all.
std::vector<uint32_t> AwaitConnections(rpc::Server& server, uint32_t total) {
  std::vector<uint32_t> per_loop;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    per_loop = server.ConnectionsPerLoop();
    if (std::accumulate(per_loop.begin(), per_loop.end(), 0u) == total) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < deadline);
  return per_loop;
}

TEST(Balancer, ServerSpreadsEightClientsFourToALoopAndServesThemAll) {
  test::TestServer server;  // 2 loops
  server.Connect(test::kWriterToken)
      .Ingest(std::vector<IncomingRecord>{test::Rec("crm", "1", {{"email", "ada@example.com"}})});
  // The same 8 connections' worth of rounds several times: the kernel's hash alone leaves the
  // loops uneven in most rounds of 8 (4 and 4 in 70 of 256 equally likely outcomes).
  for (int round = 0; round < 5; ++round) {
    std::vector<rpc::Client> clients;
    for (int i = 0; i < 8; ++i) clients.push_back(server.Connect(test::kReaderToken));
    const std::vector<uint32_t> per_loop = AwaitConnections(server.server(), 8);
    EXPECT_EQ(per_loop, (std::vector<uint32_t>{4, 4})) << "round " << round;
    for (rpc::Client& client : clients) {
      const rpc::LookupReply reply = client.Lookup("email", " Ada@Example.com ");
      ASSERT_EQ(reply.profiles.size(), 1u);
    }
    clients.erase(clients.begin() + 3, clients.end());
    const std::vector<uint32_t> left = AwaitConnections(server.server(), 3);
    EXPECT_EQ(std::accumulate(left.begin(), left.end(), 0u), 3u);
    clients.clear();
    EXPECT_EQ(AwaitConnections(server.server(), 0), (std::vector<uint32_t>{0, 0}));
  }
}

}  // namespace
}  // namespace idg
