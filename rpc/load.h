// A load generator for lookups over RPC, for benchmarks. Closed loop: `concurrency` requests
// spread over the connections; a connection sends its share together and the next share when
// all of it is answered, as redis-benchmark does with -P (one request per connection: each
// answer followed at once by the next request). Paced (open loop, `rate` > 0): requests sent on
// a fixed schedule whether or not earlier ones were answered (in ticks at least 100 µs apart),
// and how late the generator sent them is reported beside the latencies; the connections take
// `pipeline` consecutive requests each in turn (1: one at a time, as redis-benchmark -c; 8: a
// client pipelining, whose requests due in one tick leave in one write), and a connection's
// finish messages wait for its next request and go in the same write.
//
// It speaks Cap'n Proto's two-party RPC protocol by hand (bootstrap, login, then Reader.lookup
// calls and their finish messages, framed into one buffer per connection and written once per
// turn), as redis-benchmark speaks RESP: a client on the RPC system would cost about as much
// CPU as the server it measures, on the same cores. Runs on the calling thread (epoll).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rpc/types.h"

namespace idg::rpc {

struct LookupLoad {
  std::string address, token;
  std::vector<Identifier> keys;  // looked up in turn (raw values)
  uint32_t concurrency = 1;      // closed loop: requests in flight (at most)
  uint32_t connections = 0;      // 0: one per request in flight (as redis-benchmark -c); 64 paced
  double seconds = 5;
  double rate = 0;        // > 0: paced at this many requests a second (concurrency unused)
  uint32_t pipeline = 1;  // paced: consecutive requests each connection takes in turn
};

struct LoadReport {
  uint64_t requests = 0;   // answered
  uint64_t not_found = 0;  // answered with no profile
  double seconds = 0;
  double per_second = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;  // from send to answer
  uint64_t max_in_flight = 0;
  double send_lag_p99_us = 0;  // paced: how late the generator sent, 99th percentile
  uint64_t writes = 0;         // system calls the generator wrote requests with
};

// Throws idg::Error when the server cannot be reached, the token is refused or a lookup fails.
LoadReport RunLookupLoad(const LookupLoad& load);

}  // namespace idg::rpc
