// Reader.lookup answered where the server's connection reads it, not by the RPC system.
// Cap'n Proto 0.9.2 turns every call into a dozen heap objects, an event-loop turn, a forked
// promise for pipelining, an answer-table entry kept until the client's Finish, and a fresh
// 8 KiB message for the reply; for a lookup, the service's commonest and smallest call, that
// machinery costs more than the lookup. FastLookupStream is the message stream between the
// two-party network and the socket's buffered stream:
//  - it learns which of the connection's exports are Readers from the server's own answers
//    to login (the session's reader capability), and forgets one when the client releases it;
//  - a Call of Reader.lookup on such an export is answered at once by AnswerLookup (the code
//    behind ReaderImpl::lookup), its Return written straight to the stream, and the client's
//    Finish for that question is dropped; the RPC system sees neither;
//  - every other message passes through untouched: calls on a promised answer, and lookups
//    whose results go elsewhere than to the caller or whose parameters carry capabilities.
// It frames messages itself, in place in the buffered stream's read-ahead buffer: the messages
// one read brought in are taken in one go (32 at most, then the loop's other connections get
// a turn), lookups answered into the write buffer with no promise, copy or allocation each,
// until one passes through (copied out for the RPC system) or the buffer runs dry. Messages
// larger than the buffer are read the usual way.
// Lives on the connection's event-loop thread.
#pragma once

#include <capnp/serialize-async.h>
#include <kj/async-io.h>

#include <cstdint>
#include <unordered_set>

#include "rpc/buffered_stream.h"
#include "rpc/service.h"

namespace idg::rpc::detail {

// Lookups answered by FastLookupStreams in this process so far (for tests and profiling).
uint64_t FastLookupCount();

class FastLookupStream final : public capnp::MessageStream {
 public:
  FastLookupStream(BufferedStream& stream, const ServiceContext& context);

  kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> tryReadMessage(
      kj::ArrayPtr<kj::AutoCloseFd> fd_space, capnp::ReaderOptions options,
      kj::ArrayPtr<capnp::word> scratch) override;
  kj::Promise<void> writeMessage(
      kj::ArrayPtr<const int> fds,
      kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) override;
  kj::Promise<void> writeMessages(
      kj::ArrayPtr<kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>> messages) override;
  kj::Maybe<int> getSendBufferSize() override;
  kj::Promise<void> end() override;

 private:
  enum class Taken { kNo, kYes, kYesWaitForRoom };
  // Answers a lookup (its Return queued on the stream) or drops the Finish of one: kYes, or
  // kYesWaitForRoom when the stream's backlog is full. Anything else: kNo.
  Taken Intercept(capnp::MessageReader& message);
  // Queues a message built in `reply` on the stream; false: wait for its Room().
  bool Send(capnp::MessageBuilder& reply);
  // The next message for the RPC system, answering lookups on the way.
  kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> Next(capnp::ReaderOptions options,
                                                          kj::ArrayPtr<capnp::word> scratch);
  // The message read the usual way (larger than the read-ahead buffer).
  kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> ReadWhole(capnp::ReaderOptions options,
                                                               kj::ArrayPtr<capnp::word> scratch);
  void Watch(kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments);

  BufferedStream& stream_;
  capnp::AsyncIoMessageStream inner_;
  kj::Array<capnp::word> reply_space_;  // zeroed; a reply's first segment
  const ServiceContext& context_;
  std::unordered_set<uint32_t> readers_;   // export ids of Reader capabilities
  std::unordered_set<uint32_t> logins_;    // questions calling Idgraph.login, not yet answered
  std::unordered_set<uint32_t> answered_;  // lookups answered here, awaiting their Finish
};

}  // namespace idg::rpc::detail
