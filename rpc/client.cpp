#include "rpc/client.h"

#include <kj/async.h>
#include <kj/exception.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <string_view>
#include <utility>

#include "base/error.h"
#include "rpc/connection.h"
#include "rpc/idgraph.capnp.h"
#include "rpc/wire.h"

namespace idg::rpc {
namespace {

using detail::FromWire;
using detail::Text;
using detail::ToWire;
using detail::View;

// The server's message without KJ's framing.
std::string Reason(const kj::Exception& e) {
  std::string_view text(e.getDescription().cStr());
  for (std::string_view prefix : {"remote exception: ", "std::exception: "}) {
    if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
  }
  return std::string(text);
}

bool Disconnected(const kj::Exception& e) {
  return e.getType() == kj::Exception::Type::DISCONNECTED;
}

// What a failed call says to the caller.
std::string Describe(const kj::Exception& e) {
  return Disconnected(e) ? "lost the connection to the server: " + Reason(e) : Reason(e);
}

Role RoleOf(wire::Role r) {
  switch (r) {
    case wire::Role::READER:
      return Role::kReader;
    case wire::Role::WRITER:
      return Role::kWriter;
    case wire::Role::ADMIN:
      return Role::kAdmin;
  }
  return Role::kReader;
}

capnp::ReaderOptions ReaderOptionsFor(const ClientOptions& o) {
  capnp::ReaderOptions r;
  r.traversalLimitInWords = std::max<uint64_t>(o.max_message_bytes / 8, 1);
  return r;
}

}  // namespace

struct Client::Impl {
  Impl(const std::string& address, const ClientOptions& options)
      : io(detail::ThreadEventLoop()),
        connection(detail::Connect(*io, address, ReaderOptionsFor(options))) {}

  // Sends a request and waits for its response; KJ exceptions become idg::Error.
  template <typename Request>
  auto Send(Request& request) {
    return Converted([&] { return request.send().wait(io->waitScope); });
  }
  template <typename Reply>
  auto Wait(Reply& reply) {
    return Converted([&] { return reply.wait(io->waitScope); });
  }
  template <typename F>
  static auto Converted(F&& f) {
    try {
      return f();
    } catch (const kj::Exception& e) {
      throw Error(Describe(e));
    }
  }

  // The writer's ingest call for `records`, ready to send.
  auto IngestRequest(std::span<const IncomingRecord> records) {
    auto request = writer->ingestRequest();
    auto list = request.initRecords(records.size());
    for (size_t i = 0; i < records.size(); ++i) ToWire(records[i], list[i]);
    return request;
  }

  [[noreturn]] void Refuse(const char* what) const {
    throw Error(std::string("permission denied: a ") + RoleName(role) + " token may not " + what);
  }

