#include "rpc/load.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>

#include "base/error.h"
#include "rpc/idgraph.capnp.h"
#include "rpc/listen_socket.h"

namespace idg::rpc {
namespace {

using Clock = std::chrono::steady_clock;
using detail::Fd;
namespace proto = capnp::rpc;

constexpr int kWaitMs = 10'000;  // longest wait for the server before the load gives up

double MicrosBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

[[noreturn]] void Fail(const std::string& what) { throw Error("lookup load: " + what); }

Fd ConnectTo(const std::string& address) {
  std::string host, port;
  detail::SplitHostPort(address, host, port);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
    Fail(address + ": cannot resolve");
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
  Fd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0 || ::connect(fd.get(), found->ai_addr, found->ai_addrlen) != 0) {
    Fail(address + ": cannot connect: " + std::strerror(errno));
  }
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const int flags = fcntl(fd.get(), F_GETFL);
  fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
  return fd;
}

void WaitFor(int fd, short events) {
  pollfd p{fd, events, 0};
  if (::poll(&p, 1, kWaitMs) <= 0) Fail("no answer from the server");
}

// One connection speaking Cap'n Proto's two-party RPC protocol (capnp/rpc.capnp) by hand:
// a call is one message written into a buffer and a return is read in place, with none of
// the RPC system's promises, tables and copies, as redis-benchmark speaks RESP. What it
// measures is then the server.
class Wire {
 public:
  explicit Wire(const std::string& address) : fd_(ConnectTo(address)), in_(1024) {}

  int fd() const { return fd_.get(); }
  bool pending() const { return sent_ < out_.size(); }

  // Bootstrap, then login: the Reader's import id for Lookup. Blocking.
  void Login(const std::string& token) {
    {
      capnp::MallocMessageBuilder m;
      m.initRoot<proto::Message>().initBootstrap().setQuestionId(0);
      Append(m);
    }
    const uint32_t bootstrap = CapOfAnswer(0, [](capnp::AnyPointer::Reader) { return 0u; });
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
    // LoginResults.session, then Session.reader: both first pointers of their structs, a
    // capability pointer whose upper half is its index in the answer's capability table
    // (the encoding spec's "other" pointer).
    reader_ = CapOfAnswer(1, [](capnp::AnyPointer::Reader content) {
      auto session = content.getAs<capnp::AnyStruct>().getPointerSection()[0]
                         .getAs<capnp::AnyStruct>();
      uint64_t word;
      std::memcpy(&word, session.getDataSection().end(), sizeof word);
      if ((word & 0xffffffffu) != 3) Fail("login: no reader capability in the session");
      return static_cast<uint32_t>(word >> 32);
    });
  }

