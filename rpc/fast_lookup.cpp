#include "rpc/fast_lookup.h"

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>
#include <kj/debug.h>

#include <atomic>
#include <cstring>
#include <exception>

#include "rpc/wire.h"

namespace idg::rpc::detail {
namespace {

namespace proto = capnp::rpc;

std::atomic<uint64_t> answered_here{0};

// Words a lookup's Return usually takes: one profile's summary of a dozen fields.
constexpr uint32_t kReplyWords = 256;
// Messages taken from the buffer in one go before the event loop serves others.
constexpr int kLookupsPerTurn = 32;

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

FastLookupStream::FastLookupStream(BufferedStream& stream, const ServiceContext& context)
    : stream_(stream),
      inner_(stream),
      reply_space_(kj::heapArray<capnp::word>(kReplyWords)),
      context_(context) {
  std::memset(reply_space_.begin(), 0, reply_space_.asBytes().size());
}

kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> FastLookupStream::tryReadMessage(
    kj::ArrayPtr<kj::AutoCloseFd>, capnp::ReaderOptions options,
    kj::ArrayPtr<capnp::word> scratch) {
  // A malformed message throws: a rejected promise, as from the usual reader.
  return kj::evalNow([&] { return Next(options, scratch); });
}

kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> FastLookupStream::Next(
    capnp::ReaderOptions options, kj::ArrayPtr<capnp::word> scratch) {
  for (int taken = 0;; ++taken) {
    if (taken == kLookupsPerTurn) {
      // The loop's other connections first.
      return kj::evalLater([this, options, scratch] { return Next(options, scratch); });
    }
    if (reinterpret_cast<uintptr_t>(stream_.Buffered().begin()) % sizeof(capnp::word) != 0) {
      stream_.Compact();  // after a message read the usual way, which ends anywhere in a word
    }
    const kj::ArrayPtr<const kj::byte> bytes = stream_.Buffered();
    const kj::ArrayPtr<const capnp::word> words(reinterpret_cast<const capnp::word*>(bytes.begin()),
                                                bytes.size() / sizeof(capnp::word));
    const size_t need = words.size() == 0 ? 1 : capnp::expectedSizeInWordsFromPrefix(words);
    if (need * sizeof(capnp::word) > stream_.Capacity()) return ReadWhole(options, scratch);
    if (need > words.size()) {
      const bool empty = bytes.size() == 0;
      return stream_.Fill().then(
          [this, options, scratch,
           empty](size_t got) -> kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> {
            if (got == 0) {
              KJ_REQUIRE(empty, "premature end of stream inside a message");
              return kj::Maybe<capnp::MessageReaderAndFds>(nullptr);
            }
            return Next(options, scratch);
          });
    }
    const kj::ArrayPtr<const capnp::word> frame = words.slice(0, need);
    capnp::FlatArrayMessageReader message(frame, options);
    stream_.Take(frame.asBytes().size());
    switch (Intercept(message)) {
      case Taken::kYes:
        continue;
      case Taken::kYesWaitForRoom:
        return stream_.Room().then([this, options, scratch] { return Next(options, scratch); });
      case Taken::kNo:
        break;
    }
    // For the RPC system: a copy that owns its words (the buffer is reused by the next read).
    kj::Array<capnp::word> copy = kj::heapArray(frame);
    kj::Own<capnp::MessageReader> reader =
        kj::heap<capnp::FlatArrayMessageReader>(copy, options).attach(kj::mv(copy));
    return kj::Maybe<capnp::MessageReaderAndFds>(
        capnp::MessageReaderAndFds{kj::mv(reader), nullptr});
  }
}

kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> FastLookupStream::ReadWhole(
    capnp::ReaderOptions options, kj::ArrayPtr<capnp::word> scratch) {
  return inner_.tryReadMessage(nullptr, options, scratch)
      .then([this, options, scratch](kj::Maybe<capnp::MessageReaderAndFds>&& read)
                -> kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> {
        KJ_IF_MAYBE (message, read) {
          if (Intercept(*message->reader) != Taken::kNo) {
            return stream_.Room().then([this, options, scratch] { return Next(options, scratch); });
          }
        }
        return kj::mv(read);
      });
}

bool FastLookupStream::Send(capnp::MessageBuilder& reply) {
  const auto segments = reply.getSegmentsForOutput();
  if (segments.size() > kFramedSegments) {  // a huge answer: framed by capnp
    const kj::Array<capnp::word> flat = capnp::messageToFlatArray(segments);
    const kj::ArrayPtr<const kj::byte> piece = flat.asBytes();
    return stream_.Append(kj::arrayPtr(&piece, 1));
  }
  uint32_t table[kFramedSegments + 1];
  kj::ArrayPtr<const kj::byte> pieces[kFramedSegments + 1];
  pieces[0] = SegmentTable(segments, table);
  for (size_t i = 0; i < segments.size(); ++i) pieces[i + 1] = segments[i].asBytes();
  return stream_.Append(kj::arrayPtr(pieces, segments.size() + 1));
}

FastLookupStream::Taken FastLookupStream::Intercept(capnp::MessageReader& message) {
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
        return Taken::kNo;
      }
      capnp::MallocMessageBuilder reply(reply_space_);  // zeroes what it used when it goes
      auto ret = reply.initRoot<proto::Message>().initReturn();
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
      return Send(reply) ? Taken::kYes : Taken::kYesWaitForRoom;
    }
    case proto::Message::FINISH:
      return answered_.erase(m.getFinish().getQuestionId()) != 0 ? Taken::kYes : Taken::kNo;
    case proto::Message::RELEASE:
      readers_.erase(m.getRelease().getId());
      return Taken::kNo;
    default:
      return Taken::kNo;
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
