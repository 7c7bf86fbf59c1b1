// RunPolling: after a socket read the loop thread polls instead of sleeping until poll_us pass
// with no read (counted as the thread's voluntary context switches, which only sleeping makes),
// it serves every read either way, and a stop ends it at once, asleep or polling.
#include "rpc/busy_poll.h"

#include <gtest/gtest.h>
#include <kj/async-io.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "rpc/buffered_stream.h"

namespace idg {
namespace {

using Clock = std::chrono::steady_clock;

long VoluntarySwitches() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_nvcsw;
}

struct Outcome {
  std::atomic<int> reads{0};
  long sleeps = -1;    // voluntary switches of the loop thread from the first read to the last
  double seconds = 0;  // from the stop to RunPolling's return
};

// A loop thread running RunPolling(poll_us, max_polling) reads `writes` single bytes that this
// thread writes `gap` apart into a socket pair, then is stopped.
void ReadSpacedWrites(Outcome& out, uint32_t poll_us, int writes, std::chrono::microseconds gap,
                      uint32_t max_polling = 1) {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> stop;
  std::atomic<bool> ready{false};
  std::atomic<Clock::rep> stopped_at{0};  // the stop's time, read by the loop thread
  std::thread loop([&] {
    auto io = kj::setupAsyncIo();
    auto socket = io.lowLevelProvider->wrapSocketFd(
        fds[0], kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP |
                    kj::LowLevelAsyncIoProvider::ALREADY_NONBLOCK);
    rpc::detail::BufferedStream stream(*socket);
    auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
    stop = kj::mv(paf.fulfiller);
    char byte = 0;
    long first = 0;
    kj::Function<kj::Promise<void>()> next = [&]() -> kj::Promise<void> {
      return stream.tryRead(&byte, 1, 1).then([&](size_t n) -> kj::Promise<void> {
        if (n == 0) return kj::READY_NOW;
        if (out.reads++ == 0) first = VoluntarySwitches();
        if (out.reads == writes) out.sleeps = VoluntarySwitches() - first;
        return next();
      });
    };
    auto reading = next().eagerlyEvaluate(nullptr);
    ready = true;
    rpc::detail::RunPolling(kj::mv(paf.promise), io.waitScope, poll_us, max_polling);
    out.seconds = std::chrono::duration<double>(
                      Clock::now() - Clock::time_point(Clock::duration(stopped_at.load())))
                      .count();
  });
  while (!ready) std::this_thread::yield();
  for (int i = 0; i < writes; ++i) {
    std::this_thread::sleep_for(gap);
    EXPECT_EQ(::write(fds[1], "x", 1), 1);
  }
  const auto until = Clock::now() + std::chrono::seconds(10);
  while (out.reads < writes && Clock::now() < until) std::this_thread::yield();
  stopped_at = Clock::now().time_since_epoch().count();
  stop->fulfill();
  loop.join();
  ::close(fds[1]);
}

TEST(BusyPoll, PollsBetweenReadsInsteadOfSleeping) {
  // One second of polling spans every 1 ms gap: the thread never sleeps between the reads.
  Outcome polled;
  ReadSpacedWrites(polled, 1'000'000, 50, std::chrono::microseconds(1000));
  EXPECT_EQ(polled.reads, 50);
  EXPECT_LE(polled.sleeps, 2);
  // Without polling it sleeps in every gap.
  Outcome slept;
  ReadSpacedWrites(slept, 0, 50, std::chrono::microseconds(1000));
  EXPECT_EQ(slept.reads, 50);
  EXPECT_GE(slept.sleeps, 40);
}

TEST(BusyPoll, SleepsOnceAReadIsLongerAgoThanTheWindow) {
  // 100 µs of polling, writes 5 ms apart: it sleeps in the gaps again.
  Outcome out;
  ReadSpacedWrites(out, 100, 20, std::chrono::microseconds(5000));
  EXPECT_EQ(out.reads, 20);
  EXPECT_GE(out.sleeps, 15);
}

TEST(BusyPoll, NoMoreLoopsPollThanAllowed) {
  // Two loops at once, one allowed to poll: one sleeps in (nearly) every gap. (KJ sets up
  // statics of its own in the first event loop of a process; two first ones would race.)
  { kj::setupAsyncIo(); }
  Outcome a, b;
  std::thread other([&] { ReadSpacedWrites(a, 1'000'000, 50, std::chrono::microseconds(1000)); });
  ReadSpacedWrites(b, 1'000'000, 50, std::chrono::microseconds(1000));
  other.join();
  EXPECT_EQ(a.reads, 50);
  EXPECT_EQ(b.reads, 50);
  EXPECT_LE(std::min(a.sleeps, b.sleeps), 2);
  EXPECT_GE(std::max(a.sleeps, b.sleeps), 30);
  // None allowed: both sleep in every gap.
  Outcome c;
  ReadSpacedWrites(c, 1'000'000, 50, std::chrono::microseconds(1000), 0);
  EXPECT_GE(c.sleeps, 40);
}

TEST(BusyPoll, StopEndsItWhilePolling) {
  // Stopped right after the last read, inside a polling window of ten seconds.
  Outcome out;
  ReadSpacedWrites(out, 10'000'000, 3, std::chrono::microseconds(100));
  EXPECT_EQ(out.reads, 3);
  EXPECT_LT(out.seconds, 5.0);
}

}  // namespace
}  // namespace idg
