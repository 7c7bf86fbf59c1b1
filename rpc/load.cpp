#include "rpc/load.h"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include "base/error.h"
#include "rpc/listen_socket.h"
#include "rpc/lookup_wire.h"

namespace idg::rpc {
namespace {

// CLOCK_MONOTONIC, which the paced timer (a timerfd) counts in: libstdc++ on Linux.
using Clock = std::chrono::steady_clock;
using detail::Fd;

double MicrosBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

[[noreturn]] void Fail(const std::string& what) { throw Error(what); }

// A connection and its lookups in flight, by question id (0 and 1 were the login's).
struct Conn {
  static constexpr uint32_t kFirst = 2;

  explicit Conn(const std::string& address) : wire(address) {}

  uint32_t Take(Clock::time_point now) {
    uint32_t id;
    if (free.empty()) {
      id = kFirst + static_cast<uint32_t>(sent_at.size());
      sent_at.push_back(now);
    } else {
      id = free.back();
      free.pop_back();
      sent_at[id - kFirst] = now;
    }
    return id;
  }

  detail::LookupWire wire;
  std::vector<Clock::time_point> sent_at;
  std::vector<uint32_t> free;
  uint32_t depth = 0;           // closed loop: requests sent together
  bool watching_out = false;    // EPOLLOUT asked for: the socket was full
  bool request_queued = false;  // a lookup waits in the wire, not only finishes
};

class LoadRun {
 public:
  LoadRun(const LookupLoad& load, uint32_t connections) : load_(load) {
    for (uint32_t c = 0; c < connections; ++c) {
      conns_.push_back(std::make_unique<Conn>(load.address));
      conns_.back()->wire.Login(load.token);
    }
    epoll_ = Fd(epoll_create1(EPOLL_CLOEXEC));
    timer_ = Fd(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (epoll_.get() < 0 || timer_.get() < 0) Fail(std::string("epoll: ") + std::strerror(errno));
    for (uint32_t c = 0; c <= connections; ++c) {
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.u32 = c;  // `connections`: the timer
      const int fd = c < connections ? conns_[c]->wire.fd() : timer_.get();
      if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &e) != 0) {
        Fail(std::string("epoll: ") + std::strerror(errno));
      }
    }
  }

