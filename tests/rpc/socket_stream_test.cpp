// SocketStream over a socket pair: reads what arrives, waits after a read that emptied the
// socket and wakes when more comes, gathers min_bytes over several arrivals, sees the end of
// the stream behind the last bytes; a write larger than the socket holds completes once the
// peer reads, every byte in order; shutdownWrite ends the peer's reading; a peer that goes
// away is a write disconnect, and a write after it fails as one.
#include "rpc/socket_stream.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <kj/async-io.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace idg {
namespace {

using rpc::detail::Fd;
using rpc::detail::SocketStream;

struct Pair {
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    peer = Fd(fds[1]);
    stream = kj::heap<SocketStream>(io.unixEventPort, Fd(fds[0]));
  }
  void Send(const std::string& s) const {
    ASSERT_EQ(::write(peer.get(), s.data(), s.size()), ssize_t(s.size()));
  }

  kj::AsyncIoContext io = kj::setupAsyncIo();
  Fd peer;  // blocking
  kj::Own<SocketStream> stream;
};

TEST(SocketStream, ReadsWhatComesAndWaitsWhenTheSocketIsEmpty) {
  Pair p;
  char buf[16];
  p.Send("abc");
  EXPECT_EQ(p.stream->tryRead(buf, 1, sizeof buf).wait(p.io.waitScope), 3u);
  EXPECT_EQ(std::string(buf, 3), "abc");
  // The socket is empty now: the next read waits until the peer writes.
  auto next = p.stream->tryRead(buf, 1, sizeof buf);
  EXPECT_FALSE(next.poll(p.io.waitScope));
  p.Send("de");
  EXPECT_EQ(next.wait(p.io.waitScope), 2u);
  EXPECT_EQ(std::string(buf, 2), "de");
  // At least min_bytes, over several arrivals.
  auto four = p.stream->tryRead(buf, 4, sizeof buf);
  p.Send("12");
  EXPECT_FALSE(four.poll(p.io.waitScope));
  p.Send("34");
  EXPECT_EQ(four.wait(p.io.waitScope), 4u);
  EXPECT_EQ(std::string(buf, 4), "1234");
  // The last bytes, then the end.
  p.Send("xyz");
  p.peer = Fd();
  EXPECT_EQ(p.stream->tryRead(buf, 1, sizeof buf).wait(p.io.waitScope), 3u);
  EXPECT_EQ(std::string(buf, 3), "xyz");
  EXPECT_EQ(p.stream->tryRead(buf, 1, sizeof buf).wait(p.io.waitScope), 0u);
}

TEST(SocketStream, AWriteLargerThanTheSocketCompletesAsThePeerReads) {
  Pair p;
  std::string big(4 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + (i * 7 + i / 509) % 26);
  auto sent = p.stream->write(big.data(), big.size());
  EXPECT_FALSE(sent.poll(p.io.waitScope));  // more than the socket holds, nobody reading
  std::string got;
  std::thread reader([&] {
    char chunk[65536];
    ssize_t n;
    while ((n = ::read(p.peer.get(), chunk, sizeof chunk)) > 0) got.append(chunk, size_t(n));
  });
  sent.wait(p.io.waitScope);
  p.stream->shutdownWrite();  // the reader sees the end
  reader.join();
  EXPECT_EQ(got, big);
}

TEST(SocketStream, APeerThatGoesAwayIsAWriteDisconnect) {
  Pair p;
  auto gone = p.stream->whenWriteDisconnected();
  auto again = p.stream->whenWriteDisconnected();
  EXPECT_FALSE(gone.poll(p.io.waitScope));
  p.peer = Fd();
  gone.wait(p.io.waitScope);
  again.wait(p.io.waitScope);
  // A write now fails as a disconnect, through the promise.
  auto write = p.stream->write("x", 1);
  try {
    write.wait(p.io.waitScope);
    ADD_FAILURE() << "a write to a closed peer succeeded";
  } catch (const kj::Exception& e) {
    EXPECT_EQ(e.getType(), kj::Exception::Type::DISCONNECTED) << e.getDescription().cStr();
  }
}

}  // namespace
}  // namespace idg
