// Reads run on the calling event-loop thread (LiveGraph reads take no lock; segment counts take
// the segment index's read lock and may fan out on TBB). Writes (ingest, erase, re-resolution)
// are turned into plain C++ values on that thread, run on the WriteQueue's TBB workers, and
// come back through a cross-thread fulfiller. Defining a segment changes the registry, not the
// graph: it runs on the loop thread too, under the registry's mutex, and so does a config
// reload (LiveSettings).
// Every failure leaves as an RPC exception whose reason is the message alone; the connection
// and the server go on.
#include "rpc/service.h"

#include <kj/async.h>
#include <kj/exception.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/process.h"
#include "graph/segment_query.h"
#include "rpc/idgraph.capnp.h"
#include "rpc/types.h"
#include "rpc/wire.h"

namespace idg::rpc::detail {
namespace {

constexpr uint32_t kMaxLargest = 1000;  // Reader.stats

[[noreturn]] void Fail(std::string message) {
  throw kj::Exception(kj::Exception::Type::FAILED, "idgraph", 0,
                      kj::heapString(message.data(), message.size()));
}

}  // namespace

kj::Exception ToRpcException(std::exception_ptr e) {
  std::string message = "internal error";
  try {
    std::rethrow_exception(e);
  } catch (const kj::Exception& k) {
    return k;
  } catch (const QueryError& err) {
    message = std::string("query: ") + err.what();
  } catch (const Error& err) {
    message = err.what();
  } catch (const std::exception& err) {
    message = std::string("internal error: ") + err.what();
  } catch (...) {
  }
  return kj::Exception(kj::Exception::Type::FAILED, "idgraph", 0,
                       kj::heapString(message.data(), message.size()));
}

namespace {

// Runs a method body; idg::Error and other exceptions become RPC exceptions.
template <typename F>
kj::Promise<void> AtTheDoor(F&& body) {
  try {
    return body();
  } catch (...) {
    return ToRpcException(std::current_exception());
  }
}

std::string Names(const auto& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item.name;
  return out;
}

bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// Token comparison whose time does not depend on where the strings differ.
bool SameToken(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// A write for the WriteQueue (or a long read for its own queue): `work` runs on a TBB worker;
// then `reply` gets its result on the event loop that made the job, or the call fails with its exception. The result waits in a
// shared slot, written before the fulfiller signals and read after (passing it through the
// promise instead makes GCC 12 warn, wrongly, inside kj::ExceptionOr). A cancelled call leaves
// the job to finish harmlessly.
template <typename T, typename Work, typename Reply>
kj::Promise<void> RunWrite(WriteQueue& writes, Work&& work, Reply&& reply) {
  auto result = std::make_shared<T>();
  auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
  writes.Submit(MakeJob(
      [work = std::forward<Work>(work), result, fulfiller = kj::mv(paf.fulfiller)]() mutable {
        try {
          *result = work();
          fulfiller->fulfill();
        } catch (...) {
          fulfiller->reject(ToRpcException(std::current_exception()));
        }
        fulfiller = nullptr;  // released here, not by the job's noexcept destructor
      }));
  return paf.promise.then(
      [result, reply = std::forward<Reply>(reply)]() mutable { reply(*result); });
}

class Door {
 public:
  explicit Door(const ServiceContext& c) : c_(c) {}

  // Messages are built only for requests that fail.
  void Kind(std::string_view kind) const {
    if (c_.graph.config().FindKind(kind)) return;
    Fail("unknown identifier kind '" + std::string(kind) +
         "' (the server knows: " + Names(c_.graph.config().kinds) + ")");
  }
  void Key(wire::IdentifierKey::Reader key) const {
    Kind(View(key.getKind()));
    if (Blank(View(key.getValue()))) {
      Fail("empty value for identifier kind '" + Str(key.getKind()) + "'");
    }
  }
  void Record(wire::RecordKey::Reader key) const {
    const std::string_view source = View(key.getSource());
    if (!c_.graph.config().FindSource(source)) {
      Fail("unknown source '" + std::string(source) +
           "' (the server knows: " + Names(c_.graph.config().sources) + ")");
    }
    if (Blank(View(key.getId()))) {
      Fail("empty record id for source '" + std::string(source) + "'");
    }
  }
  void Batch(size_t n, const char* what) const {
    const uint32_t max_batch = c_.settings.max_batch();
    if (n <= max_batch) return;
    Fail(std::to_string(n) + " " + what + " in one call; the server takes at most " +
         std::to_string(max_batch));
  }
  void PageLimit(uint32_t limit) const {
    const uint32_t max_batch = c_.settings.max_batch();
    if (limit >= 1 && limit <= max_batch) return;
    Fail("segment members: limit " + std::to_string(limit) + "; give 1 to " +
         std::to_string(max_batch) + " (the server's max_batch)");
  }

 private:
  const ServiceContext& c_;
};

class ReaderImpl final : public wire::Reader::Server {
 public:
  explicit ReaderImpl(const ServiceContext& c) : c_(c), door_(c) {}

  kj::Promise<void> lookup(LookupContext context) override {
    return AtTheDoor([&] {
      AnswerLookup(c_, context.getParams(), context.getResults());
      return kj::READY_NOW;
    });
  }

  kj::Promise<void> lookupBatch(LookupBatchContext context) override {
    return AtTheDoor([&] {
      auto keys = context.getParams().getKeys();
      door_.Batch(keys.size(), "keys");
      std::vector<std::pair<std::string_view, std::string_view>> checked;  // into the request
      checked.reserve(keys.size());
      for (auto key : keys) {
        door_.Key(key);
        checked.emplace_back(View(key.getKind()), View(key.getValue()));
      }
      auto results = context.getResults().initResults(keys.size());
      for (size_t i = 0; i < checked.size(); ++i) {
        ToWire(c_.graph.Lookup(checked[i].first, checked[i].second), results[i]);
      }
      return kj::READY_NOW;
    });
  }

  kj::Promise<void> getProfile(GetProfileContext context) override {
    return AtTheDoor([&] {
      ProfileViewPtr view = c_.graph.Profile(context.getParams().getId());
      auto results = context.getResults();
      if (view == nullptr) return kj::READY_NOW;
      if (ToWireIfLive(*view, results.initProfile())) {
        results.setFound(true);
      } else {
        results.disownProfile();  // erased meanwhile: zeroed, not found
      }
      return kj::READY_NOW;
    });
  }

  kj::Promise<void> explain(ExplainContext context) override {
    return AtTheDoor([&] {
      auto a = context.getParams().getA();
      auto b = context.getParams().getB();
      door_.Record(a);
      door_.Record(b);
      std::optional<Explanation> e = c_.graph.Explain(View(a.getSource()), View(a.getId()),
                                                      View(b.getSource()), View(b.getId()));
      ExplainReply reply;
      if (e && e->profile != nullptr && CopyExplanation(*e, reply)) {
        auto results = context.getResults();
        results.setFound(true);
        ToWire(reply, results.initExplanation());
      }
      return kj::READY_NOW;
    });
  }

  kj::Promise<void> explainProfile(ExplainProfileContext context) override {
    return AtTheDoor([&] {
      ProfileViewPtr view = c_.graph.Profile(context.getParams().getId());
      auto results = context.getResults();
      if (view == nullptr) return kj::READY_NOW;
      if (ToWireIfLive(*view, results.initExplanation())) {
        results.setFound(true);
      } else {
        results.disownExplanation();  // erased meanwhile: zeroed, not found
      }
      return kj::READY_NOW;
    });
  }

  kj::Promise<void> stats(StatsContext context) override {
    return AtTheDoor([&] {
      const uint32_t largest = context.getParams().getLargest();
      if (largest > kMaxLargest) Fail("stats: largest is at most " + std::to_string(kMaxLargest));
      GraphStats s = c_.graph.Stats(largest);
      s.memory_bytes = CurrentRssBytes();
      s.uptime_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - c_.started).count();
      ToWire(s, context.getResults().initStats());
      return kj::READY_NOW;
    });
  }

  kj::Promise<void> segmentCount(SegmentCountContext context) override {
    return AtTheDoor([&] {
      const SegmentQuery query = c_.graph.ParseSegment(View(context.getParams().getQuery()));
      context.getResults().setCount(c_.graph.SegmentCount(query));
      return kj::READY_NOW;
    });
  }

  kj::Promise<void> segmentMembers(SegmentMembersContext context) override {
    return AtTheDoor([&] {
      auto params = context.getParams();
      door_.PageLimit(params.getLimit());
      const SegmentQuery query = c_.graph.ParseSegment(View(params.getQuery()));
      ToWire(c_.graph.SegmentMembers(query, params.getCursor(), params.getLimit()),
             context.getResults());
      return kj::READY_NOW;
    });
  }

  // Up to kMaxSegments counts: off the event loop, which keeps serving meanwhile.
  // TODO(perf): one pass of the index for all saved segments instead of one count each.
  kj::Promise<void> listSegments(ListSegmentsContext context) override {
    return AtTheDoor([&] {
      auto saved = std::make_shared<const std::vector<SegmentRegistry::Entry>>(c_.segments.List());
      const LiveGraph& graph = c_.graph;
      return RunWrite<std::vector<uint64_t>>(
          c_.long_reads,
          [&graph, saved] {
            std::vector<uint64_t> counts;
            counts.reserve(saved->size());
            for (const SegmentRegistry::Entry& e : *saved) counts.push_back(graph.SegmentCount(*e.query));
            return counts;
          },
          [context, saved](const std::vector<uint64_t>& counts) mutable {
            auto out = context.getResults().initSegments(saved->size());
            for (size_t i = 0; i < saved->size(); ++i) {
              const SegmentRegistry::Entry& e = (*saved)[i];
              ToWire(Segment{e.name, e.text, counts[i]}, out[i]);
            }
          });
    });
  }

 private:
  const ServiceContext& c_;
  Door door_;
};

class WriterImpl final : public wire::Writer::Server {
 public:
  explicit WriterImpl(const ServiceContext& c) : c_(c), door_(c) {}