  LoadReport Go() {
    for (auto& conn : conns_) writes_ -= conn->wire.writes();  // not the logins'
    start_ = Clock::now();
    deadline_ = start_ + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(load_.seconds));
    const bool paced = load_.rate > 0;
    const uint64_t total = paced ? static_cast<uint64_t>(load_.rate * load_.seconds) : 0;
    if (paced) {
      SendDue(total);
    } else {
      for (uint32_t i = 0; i < load_.concurrency; ++i) ++conns_[i % conns_.size()]->depth;
      for (auto& conn : conns_) SendBatch(*conn);
    }
    FlushAll();
    epoll_event events[64];
    while (in_flight_ > 0 || (paced && sent_ < total)) {
      const int n = epoll_wait(epoll_.get(), events, 64, detail::kAnswerWaitMs);
      if (n == 0 && in_flight_ > 0) Fail("no answer from the server for 10 s");
      if (n < 0 && errno != EINTR) Fail(std::string("epoll: ") + std::strerror(errno));
      for (int i = 0; i < n; ++i) {
        const uint32_t c = events[i].data.u32;
        if (c == conns_.size()) {
          uint64_t ticks;
          [[maybe_unused]] ssize_t got = ::read(timer_.get(), &ticks, sizeof ticks);
          continue;
        }
        Conn& conn = *conns_[c];
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
          conn.wire.Receive([&](uint32_t id, uint32_t profiles) { Answered(conn, id, profiles); });
        }
      }
      if (paced) SendDue(total);
      FlushAll();
    }
    FlushAll(/*finishes=*/true);
    for (auto& conn : conns_) writes_ += conn->wire.writes();
    return Report();
  }

 private:
  void Send(Conn& conn, Clock::time_point due) {
    const Clock::time_point now = Clock::now();
    if (load_.rate > 0) lags_us_.push_back(MicrosBetween(due, now));
    conn.wire.AppendLookup(conn.Take(now), load_.keys[sent_ % load_.keys.size()]);
    conn.request_queued = true;
    ++sent_;
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  }

  // Closed loop: a connection's requests go out together, the next ones when all are answered.
  void SendBatch(Conn& conn) {
    for (uint32_t i = 0; i < conn.depth; ++i) Send(conn, {});
  }

  void Answered(Conn& conn, uint32_t id, uint32_t profiles) {
    if (id < Conn::kFirst || id - Conn::kFirst >= conn.sent_at.size()) return;  // the login's
    const Clock::time_point now = Clock::now();
    latencies_us_.push_back(MicrosBetween(conn.sent_at[id - Conn::kFirst], now));
    not_found_ += profiles == 0;
    --in_flight_;
    last_answer_ = now;
    conn.wire.AppendFinish(id);  // before the id is used again
    conn.free.push_back(id);
    const bool all_answered = conn.free.size() == conn.sent_at.size();
    if (all_answered && load_.rate == 0 && now < deadline_) SendBatch(conn);
  }

  // Paced: request i is due i / rate seconds after the start; sends what is due by now (all
  // `total` once the deadline passed), then sets the timer for the next, at least 100 µs on:
  // requests due closer together than that leave together.
  void SendDue(uint64_t total) {
    auto due_at = [&](uint64_t i) {
      return start_ + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>(double(i) / load_.rate));
    };
    const Clock::time_point now = Clock::now();
    while (sent_ < total && (now >= deadline_ || due_at(sent_) <= now)) {
      Send(*conns_[sent_ / load_.pipeline % conns_.size()], due_at(sent_));
    }
    if (sent_ >= total || armed_ > now) return;  // an armed timer wakes us early, never late
    const auto next = std::max(due_at(sent_), now + std::chrono::microseconds(100));
    armed_ = next;
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(next.time_since_epoch()).count();
    itimerspec when{};
    when.it_value.tv_sec = ns / 1'000'000'000;
    when.it_value.tv_nsec = ns % 1'000'000'000;
    if (timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &when, nullptr) != 0) {
      Fail(std::string("timer: ") + std::strerror(errno));
    }
  }

  // Writes what the connections queued. Paced, finishes wait for the connection's next lookup
  // and go in its write (the rest at the end, with `finishes`): that lookup is up to a period
  // away, and a finish alone costs a write here and a read at the server for no answer (half
  // of both at half the peak). Closed loop, a connection's next lookups follow its answers at
  // once, so its finishes go as they come.
  void FlushAll(bool finishes = false) {
    finishes = finishes || load_.rate == 0;
    for (uint32_t c = 0; c < conns_.size(); ++c) {
      Conn& conn = *conns_[c];
      if (!conn.watching_out && !(conn.wire.pending() && (conn.request_queued || finishes))) {
        continue;
      }
      const bool done = conn.wire.Flush();
      if (done) conn.request_queued = false;
      if (done == !conn.watching_out) continue;
      conn.watching_out = !done;
      epoll_event e{};
      e.events = EPOLLIN | (done ? 0u : uint32_t{EPOLLOUT});
      e.data.u32 = c;
      epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, conn.wire.fd(), &e);
    }
  }

  LoadReport Report() {
    LoadReport r;
    r.seconds = std::chrono::duration<double>(std::max(last_answer_, start_) - start_).count();
    r.requests = latencies_us_.size();
    r.not_found = not_found_;
    r.per_second = r.seconds > 0 ? double(r.requests) / r.seconds : 0;
    r.max_in_flight = max_in_flight_;
    r.writes = writes_;
    r.send_lag_p99_us = Percentile(lags_us_, 0.99);
    r.p50_us = Percentile(latencies_us_, 0.50);
    r.p99_us = Percentile(latencies_us_, 0.99);
    r.p999_us = Percentile(latencies_us_, 0.999);
    r.max_us =
        latencies_us_.empty() ? 0 : *std::max_element(latencies_us_.begin(), latencies_us_.end());
    return r;
  }

  static double Percentile(std::vector<double>& v, double q) {
    if (v.empty()) return 0;
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * double(v.size())));
    std::nth_element(v.begin(), v.begin() + i, v.end());
    return v[i];
  }

  const LookupLoad& load_;
  std::vector<std::unique_ptr<Conn>> conns_;
  Fd epoll_, timer_;
  Clock::time_point start_, deadline_, last_answer_, armed_;  // armed_: the paced timer
  std::vector<double> latencies_us_;                          // from send to answer
  std::vector<double> lags_us_;                               // paced: from when due to when sent
  uint64_t sent_ = 0, in_flight_ = 0, max_in_flight_ = 0, not_found_ = 0, writes_ = 0;
};

}  // namespace

LoadReport RunLookupLoad(const LookupLoad& load) {
  IDG_REQUIRE(!load.keys.empty() && (load.concurrency > 0 || load.rate > 0),
              "a load needs keys, and a concurrency or a rate");
  IDG_REQUIRE(load.pipeline > 0, "a paced load's pipeline is at least 1 request");
  const uint32_t connections = load.connections != 0 ? load.connections
                               : load.rate > 0       ? 64
                                                     : load.concurrency;
  try {
    return LoadRun(load, connections).Go();
  } catch (const Error& e) {
    throw Error(std::string("lookup load: ") + e.what());
  }
}

}  // namespace idg::rpc