  std::shared_ptr<kj::AsyncIoContext> io;    // first: outlives the connection
  kj::Own<detail::Connection> connection;    // outlives the capabilities below
  wire::Reader::Client reader = nullptr;
  std::optional<wire::Writer::Client> writer;  // empty: the role does not write
  std::optional<wire::Admin::Client> admin;    // empty: the role is not admin
  Role role = Role::kReader;
};

Client::Client(const std::string& address, const std::string& token, ClientOptions options) {
  try {
    impl_ = std::make_unique<Impl>(address, options);
  } catch (const kj::Exception& e) {
    throw Error(address + ": cannot connect: " + Reason(e));
  }
  auto request = impl_->connection->Bootstrap().castAs<wire::Idgraph>().loginRequest();
  request.setToken(Text(token));
  try {
    auto response = request.send().wait(impl_->io->waitScope);
    auto session = response.getSession();
    impl_->role = RoleOf(session.getRole());
    impl_->reader = session.getReader();
    if (session.hasWriter()) impl_->writer = session.getWriter();
    if (session.hasAdmin()) impl_->admin = session.getAdmin();
  } catch (const kj::Exception& e) {
    if (Disconnected(e)) throw Error(address + ": cannot connect: " + Reason(e));
    throw Error(Reason(e));
  }
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Role Client::role() const { return impl_->role; }

LookupReply Client::Lookup(const std::string& kind, const std::string& value) {
  auto request = impl_->reader.lookupRequest();
  auto key = request.initKey();
  key.setKind(Text(kind));
  key.setValue(Text(value));
  return FromWire(impl_->Send(request).getResult());
}

std::vector<LookupReply> Client::LookupBatch(std::span<const Identifier> keys) {
  auto request = impl_->reader.lookupBatchRequest();
  auto list = request.initKeys(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    list[i].setKind(Text(keys[i].kind));
    list[i].setValue(Text(keys[i].value));
  }
  auto response = impl_->Send(request);
  std::vector<LookupReply> out;
  for (auto r : response.getResults()) out.push_back(FromWire(r));
  return out;
}

std::optional<ProfileReply> Client::Profile(ProfileId id) {
  auto request = impl_->reader.getProfileRequest();
  request.setId(id);
  auto response = impl_->Send(request);
  if (!response.getFound()) return std::nullopt;
  return FromWire(response.getProfile());
}

std::optional<ExplainReply> Client::Explain(const RecordKey& a, const RecordKey& b) {
  auto request = impl_->reader.explainRequest();
  request.initA().setSource(Text(a.source));
  request.getA().setId(Text(a.id));
  request.initB().setSource(Text(b.source));
  request.getB().setId(Text(b.id));
  auto response = impl_->Send(request);
  if (!response.getFound()) return std::nullopt;
  return FromWire(response.getExplanation());
}

std::optional<ExplainReply> Client::ExplainProfile(ProfileId id) {
  auto request = impl_->reader.explainProfileRequest();
  request.setId(id);
  auto response = impl_->Send(request);
  if (!response.getFound()) return std::nullopt;
  return FromWire(response.getExplanation());
}

GraphStats Client::Stats(uint32_t largest) {
  auto request = impl_->reader.statsRequest();
  request.setLargest(largest);
  return FromWire(impl_->Send(request).getStats());
}

uint64_t Client::SegmentCount(const std::string& query) {
  auto request = impl_->reader.segmentCountRequest();
  request.setQuery(Text(query));
  return impl_->Send(request).getCount();
}

SegmentPage Client::SegmentMembers(const std::string& query, uint32_t limit, ProfileId cursor) {
  auto request = impl_->reader.segmentMembersRequest();
  request.setQuery(Text(query));
  request.setLimit(limit);
  request.setCursor(cursor);
  return FromWire(impl_->Send(request));
}

std::vector<Segment> Client::ListSegments() {
  auto request = impl_->reader.listSegmentsRequest();
  auto response = impl_->Send(request);
  std::vector<Segment> out;
  out.reserve(response.getSegments().size());
  for (auto s : response.getSegments()) out.push_back(FromWire(s));
  return out;
}

IngestResult Client::Ingest(std::span<const IncomingRecord> records) {
  if (!impl_->writer) impl_->Refuse("ingest");
  auto request = impl_->IngestRequest(records);
  return FromWire(impl_->Send(request).getResult());
}

void Client::IngestAll(std::span<const IncomingRecord> records, size_t batch,
                       const std::function<void(size_t first, IngestResult&& result)>& done,
                       size_t depth) {
  IDG_REQUIRE(batch > 0 && depth > 0, "ingest: the batch size and depth must be at least 1");
  if (!impl_->writer) impl_->Refuse("ingest");
  struct InFlight {
    size_t first, count;
    capnp::RemotePromise<wire::Writer::IngestResults> reply;
  };
  std::deque<InFlight> flight;
  size_t next = 0;
  std::optional<IngestFailed> failed;
  auto send = [&] {
    const size_t n = std::min(batch, records.size() - next);
    flight.push_back({next, n, impl_->IngestRequest(records.subspan(next, n)).send()});
    next += n;
  };
  for (;;) {
    while (!failed && next < records.size() && flight.size() < depth) send();
    if (flight.empty()) break;
    InFlight f = std::move(flight.front());
    flight.pop_front();
    try {
      auto response = f.reply.wait(impl_->io->waitScope);
      done(f.first, FromWire(response.getResult()));
    } catch (const kj::Exception& e) {
      if (!failed) failed.emplace(f.first, f.count, Describe(e));
    }
  }
  if (failed) {
    failed->sent = next;
    throw *failed;
  }
}

uint64_t Client::DefineSegment(const std::string& name, const std::string& query) {
  if (!impl_->writer) impl_->Refuse("define segments");
  auto request = impl_->writer->defineSegmentRequest();
  request.setName(Text(name));
  request.setQuery(Text(query));
  return impl_->Send(request).getCount();
}

EraseResult Client::EraseProfile(ProfileId id) {
  if (!impl_->admin) impl_->Refuse("erase");
  auto request = impl_->admin->eraseProfileRequest();
  request.setId(id);
  return FromWire(impl_->Send(request).getResult());
}

EraseResult Client::EraseIdentifier(const std::string& kind, const std::string& value) {
  if (!impl_->admin) impl_->Refuse("erase");
  auto request = impl_->admin->eraseIdentifierRequest();
  auto key = request.initKey();
  key.setKind(Text(kind));
  key.setValue(Text(value));
  return FromWire(impl_->Send(request).getResult());
}

std::vector<std::string> Client::ReloadConfig() {
  if (!impl_->admin) impl_->Refuse("reload the config");
  auto request = impl_->admin->reloadConfigRequest();
  auto response = impl_->Send(request);
  std::vector<std::string> applied;
  for (auto name : response.getApplied()) applied.emplace_back(name.begin(), name.size());
  return applied;
}

ReresolveReport Client::Reresolve(bool retrain,
                                  const std::function<void(const ReresolveStatus&)>& progress,
                                  std::chrono::milliseconds every) {
  if (!impl_->admin) impl_->Refuse("re-resolve");
  auto request = impl_->admin->reresolveRequest();
  request.setRetrain(retrain);
  if (!progress) return FromWire(impl_->Send(request).getReport());
  auto reply = request.send();
  kj::WaitScope& wait = impl_->io->waitScope;
  kj::Timer& timer = impl_->io->provider->getTimer();
  while (!reply.poll(wait)) {
    timer.afterDelay(every.count() * kj::MILLISECONDS).wait(wait);
    if (reply.poll(wait)) break;
    progress(ReresolveProgress());
  }
  return FromWire(impl_->Wait(reply).getReport());
}

ReresolveStatus Client::ReresolveProgress() {
  if (!impl_->admin) impl_->Refuse("follow a re-resolution");
  auto request = impl_->admin->reresolveProgressRequest();
  auto response = impl_->Send(request);
  return {response.getRunning(), std::string(View(response.getStage())), response.getDone(),
          response.getTotal()};
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kWriter:
      return "writer";
    case Role::kAdmin:
      return "admin";
  }
  return "reader";
}

}  // namespace idg::rpc
