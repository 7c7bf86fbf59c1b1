#include "rpc/load.h"

#include <kj/async.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include "base/error.h"
#include "rpc/connection.h"
#include "rpc/idgraph.capnp.h"

namespace idg::rpc {
namespace {

using Clock = std::chrono::steady_clock;

double MicrosSince(Clock::time_point t) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

struct Run : kj::TaskSet::ErrorHandler {
  explicit Run(const LookupLoad& l, std::vector<wire::Reader::Client> r)
      : load(l), readers(std::move(r)) {}

  const LookupLoad& load;
  std::vector<wire::Reader::Client> readers;
  Clock::time_point start, deadline;
  std::vector<double> latencies_us;  // from send to answer
  std::vector<double> lags_us;       // paced: from when due to when sent
  uint64_t not_found = 0;
  uint64_t sent = 0;
  uint64_t in_flight = 0, max_in_flight = 0;
  std::optional<kj::Exception> failed;

  // Sends the next lookup on the next connection; `due`: when it was meant to go.
  kj::Promise<void> Send(Clock::time_point due) {
    if (load.rate > 0) lags_us.push_back(MicrosSince(due));
    const Identifier& key = load.keys[sent % load.keys.size()];
    auto request = readers[sent % readers.size()].lookupRequest();
    ++sent;
    request.getKey().setKind(key.kind);
    request.getKey().setValue(key.value);
    max_in_flight = std::max(max_in_flight, ++in_flight);
    const auto sent_at = Clock::now();
    return request.send().then([this, sent_at](auto&& response) {
      --in_flight;
      latencies_us.push_back(MicrosSince(sent_at));
      not_found += response.getResult().getProfiles().size() == 0;
    });
  }

  // Closed loop: one in-flight slot, a lookup and, when it is answered, the next.
  kj::Promise<void> Slot() {
    if (Clock::now() >= deadline) return kj::READY_NOW;
    return Send(Clock::time_point()).then([this] { return Slot(); });
  }

  // Paced: every tick, what is due by now. KJ's timer wakes about once a millisecond, so
  // requests leave in bursts of rate/1000; how late each left is kept in `lags_us`.
  // The last tick sends what fell due up to the deadline: rate x seconds requests in all.
  kj::Promise<void> Pace(kj::Timer& timer, kj::TaskSet& tasks) {
    const auto now = std::min(Clock::now(), deadline);
    const auto due = static_cast<uint64_t>(
        std::chrono::duration<double>(now - start).count() * load.rate);
    while (sent < due) {
      tasks.add(Send(start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(double(sent) / load.rate))));
    }
    if (now >= deadline) return kj::READY_NOW;
    return timer.afterDelay(200 * kj::MICROSECONDS).then([this, &timer, &tasks] {
      return Pace(timer, tasks);
    });
  }

  void taskFailed(kj::Exception&& e) override {
    if (!failed) failed.emplace(kj::mv(e));
  }
};

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * double(v.size())));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

}  // namespace

LoadReport RunLookupLoad(const LookupLoad& load) {
  IDG_REQUIRE(!load.keys.empty() && (load.concurrency > 0 || load.rate > 0),
              "a load needs keys, and a concurrency or a rate");
  const uint32_t connections = load.connections != 0 ? load.connections
                               : load.rate > 0       ? 8
                                                     : std::min<uint32_t>(load.concurrency, 8);
  try {
    const std::shared_ptr<kj::AsyncIoContext> io = detail::ThreadEventLoop();
    kj::WaitScope& wait = io->waitScope;
    std::vector<kj::Own<detail::Connection>> clients;
    std::vector<wire::Reader::Client> readers;
    for (uint32_t c = 0; c < connections; ++c) {
      clients.push_back(detail::Connect(*io, load.address, capnp::ReaderOptions()));
      auto login = clients.back()->Bootstrap().castAs<wire::Idgraph>().loginRequest();
      login.setToken(load.token);
      auto session = login.send().wait(wait);
      readers.push_back(session.getSession().getReader());
    }
    Run run(load, std::move(readers));
    run.start = Clock::now();
    run.deadline = run.start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(load.seconds));
    if (load.rate > 0) {
      kj::TaskSet tasks(run);
      run.Pace(io->provider->getTimer(), tasks).wait(wait);
      tasks.onEmpty().wait(wait);
    } else {
      auto slots = kj::heapArrayBuilder<kj::Promise<void>>(load.concurrency);
      for (uint32_t i = 0; i < load.concurrency; ++i) slots.add(run.Slot());
      kj::joinPromises(slots.finish()).wait(wait);
    }
    if (run.failed) kj::throwFatalException(kj::mv(*run.failed));
    LoadReport r;
    r.seconds = std::chrono::duration<double>(Clock::now() - run.start).count();
    r.requests = run.latencies_us.size();
    r.not_found = run.not_found;
    r.per_second = double(r.requests) / r.seconds;
    r.max_in_flight = run.max_in_flight;
    r.send_lag_p99_us = Percentile(run.lags_us, 0.99);
    r.p50_us = Percentile(run.latencies_us, 0.50);
    r.p99_us = Percentile(run.latencies_us, 0.99);
    r.p999_us = Percentile(run.latencies_us, 0.999);
    r.max_us = run.latencies_us.empty()
                   ? 0
                   : *std::max_element(run.latencies_us.begin(), run.latencies_us.end());
    return r;
  } catch (const kj::Exception& e) {
    throw Error(std::string("lookup load: ") + e.getDescription().cStr());
  }
}

}  // namespace idg::rpc