  void AppendLookup(uint32_t question, const Identifier& key) {
    capnp::word scratch[64] = {};
    capnp::MallocMessageBuilder m(kj::arrayPtr(scratch, 64));
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

  void AppendFinish(uint32_t question, bool release_caps = true) {
    capnp::word scratch[8] = {};
    capnp::MallocMessageBuilder m(kj::arrayPtr(scratch, 8));
    auto finish = m.initRoot<proto::Message>().initFinish();
    finish.setQuestionId(question);
    finish.setReleaseResultCaps(release_caps);
    Append(m);
  }

  // Writes what is pending; false when the socket takes no more now.
  bool Flush() {
    while (pending()) {
      const ssize_t n = ::write(fd(), out_.data() + sent_, out_.size() - sent_);
      if (n < 0 && errno == EAGAIN) return false;
      if (n <= 0) Fail(std::string("write: ") + std::strerror(errno));
      sent_ += static_cast<size_t>(n);
    }
    out_.clear();
    sent_ = 0;
    return true;
  }

  // One read, then each whole message it completed; a Return goes to on_return(answer id,
  // return). A failed call throws.
  void Receive(const std::function<void(uint32_t, proto::Return::Reader)>& on_return) {
    constexpr size_t kWord = sizeof(capnp::word);
    if (bytes_ == in_.size() * kWord) in_.resize(in_.size() * 2);
    const ssize_t n =
        ::read(fd(), reinterpret_cast<char*>(in_.data()) + bytes_, in_.size() * kWord - bytes_);
    if (n < 0 && errno == EAGAIN) return;
    if (n == 0) Fail("the server closed the connection");
    if (n < 0) Fail(std::string("read: ") + std::strerror(errno));
    bytes_ += static_cast<size_t>(n);
    const size_t words = bytes_ / kWord;
    size_t at = 0, need = 0;
    while (at < words) {
      const size_t size =
          capnp::expectedSizeInWordsFromPrefix(kj::arrayPtr(in_.data() + at, words - at));
      if (size > words - at) {
        need = size;
        break;
      }
      capnp::FlatArrayMessageReader message(kj::arrayPtr(in_.data() + at, size));
      Dispatch(message.getRoot<proto::Message>(), on_return);
      at += size;
    }
    // The unread bytes to the front, with room for the whole message they begin.
    std::memmove(in_.data(), in_.data() + at, bytes_ - at * kWord);
    bytes_ -= at * kWord;
    if (need > in_.size()) in_.resize(need);
  }

 private:
  void Append(capnp::MessageBuilder& m) {
    auto segments = m.getSegmentsForOutput();
    // The stream framing: segment count - 1, each segment's size in words, padded to a word.
    uint32_t table[16] = {};
    if (segments.size() > 14) Fail("a request of more than 14 segments");
    table[0] = static_cast<uint32_t>(segments.size() - 1);
    for (size_t i = 0; i < segments.size(); ++i) table[i + 1] = static_cast<uint32_t>(segments[i].size());
    const size_t table_words = (segments.size() + 2) / 2;
    const auto* t = reinterpret_cast<const char*>(table);
    out_.insert(out_.end(), t, t + table_words * sizeof(capnp::word));
    for (auto s : segments) {
      const auto* b = reinterpret_cast<const char*>(s.begin());
      out_.insert(out_.end(), b, b + s.size() * sizeof(capnp::word));
    }
  }

  void Dispatch(proto::Message::Reader m,
                const std::function<void(uint32_t, proto::Return::Reader)>& on_return) {
    switch (m.which()) {
      case proto::Message::RETURN: {
        auto r = m.getReturn();
        if (r.isException()) Fail(std::string(r.getException().getReason().cStr()));
        if (!r.isResults()) Fail("a call was answered without results");
        on_return(r.getAnswerId(), r);
        return;
      }
      case proto::Message::ABORT:
        Fail(std::string("the server aborted: ") + m.getAbort().getReason().cStr());
      case proto::Message::UNIMPLEMENTED:
        Fail("the server did not understand a message");
      default:
        return;  // release, resolve...: nothing the lookups need
    }
  }

  // Sends what is pending, waits for the answer to `question`, finishes it (keeping its
  // capabilities) and returns the import id of the capability at the index `index` finds.
  template <class Index>
  uint32_t CapOfAnswer(uint32_t question, Index index) {
    while (!Flush()) WaitFor(fd(), POLLOUT);
    bool answered = false;
    uint32_t id = 0;
    while (!answered) {
      WaitFor(fd(), POLLIN);
      Receive([&](uint32_t answer, proto::Return::Reader r) {
        if (answer != question) return;
        answered = true;
        const auto payload = r.getResults();
        const uint32_t i = index(payload.getContent());
        if (i >= payload.getCapTable().size()) Fail("login: no reader capability");
        const auto cap = payload.getCapTable()[i];
        id = cap.isSenderHosted() ? cap.getSenderHosted() : cap.getSenderPromise();
      });
    }
    AppendFinish(question, false);
    return id;
  }

  Fd fd_;
  std::vector<capnp::word> in_;  // received, word-aligned for the reader
  size_t bytes_ = 0;             // received and not yet read, from in_'s start
  std::vector<char> out_;        // to send
  size_t sent_ = 0;              // of out_
  uint32_t reader_ = 0;
};

// A connection and its lookups in flight, by question id (0 and 1 were the login's).
struct Conn {
  static constexpr uint32_t kFirst = 2;

  explicit Conn(const std::string& address) : wire(address) {}

  uint32_t Take(Clock::time_point now) {
    uint32_t id;
    if (free.empty()) {
      id = kFirst + static_cast<uint32_t>(sent_at.size());
      sent_at.push_back(now);
    } else {
      id = free.back();
      free.pop_back();
      sent_at[id - kFirst] = now;
    }
    return id;
  }

  Wire wire;
  std::vector<Clock::time_point> sent_at;
  std::vector<uint32_t> free;
  bool watching_out = false;  // EPOLLOUT asked for: the socket was full
};

class Run {
 public:
  Run(const LookupLoad& load, uint32_t connections) : load_(load) {
    for (uint32_t c = 0; c < connections; ++c) {
      conns_.push_back(std::make_unique<Conn>(load.address));
      conns_.back()->wire.Login(load.token);
    }
    epoll_ = Fd(epoll_create1(EPOLL_CLOEXEC));
    timer_ = Fd(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (epoll_.get() < 0 || timer_.get() < 0) Fail(std::string("epoll: ") + std::strerror(errno));
    for (uint32_t c = 0; c <= connections; ++c) {
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.u32 = c;  // `connections`: the timer
      epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, c < connections ? conns_[c]->wire.fd() : timer_.get(),
                &e);
    }
  }

  LoadReport Go() {
    start_ = Clock::now();
    deadline_ = start_ + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(load_.seconds));
    const bool paced = load_.rate > 0;
    const uint64_t total = paced ? static_cast<uint64_t>(load_.rate * load_.seconds) : 0;
    if (paced) {
      SendDue(total);
    } else {
      for (uint32_t i = 0; i < load_.concurrency; ++i) Send(*conns_[i % conns_.size()], {});
    }
    FlushAll();
    epoll_event events[64];
    while (in_flight_ > 0 || (paced && sent_ < total)) {
      const int n = epoll_wait(epoll_.get(), events, 64, kWaitMs);
      if (n == 0) Fail("no answer from the server for 10 s");
      if (n < 0 && errno != EINTR) Fail(std::string("epoll: ") + std::strerror(errno));
      for (int i = 0; i < n; ++i) {
        const uint32_t c = events[i].data.u32;
        if (c == conns_.size()) {
          uint64_t ticks;
          [[maybe_unused]] ssize_t got = ::read(timer_.get(), &ticks, sizeof ticks);
          continue;
        }
        Conn& conn = *conns_[c];
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
          conn.wire.Receive([&](uint32_t id, proto::Return::Reader r) { Answered(conn, id, r); });
        }
      }
      if (paced) SendDue(total);
      FlushAll();
    }
    return Report();
  }

