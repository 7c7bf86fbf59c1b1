#include "rpc/lookup_wire.h"

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "base/error.h"
#include "rpc/idgraph.capnp.h"
#include "rpc/wire.h"

namespace idg::rpc::detail {
namespace {

namespace proto = capnp::rpc;
constexpr size_t kWord = sizeof(capnp::word);

[[noreturn]] void Fail(const std::string& what) { throw Error(what); }

std::string Errno() { return std::strerror(errno); }

void WaitFor(int fd, short events) {
  pollfd p{fd, events, 0};
  if (::poll(&p, 1, kAnswerWaitMs) <= 0) Fail("no answer from the server for 10 s");
}

}  // namespace

struct LookupWire::Answer {
  uint32_t question;
  proto::Payload::Reader payload;
};

LookupWire::LookupWire(const std::string& address) : in_(1024) {
  std::string host, port;
  SplitHostPort(address, host, port);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int e = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); e != 0) {
    Fail(address + ": cannot resolve: " + gai_strerror(e));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
  std::string why = "no address";
  for (const addrinfo* a = found; a != nullptr && fd_.get() < 0; a = a->ai_next) {
    Fd fd(::socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() >= 0 && ::connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0) {
      fd_ = std::move(fd);
    } else {
      why = Errno();
    }
  }
  if (fd_.get() < 0) Fail(address + ": cannot connect: " + why);
  const int one = 1;
  ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd_.get(), F_SETFL, ::fcntl(fd_.get(), F_GETFL) | O_NONBLOCK);
}

void LookupWire::Login(const std::string& token) {
  {
    capnp::MallocMessageBuilder m;
    m.initRoot<proto::Message>().initBootstrap().setQuestionId(0);
    Append(m);
  }
  const uint32_t bootstrap = AwaitCapability(0, false);
  {
    capnp::MallocMessageBuilder m;
    auto call = m.initRoot<proto::Message>().initCall();
    call.setQuestionId(1);
    call.initTarget().setImportedCap(bootstrap);
    call.setInterfaceId(capnp::typeId<wire::Idgraph>());
    call.setMethodId(0);  // login
    call.initParams().getContent().initAs<wire::Idgraph::LoginParams>().setToken(token);
    Append(m);
  }
  reader_ = AwaitCapability(1, true);
  while (!Flush()) WaitFor(fd(), POLLOUT);  // the login's finish: nothing left for a lookup's write
}

void LookupWire::AppendLookup(uint32_t question, const Identifier& key, size_t padding) {
  capnp::word first[64] = {};
  capnp::MallocMessageBuilder m(kj::arrayPtr(first, 64));
  if (padding > 0) m.getOrphanage().newOrphan<capnp::Data>(padding);  // dropped, space kept
  auto call = m.initRoot<proto::Message>().initCall();
  call.setQuestionId(question);
  call.initTarget().setImportedCap(reader_);
  call.setInterfaceId(capnp::typeId<wire::Reader>());
  call.setMethodId(0);  // lookup
  auto k = call.initParams().getContent().initAs<wire::Reader::LookupParams>().initKey();
  k.setKind(key.kind);
  k.setValue(key.value);
  Append(m);
}

void LookupWire::AppendFinish(uint32_t question) {
  capnp::word first[8] = {};
  capnp::MallocMessageBuilder m(kj::arrayPtr(first, 8));
  m.initRoot<proto::Message>().initFinish().setQuestionId(question);  // the answer held no caps
  Append(m);
}

bool LookupWire::Flush() {
  while (pending()) {
    const ssize_t n = ::send(fd(), out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      // Keep only what is left, so that a server that reads slowly does not grow the buffer.
      out_.erase(out_.begin(), out_.begin() + static_cast<ptrdiff_t>(sent_));
      sent_ = 0;
      return false;
    }
    if (n < 0) Fail("write: " + Errno());
    ++writes_;
    sent_ += static_cast<size_t>(n);
  }
  out_.clear();
  sent_ = 0;
  return true;
}

