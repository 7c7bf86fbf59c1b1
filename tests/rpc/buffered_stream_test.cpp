// BufferedStream over a real socket pair: what is written in one turn of the event loop goes
// out in one write, one read serves several later reads, bytes keep their order, a writer is
// held back past the backlog, shutdown waits for the backlog, and a failed write is reported;
// a reader in place fills, takes and keeps what it did not take, and a writer that appends is
// told when to wait.
#include "rpc/buffered_stream.h"

#include <gtest/gtest.h>
#include <kj/async-io.h>

#include <string>

namespace idg {
namespace {

using rpc::detail::BufferedStream;

// Forwards to a socket end and counts the calls that reach it.
class Counting final : public kj::AsyncIoStream {
 public:
  explicit Counting(kj::AsyncIoStream& inner) : inner_(inner) {}
  kj::Promise<size_t> tryRead(void* buffer, size_t min_bytes, size_t max_bytes) override {
    ++reads;
    return inner_.tryRead(buffer, min_bytes, max_bytes);
  }
  kj::Promise<void> write(const void* buffer, size_t size) override {
    ++writes;
    return inner_.write(buffer, size);
  }
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    ++writes;
    return inner_.write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override { return inner_.whenWriteDisconnected(); }
  void shutdownWrite() override { inner_.shutdownWrite(); }

  int reads = 0, writes = 0;

 private:
  kj::AsyncIoStream& inner_;
};

struct Pair {
  kj::AsyncIoContext io = kj::setupAsyncIo();
  kj::TwoWayPipe pipe = io.provider->newTwoWayPipe();
  Counting counted{*pipe.ends[0]};
  BufferedStream buffered{counted};
  kj::AsyncIoStream& peer = *pipe.ends[1];

