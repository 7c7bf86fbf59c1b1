#include "rpc/fast_lookup.h"

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>

#include <atomic>
#include <exception>

#include "rpc/wire.h"

namespace idg::rpc::detail {
namespace {

namespace proto = capnp::rpc;

std::atomic<uint64_t> answered_here{0};

// Words a lookup's Return usually takes: one profile's summary of a dozen fields.
constexpr uint32_t kReplyWords = 256;

bool IsLogin(proto::Call::Reader call) {
  return call.getInterfaceId() == capnp::typeId<wire::Idgraph>() && call.getMethodId() == 0;
}

// The export id of the reader in a login's results, if any.
kj::Maybe<uint32_t> ReaderExport(proto::Payload::Reader payload) {
  KJ_IF_MAYBE (index, SessionReaderIndex(payload.getContent())) {
    const auto caps = payload.getCapTable();
    if (*index < caps.size() && caps[*index].isSenderHosted()) {
      return caps[*index].getSenderHosted();
    }
  }
  return nullptr;
}

}  // namespace

uint64_t FastLookupCount() { return answered_here.load(std::memory_order_relaxed); }

FastLookupStream::FastLookupStream(kj::AsyncIoStream& stream, const ServiceContext& context)
    : inner_(stream), context_(context) {}

kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> FastLookupStream::tryReadMessage(
    kj::ArrayPtr<kj::AutoCloseFd> fd_space, capnp::ReaderOptions options,
    kj::ArrayPtr<capnp::word> scratch) {
  return inner_.tryReadMessage(fd_space, options, scratch)
      .then([this, fd_space, options, scratch](kj::Maybe<capnp::MessageReaderAndFds>&& read)
                -> kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> {
        KJ_IF_MAYBE (message, read) {
          KJ_IF_MAYBE (written, Intercept(*message->reader)) {
            // Answered here: on to the next message once the stream took the answer.
            return written->then([this, fd_space, options, scratch] {
              return tryReadMessage(fd_space, options, scratch);
            });
          }
        }
        return kj::mv(read);
      });
}

kj::Maybe<kj::Promise<void>> FastLookupStream::Intercept(capnp::MessageReader& message) {
  const auto m = message.getRoot<proto::Message>();
  switch (m.which()) {
    case proto::Message::CALL: {
      const auto call = m.getCall();
      if (IsLogin(call)) logins_.insert(call.getQuestionId());
      const auto target = call.getTarget();
      // Only the plain case: results to the caller, no capabilities in the parameters.
      if (!target.isImportedCap() || readers_.count(target.getImportedCap()) == 0 ||
          call.getInterfaceId() != capnp::typeId<wire::Reader>() || call.getMethodId() != 0 ||
          !call.getSendResultsTo().isCaller() || call.getParams().getCapTable().size() != 0) {
        return nullptr;
      }
      auto reply = kj::heap<capnp::MallocMessageBuilder>(kReplyWords);
      auto ret = reply->initRoot<proto::Message>().initReturn();
      ret.setAnswerId(call.getQuestionId());
      ret.setReleaseParamCaps(false);  // a lookup's parameters carry none
      try {
        AnswerLookup(context_, call.getParams().getContent().getAs<wire::Reader::LookupParams>(),
                     ret.initResults().getContent().initAs<wire::Reader::LookupResults>());
      } catch (...) {
        const kj::Exception e = ToRpcException(std::current_exception());
        auto failed = ret.initException();  // replaces the results begun above
        failed.setReason(e.getDescription());
        failed.setType(proto::Exception::Type::FAILED);
      }
      answered_.insert(call.getQuestionId());
      answered_here.fetch_add(1, std::memory_order_relaxed);
      auto written = inner_.writeMessage(nullptr, reply->getSegmentsForOutput());
      return written.attach(kj::mv(reply));
    }
    case proto::Message::FINISH:
      if (answered_.erase(m.getFinish().getQuestionId()) != 0)
        return kj::Promise<void>(kj::READY_NOW);
      return nullptr;
    case proto::Message::RELEASE:
      readers_.erase(m.getRelease().getId());
      return nullptr;
    default:
      return nullptr;
  }
}

// The server's own messages: a login's answer names the session's reader.
void FastLookupStream::Watch(kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) {
  if (logins_.empty()) return;
  capnp::SegmentArrayMessageReader message(segments);
  const auto m = message.getRoot<proto::Message>();
  if (!m.isReturn() || logins_.erase(m.getReturn().getAnswerId()) == 0) return;
  if (!m.getReturn().isResults()) return;
  KJ_IF_MAYBE (id, ReaderExport(m.getReturn().getResults())) {
    readers_.insert(*id);
  }
}

kj::Promise<void> FastLookupStream::writeMessage(
    kj::ArrayPtr<const int> fds, kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) {
  Watch(segments);
  return inner_.writeMessage(fds, segments);
}

kj::Promise<void> FastLookupStream::writeMessages(
    kj::ArrayPtr<kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>> messages) {
  for (auto segments : messages) Watch(segments);
  return inner_.writeMessages(messages);
}

kj::Maybe<int> FastLookupStream::getSendBufferSize() { return inner_.getSendBufferSize(); }

kj::Promise<void> FastLookupStream::end() { return inner_.end(); }

}  // namespace idg::rpc::detail