void LookupWire::Receive(const std::function<void(uint32_t, uint32_t)>& answered) {
  Read([&](const Answer& a) {
    const auto result = a.payload.getContent().getAs<wire::Reader::LookupResults>().getResult();
    answered(a.question, result.getProfiles().size());
  });
}

void LookupWire::Read(const std::function<void(const Answer&)>& on_answer) {
  if (bytes_ == in_.size() * kWord) in_.resize(in_.size() * 2);
  ssize_t n;
  do {
    n = ::read(fd(), reinterpret_cast<char*>(in_.data()) + bytes_, in_.size() * kWord - bytes_);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN) return;
  if (n < 0) Fail("read: " + Errno());
  if (n == 0) Fail("the server closed the connection");
  bytes_ += static_cast<size_t>(n);
  const size_t words = bytes_ / kWord;
  const auto* base = reinterpret_cast<const capnp::word*>(in_.data());
  size_t at = 0, need = 0;
  while (at < words) {
    const size_t size = capnp::expectedSizeInWordsFromPrefix(kj::arrayPtr(base + at, words - at));
    if (size > words - at) {
      need = size;
      break;
    }
    capnp::FlatArrayMessageReader message(kj::arrayPtr(base + at, size));
    const auto m = message.getRoot<proto::Message>();
    switch (m.which()) {
      case proto::Message::RETURN: {
        const auto r = m.getReturn();
        if (r.isException()) Fail(r.getException().getReason().cStr());
        if (!r.isResults()) Fail("a call was answered without results");
        on_answer({r.getAnswerId(), r.getResults()});
        break;
      }
      case proto::Message::ABORT:
        Fail(std::string("the server aborted the connection: ") + m.getAbort().getReason().cStr());
      case proto::Message::UNIMPLEMENTED:
        Fail("the server did not understand a message");
      default:
        break;  // release, resolve...: nothing lookups need
    }
    at += size;
  }
  // The unread bytes to the front, with room for the whole message they begin.
  std::memmove(in_.data(), in_.data() + at, bytes_ - at * kWord);
  bytes_ -= at * kWord;
  if (need > in_.size()) in_.resize(need);
}

// Sends what is queued, waits for the answer to `question`, finishes it keeping its
// capabilities, and returns the import id of the capability it carries: the bootstrap
// interface itself, or (in_session) the reader of LoginResults.session.
uint32_t LookupWire::AwaitCapability(uint32_t question, bool in_session) {
  while (!Flush()) WaitFor(fd(), POLLOUT);
  bool answered = false;
  uint32_t id = 0;
  while (!answered) {
    WaitFor(fd(), POLLIN);
    Read([&](const Answer& a) {
      if (a.question != question) return;
      answered = true;
      uint32_t index = 0;
      if (in_session) {
        KJ_IF_MAYBE (i, SessionReaderIndex(a.payload.getContent())) {
          index = *i;
        } else {
          Fail("login: no reader in the answer");
        }
      }
      const auto caps = a.payload.getCapTable();
      if (index >= caps.size()) Fail("an answer without the capability it names");
      const auto cap = caps[index];
      if (cap.isSenderHosted()) {
        id = cap.getSenderHosted();
      } else if (cap.isSenderPromise()) {
        id = cap.getSenderPromise();
      } else {
        Fail("an answer with a capability this client cannot call");
      }
    });
  }
  capnp::MallocMessageBuilder m;
  auto finish = m.initRoot<proto::Message>().initFinish();
  finish.setQuestionId(question);
  finish.setReleaseResultCaps(false);  // keeps the capability just read
  Append(m);
  return id;
}

void LookupWire::Append(capnp::MessageBuilder& m) {
  const auto segments = m.getSegmentsForOutput();
  if (segments.size() > kFramedSegments) Fail("a request of more than 15 segments");
  uint32_t table[kFramedSegments + 1];
  const kj::ArrayPtr<const kj::byte> framing = SegmentTable(segments, table);
  out_.insert(out_.end(), framing.begin(), framing.end());
  for (const auto s : segments) {
    const kj::ArrayPtr<const kj::byte> bytes = s.asBytes();
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }
}

}  // namespace idg::rpc::detail