  kj::Promise<void> ingest(IngestContext context) override {
    return AtTheDoor([&] {
      auto records = context.getParams().getRecords();
      door_.Batch(records.size(), "records");
      std::vector<IncomingRecord> batch;
      batch.reserve(records.size());
      for (auto r : records) batch.push_back(FromWire(r));
      context.releaseParams();
      LiveGraph& graph = c_.graph;
      return RunWrite<IngestResult>(
          c_.writes, [&graph, batch = std::move(batch)] { return graph.Ingest(batch); },
          [context](const IngestResult& r) mutable {
            ToWire(r, context.getResults().initResult());
          });
    });
  }

  kj::Promise<void> defineSegment(DefineSegmentContext context) override {
    return AtTheDoor([&] {
      auto params = context.getParams();
      const std::string_view name = View(params.getName());
      CheckSegmentName(name);  // before parsing: a bad name is reported first
      SegmentQuery parsed = c_.graph.ParseSegment(View(params.getQuery()));
      std::shared_ptr<const SegmentQuery> saved =
          c_.segments.Define(std::string(name), Str(params.getQuery()), std::move(parsed));
      context.getResults().setCount(c_.graph.SegmentCount(*saved));
      return kj::READY_NOW;
    });
  }

 private:
  const ServiceContext& c_;
  Door door_;
};

// Fills an erase call's results.
template <typename Context>
auto EraseReply(Context context) {
  return [context](const EraseResult& r) mutable { ToWire(r, context.getResults().initResult()); };
}

class AdminImpl final : public wire::Admin::Server {
 public:
  explicit AdminImpl(const ServiceContext& c) : c_(c), door_(c) {}

