#include "rpc/busy_poll.h"

#include <sched.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace idg::rpc::detail {
namespace {

struct Pulse {
  uint64_t reads = 0;
  bool stopped = false;
  kj::Own<kj::PromiseFulfiller<void>> sleeper;  // RunPolling asleep, waiting for a read
};

thread_local Pulse* tls_pulse = nullptr;

std::atomic<uint32_t> polling{0};  // loops of the process polling now

}  // namespace

void NoteSocketRead() {
  Pulse* pulse = tls_pulse;
  if (pulse == nullptr) return;
  ++pulse->reads;
  if (pulse->sleeper.get() != nullptr) {
    pulse->sleeper->fulfill();
    pulse->sleeper = nullptr;
  }
}

uint32_t DefaultMaxPolling() {
  const uint32_t cores = std::thread::hardware_concurrency();
  return cores > 1 ? cores - 1 : 0;
}

void RunPolling(kj::Promise<void> stop, kj::WaitScope& wait, uint32_t poll_us,
                uint32_t max_polling) {
  if (poll_us == 0 || max_polling == 0) return stop.wait(wait);
  using Clock = std::chrono::steady_clock;
  const auto idle = std::chrono::microseconds(poll_us);
  Pulse pulse;
  tls_pulse = &pulse;
  KJ_DEFER(tls_pulse = nullptr);
  kj::ForkedPromise<void> stopping = stop.then([&pulse] { pulse.stopped = true; }).fork();
  while (!pulse.stopped) {
    // Asleep until a socket read or the stop.
    auto read = kj::newPromiseAndFulfiller<void>();
    pulse.sleeper = kj::mv(read.fulfiller);
    read.promise.exclusiveJoin(stopping.addBranch()).wait(wait);
    pulse.sleeper = nullptr;
    if (polling.fetch_add(1, std::memory_order_relaxed) >= max_polling) {
      polling.fetch_sub(1, std::memory_order_relaxed);  // enough loops poll: sleep again
      continue;
    }
    // Awake: poll until `idle` passes with no read. Yielding between polls lets another
    // thread that shares this core (a client, another loop) run.
    uint64_t seen = pulse.reads;
    auto last = Clock::now();
    while (!pulse.stopped) {
      wait.poll();
      const auto now = Clock::now();
      if (pulse.reads != seen) {
        seen = pulse.reads;
        last = now;
      } else if (now - last >= idle) {
        break;
      } else {
        sched_yield();
      }
    }
    polling.fetch_sub(1, std::memory_order_relaxed);
  }
}

}  // namespace idg::rpc::detail
