#include "rpc/load.h"

#include <kj/async.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "base/error.h"
#include "rpc/connection.h"
#include "rpc/idgraph.capnp.h"

namespace idg::rpc {
namespace {

using Clock = std::chrono::steady_clock;

struct Run {
  const LookupLoad& load;
  Clock::time_point deadline;
  std::vector<double> latencies_us;
  uint64_t not_found = 0;
  uint64_t next_key = 0;

  // One in-flight slot: sends a lookup, and when it is answered, the next, until the deadline.
  kj::Promise<void> Loop(wire::Reader::Client reader) {
    if (Clock::now() >= deadline) return kj::READY_NOW;
    const Identifier& key = load.keys[next_key++ % load.keys.size()];
    auto request = reader.lookupRequest();
    request.getKey().setKind(key.kind);
    request.getKey().setValue(key.value);
    const auto start = Clock::now();
    return request.send().then([this, reader, start](auto&& response) mutable {
      latencies_us.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      not_found += response.getResult().getProfiles().size() == 0;
      return Loop(reader);
    });
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
  IDG_REQUIRE(!load.keys.empty() && load.concurrency > 0, "a load needs keys and concurrency");
  const uint32_t connections =
      load.connections != 0 ? load.connections : std::min<uint32_t>(load.concurrency, 8);
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
    Run run{load,
            Clock::now() + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(load.seconds)),
            {}, 0, 0};
    const auto start = Clock::now();
    auto slots = kj::heapArrayBuilder<kj::Promise<void>>(load.concurrency);
    for (uint32_t i = 0; i < load.concurrency; ++i) slots.add(run.Loop(readers[i % connections]));
    kj::joinPromises(slots.finish()).wait(wait);
    LoadReport r;
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.requests = run.latencies_us.size();
    r.not_found = run.not_found;
    r.per_second = double(r.requests) / r.seconds;
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