  kj::Promise<void> eraseProfile(EraseProfileContext context) override {
    return AtTheDoor([&] {
      const ProfileId id = context.getParams().getId();
      LiveGraph& graph = c_.graph;
      return RunWrite<EraseResult>(
          c_.writes, [&graph, id] { return graph.EraseProfile(id); }, EraseReply(context));
    });
  }

  kj::Promise<void> eraseIdentifier(EraseIdentifierContext context) override {
    return AtTheDoor([&] {
      auto key = context.getParams().getKey();
      door_.Key(key);
      LiveGraph& graph = c_.graph;
      return RunWrite<EraseResult>(
          c_.writes,
          [&graph, kind = Str(key.getKind()), value = Str(key.getValue())] {
            return graph.EraseIdentifier(kind, value);
          },
          EraseReply(context));
    });
  }

  // A write like any other: on the WriteQueue, after the writes before it.
  kj::Promise<void> reresolve(ReresolveContext context) override {
    return AtTheDoor([&] {
      ReresolveOptions options;
      options.retrain = context.getParams().getRetrain();
      JobProgress& progress = c_.reresolving;
      options.progress = [&progress](const char* stage, uint64_t done, uint64_t total) {
        progress.Update(stage, done, total);
      };
      LiveGraph& graph = c_.graph;
      return RunWrite<ReresolveReport>(
          c_.writes,
          [&graph, &progress, options] {
            progress.Start();
            KJ_DEFER(progress.Finish());
            return graph.Reresolve(options);
          },
          [context](const ReresolveReport& r) mutable {
            ToWire(r, context.getResults().initReport());
          });
    });
  }