  std::string ReadPeer(size_t n) {
    std::string s(n, '\0');
    EXPECT_EQ(peer.tryRead(s.data(), n, n).wait(io.waitScope), n);
    return s;
  }
};

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

TEST(BufferedStream, WritesOfOneTurnGoOutInOneWrite) {
  Pair p;
  const std::string words[] = {"call", "return", "finish"};
  for (const std::string& w : words) {
    auto done = p.buffered.write(w.data(), w.size());
    EXPECT_TRUE(done.poll(p.io.waitScope));  // copied: the caller may reuse its buffer
    done.wait(p.io.waitScope);
  }
  EXPECT_EQ(p.counted.writes, 0);  // nothing sent until the loop runs out of work
  EXPECT_EQ(p.ReadPeer(16), "callreturnfinish");
  EXPECT_EQ(p.counted.writes, 1);
  // Pieces too, and a later turn is a later write.
  const kj::ArrayPtr<const kj::byte> pieces[] = {kj::StringPtr("ab").asBytes(),
                                                 kj::StringPtr("cd").asBytes()};
  p.buffered.write(pieces).wait(p.io.waitScope);
  EXPECT_EQ(p.ReadPeer(4), "abcd");
  EXPECT_EQ(p.counted.writes, 2);
}

TEST(BufferedStream, OneReadServesTheReadsAfterIt) {
  Pair p;
  p.peer.write("0123456789abcdef", 16).wait(p.io.waitScope);
  char buf[16];
  EXPECT_EQ(p.buffered.tryRead(buf, 4, 4).wait(p.io.waitScope), 4u);
  EXPECT_EQ(std::string(buf, 4), "0123");
  EXPECT_EQ(p.buffered.tryRead(buf, 2, 8).wait(p.io.waitScope), 8u);
  EXPECT_EQ(std::string(buf, 8), "456789ab");
  EXPECT_EQ(p.buffered.tryRead(buf, 1, 16).wait(p.io.waitScope), 4u);
  EXPECT_EQ(std::string(buf, 4), "cdef");
  EXPECT_EQ(p.counted.reads, 1);
  // What is buffered comes first, then the socket; the end reads as a short count.
  p.peer.write("gh", 2).wait(p.io.waitScope);
  p.peer.shutdownWrite();
  EXPECT_EQ(p.buffered.tryRead(buf, 4, 4).wait(p.io.waitScope), 2u);
  EXPECT_EQ(std::string(buf, 2), "gh");
}

std::string AsString(kj::ArrayPtr<const kj::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

TEST(BufferedStream, FillKeepsWhatWasNotTakenAndReadsBehindIt) {
  Pair p;
  EXPECT_EQ(p.buffered.Buffered().size(), 0u);
  p.peer.write("0123456789", 10).wait(p.io.waitScope);
  EXPECT_EQ(p.buffered.Fill().wait(p.io.waitScope), 10u);
  p.buffered.Take(6);
  EXPECT_EQ(AsString(p.buffered.Buffered()), "6789");
  p.peer.write("abc", 3).wait(p.io.waitScope);
  EXPECT_EQ(p.buffered.Fill().wait(p.io.waitScope), 3u);
  EXPECT_EQ(AsString(p.buffered.Buffered()), "6789abc");
  // Compact puts what is left at the (word-aligned) front of the buffer.
  p.buffered.Take(1);
  p.buffered.Compact();
  EXPECT_EQ(AsString(p.buffered.Buffered()), "789abc");
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p.buffered.Buffered().begin()) % 8, 0u);
  // Ordinary reads take up where Take left off; the end of the stream fills nothing.
  char buf[4];
  p.buffered.Take(2);
  EXPECT_EQ(p.buffered.tryRead(buf, 4, 4).wait(p.io.waitScope), 4u);
  EXPECT_EQ(std::string(buf, 4), "9abc");
  p.peer.shutdownWrite();
  EXPECT_EQ(p.buffered.Fill().wait(p.io.waitScope), 0u);
  EXPECT_EQ(p.counted.reads, 3);
}

TEST(BufferedStream, AppendSaysWhenTheWriterShouldWait) {
  Pair p;
  const std::string chunk = Pattern(512 << 10);
  const kj::ArrayPtr<const kj::byte> piece = kj::StringPtr(chunk).asBytes();
  EXPECT_TRUE(p.buffered.Append(kj::arrayPtr(&piece, 1)));
  EXPECT_FALSE(p.buffered.Append(kj::arrayPtr(&piece, 1)));  // 1 MiB waits to go out
  auto room = p.buffered.Room();                             // once the flush has taken the backlog
  EXPECT_EQ(p.ReadPeer(chunk.size() * 2), chunk + chunk);
  room.wait(p.io.waitScope);
  EXPECT_TRUE(p.buffered.Append(kj::arrayPtr(&piece, 1)));
}

TEST(BufferedStream, LargeReadsAndWritesKeepEveryByteInOrder) {
  Pair p;
  const std::string big = Pattern(300 << 10);  // more than the read-ahead buffer
  p.buffered.write("x", 1).wait(p.io.waitScope);
  p.buffered.write(big.data(), big.size()).wait(p.io.waitScope);
  EXPECT_EQ(p.ReadPeer(1 + big.size()), "x" + big);

  auto sent = p.peer.write(big.data(), big.size());
  std::string got(big.size(), '\0');
  EXPECT_EQ(p.buffered.tryRead(got.data(), 3, 3).wait(p.io.waitScope), 3u);
  EXPECT_EQ(p.buffered.tryRead(got.data() + 3, got.size() - 3, got.size() - 3).wait(p.io.waitScope),
            got.size() - 3);
  sent.wait(p.io.waitScope);
  EXPECT_EQ(got, big);
}

TEST(BufferedStream, AWriterWaitsPastTheBacklogUntilTheSocketTakesIt) {
  Pair p;
  const std::string chunk = Pattern(512 << 10);
  auto first = p.buffered.write(chunk.data(), chunk.size());
  first.wait(p.io.waitScope);
  // Let the loop run dry, so that the flush begins: more than the socket holds.
  p.io.provider->getTimer().afterDelay(1 * kj::MILLISECONDS).wait(p.io.waitScope);
  // More than 1 MiB behind a write the peer does not read: the writer is held back.
  const std::string more = chunk + chunk + chunk + chunk;
  auto held = p.buffered.write(more.data(), more.size());
  EXPECT_FALSE(held.poll(p.io.waitScope));
  // Once the peer reads, everything arrives in order and the writer goes on.
  EXPECT_EQ(p.ReadPeer(chunk.size() * 5), chunk + more);
  held.wait(p.io.waitScope);
}

TEST(BufferedStream, ShutdownTakesEffectAfterTheBacklog) {
  Pair p;
  p.buffered.write("last words", 10).wait(p.io.waitScope);
  p.buffered.shutdownWrite();
  EXPECT_EQ(p.ReadPeer(10), "last words");
  char c;
  EXPECT_EQ(p.peer.tryRead(&c, 1, 1).wait(p.io.waitScope), 0u);
}

TEST(BufferedStream, AFailedWriteIsReportedByTheNextOne) {
  Pair p;
  p.pipe.ends[1] = nullptr;  // the peer goes away
  p.buffered.write("lost", 4).wait(p.io.waitScope);
  // Let the flush run and fail.
  p.io.provider->getTimer().afterDelay(10 * kj::MILLISECONDS).wait(p.io.waitScope);
  EXPECT_ANY_THROW(p.buffered.write("more", 4).wait(p.io.waitScope));
}

}  // namespace
}  // namespace idg
