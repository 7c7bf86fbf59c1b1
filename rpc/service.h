// The capabilities of rpc/idgraph.capnp: Idgraph (login), Reader, Writer and Admin, one
// `FooImpl final : Foo::Server` each (service.cpp), checking their inputs at the door.
// Private to rpc/.
#pragma once

#include <capnp/capability.h>
#include <kj/exception.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>

#include "graph/live_graph.h"
#include "rpc/config_reload.h"
#include "rpc/idgraph.capnp.h"
#include "rpc/segment_registry.h"
#include "rpc/write_queue.h"

namespace idg::rpc::detail {

// How far the re-resolution under way has come (Admin.reresolveProgress): written by the job
// on a worker thread, read on the loop threads.
class JobProgress {
 public:
  struct Snapshot {
    bool running = false;
    std::string stage;
    uint64_t done = 0, total = 0;
  };
  void Start() {
    std::lock_guard lock(mu_);
    now_ = Snapshot{true, "", 0, 0};
  }
  void Update(const char* stage, uint64_t done, uint64_t total) {
    std::lock_guard lock(mu_);
    now_.stage = stage;
    now_.done = done;
    now_.total = total;
  }
  void Finish() {
    std::lock_guard lock(mu_);
    now_.running = false;
  }
  Snapshot Get() const {
    std::lock_guard lock(mu_);
    return now_;
  }

 private:
  mutable std::mutex mu_;
  Snapshot now_;
};

// What every capability of a server shares. Read-only after the server starts; `graph`,
// `settings`, the queues and `segments` are thread-safe, so one context serves every
// event-loop thread.
struct ServiceContext {
  LiveGraph& graph;
  LiveSettings& settings;  // tokens and max_batch, replaced by Admin.reloadConfig
  WriteQueue& writes;
  // Reads too long for an event loop (re-counting every named segment), one at a time and
  // never behind a write.
  WriteQueue& long_reads;
  SegmentRegistry& segments;  // named segments
  JobProgress& reresolving;   // of Admin.reresolve
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// The bootstrap capability (wire::Idgraph) of one event-loop thread; `context` must outlive
// it and everything it hands out.
capnp::Capability::Client MakeBootstrap(const ServiceContext& context);

// Reader.lookup: checks the key as every call is checked at the door and writes the answer.
// The one implementation behind ReaderImpl::lookup and the connection's fast path
// (fast_lookup.h). Throws idg::Error or kj::Exception for a bad request.
void AnswerLookup(const ServiceContext& c, wire::Reader::LookupParams::Reader params,
                  wire::Reader::LookupResults::Builder results);

// The RPC exception a failure of a call leaves as: its reason is the message alone.
kj::Exception ToRpcException(std::exception_ptr e);

}  // namespace idg::rpc::detail