  kj::Promise<void> reresolveProgress(ReresolveProgressContext context) override {
    return AtTheDoor([&] {
      const JobProgress::Snapshot now = c_.reresolving.Get();
      auto results = context.getResults();
      results.setRunning(now.running);
      results.setStage(Text(now.stage));
      results.setDone(now.done);
      results.setTotal(now.total);
      return kj::READY_NOW;
    });
  }

  // On the loop thread: the file is small, and a reload runs one at a time.
  kj::Promise<void> reloadConfig(ReloadConfigContext context) override {
    return AtTheDoor([&] {
      const std::vector<std::string> applied = c_.settings.Reload();
      auto out = context.getResults().initApplied(applied.size());
      for (size_t i = 0; i < applied.size(); ++i) out.set(i, Text(applied[i]));
      return kj::READY_NOW;
    });
  }

 private:
  const ServiceContext& c_;
  Door door_;
};

class IdgraphImpl final : public wire::Idgraph::Server {
 public:
  explicit IdgraphImpl(const ServiceContext& c) : c_(c) {}

  kj::Promise<void> login(LoginContext context) override {
    return AtTheDoor([&] {
      const std::string_view token = View(context.getParams().getToken());
      std::optional<Role> role;
      const std::shared_ptr<const std::vector<TokenConfig>> tokens = c_.settings.tokens();
      for (const TokenConfig& t : *tokens) {
        if (SameToken(t.token, token)) role = t.role;
      }
      if (!role) Fail("unknown token");
      auto session = context.getResults().initSession();
      session.setReader(kj::heap<ReaderImpl>(c_));
      switch (*role) {
        case Role::kReader:
          session.setRole(wire::Role::READER);
          break;
        case Role::kWriter:
          session.setRole(wire::Role::WRITER);
          session.setWriter(kj::heap<WriterImpl>(c_));
          break;
        case Role::kAdmin:
          session.setRole(wire::Role::ADMIN);
          session.setWriter(kj::heap<WriterImpl>(c_));
          session.setAdmin(kj::heap<AdminImpl>(c_));
          break;
      }
      return kj::READY_NOW;
    });
  }

 private:
  const ServiceContext& c_;
};

}  // namespace

void AnswerLookup(const ServiceContext& c, wire::Reader::LookupParams::Reader params,
                  wire::Reader::LookupResults::Builder results) {
  auto key = params.getKey();
  Door(c).Key(key);
  ToWire(c.graph.Lookup(View(key.getKind()), View(key.getValue())), results.initResult());
}

capnp::Capability::Client MakeBootstrap(const ServiceContext& context) {
  return wire::Idgraph::Client(kj::heap<IdgraphImpl>(context));
}

}  // namespace idg::rpc::detail
