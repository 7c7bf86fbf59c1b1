// The capabilities of rpc/idgraph.capnp: Idgraph (login), Reader, Writer and Admin, one
// `FooImpl final : Foo::Server` each (service.cpp), checking their inputs at the door.
// Private to rpc/.
#pragma once

#include <capnp/capability.h>

#include <chrono>

#include "graph/live_graph.h"
#include "rpc/config_reload.h"
#include "rpc/segment_registry.h"
#include "rpc/write_queue.h"

namespace idg::rpc::detail {

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
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// The bootstrap capability (wire::Idgraph) of one event-loop thread; `context` must outlive
// it and everything it hands out.
capnp::Capability::Client MakeBootstrap(const ServiceContext& context);

}  // namespace idg::rpc::detail