 private:
  void Send(Conn& conn, Clock::time_point due) {
    const Clock::time_point now = Clock::now();
    if (load_.rate > 0) lags_us_.push_back(MicrosBetween(due, now));
    conn.wire.AppendLookup(conn.Take(now), load_.keys[sent_ % load_.keys.size()]);
    ++sent_;
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  }

  void Answered(Conn& conn, uint32_t id, proto::Return::Reader r) {
    if (id < Conn::kFirst || id - Conn::kFirst >= conn.sent_at.size()) return;  // the login's
    const Clock::time_point now = Clock::now();
    latencies_us_.push_back(MicrosBetween(conn.sent_at[id - Conn::kFirst], now));
    const auto result = r.getResults().getContent().getAs<wire::Reader::LookupResults>();
    not_found_ += result.getResult().getProfiles().size() == 0;
    --in_flight_;
    last_answer_ = now;
    conn.wire.AppendFinish(id);  // before the id is used again
    conn.free.push_back(id);
    if (load_.rate == 0 && now < deadline_) Send(conn, {});
  }

  // Paced: what fell due by now (all `total` once the deadline passed), then the timer set for
  // the next, at least 100 µs on: requests due closer together than that leave together.
  void SendDue(uint64_t total) {
    const auto now = std::min(Clock::now(), deadline_);
    const uint64_t due = now >= deadline_ ? total
                         : std::min(total, static_cast<uint64_t>(
                                               std::chrono::duration<double>(now - start_).count() *
                                               load_.rate));
    auto due_at = [&](uint64_t i) {
      return start_ + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>(double(i) / load_.rate));
    };
    while (sent_ < due) Send(*conns_[sent_ % conns_.size()], due_at(sent_));
    if (sent_ >= total) return;
    const auto next = std::max(due_at(sent_ + 1), Clock::now() + std::chrono::microseconds(100));
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(next.time_since_epoch()).count();
    itimerspec when{};
    when.it_value.tv_sec = ns / 1'000'000'000;
    when.it_value.tv_nsec = ns % 1'000'000'000;
    timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &when, nullptr);
  }

  void FlushAll() {
    for (uint32_t c = 0; c < conns_.size(); ++c) {
      Conn& conn = *conns_[c];
      if (!conn.wire.pending() && !conn.watching_out) continue;
      const bool done = conn.wire.Flush();
      if (done == !conn.watching_out) continue;
      conn.watching_out = !done;
      epoll_event e{};
      e.events = EPOLLIN | (done ? 0u : uint32_t{EPOLLOUT});
      e.data.u32 = c;
      epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, conn.wire.fd(), &e);
    }
  }

  LoadReport Report() {
    LoadReport r;
    r.seconds = std::chrono::duration<double>(std::max(last_answer_, start_) - start_).count();
    r.requests = latencies_us_.size();
    r.not_found = not_found_;
    r.per_second = r.seconds > 0 ? double(r.requests) / r.seconds : 0;
    r.max_in_flight = max_in_flight_;
    r.send_lag_p99_us = Percentile(lags_us_, 0.99);
    r.p50_us = Percentile(latencies_us_, 0.50);
    r.p99_us = Percentile(latencies_us_, 0.99);
    r.p999_us = Percentile(latencies_us_, 0.999);
    r.max_us = latencies_us_.empty() ? 0
                                     : *std::max_element(latencies_us_.begin(), latencies_us_.end());
    return r;
  }

  static double Percentile(std::vector<double>& v, double q) {
    if (v.empty()) return 0;
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * double(v.size())));
    std::nth_element(v.begin(), v.begin() + i, v.end());
    return v[i];
  }

  const LookupLoad& load_;
  std::vector<std::unique_ptr<Conn>> conns_;
  Fd epoll_, timer_;
  Clock::time_point start_, deadline_, last_answer_;
  std::vector<double> latencies_us_;  // from send to answer
  std::vector<double> lags_us_;       // paced: from when due to when sent
  uint64_t sent_ = 0, in_flight_ = 0, max_in_flight_ = 0, not_found_ = 0;
};

}  // namespace

LoadReport RunLookupLoad(const LookupLoad& load) {
  IDG_REQUIRE(!load.keys.empty() && (load.concurrency > 0 || load.rate > 0),
              "a load needs keys, and a concurrency or a rate");
  const uint32_t connections = load.connections != 0 ? load.connections
                               : load.rate > 0       ? 64
                                                     : load.concurrency;
  try {
    return Run(load, connections).Go();
  } catch (const kj::Exception& e) {
    Fail(e.getDescription().cStr());
  }
}

}  // namespace idg::rpc
