#include "rpc/server.h"

#include <capnp/message.h>
#include <kj/async-io.h>
#include <kj/async.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <future>
#include <thread>
#include <utility>
#include <vector>

#include "base/error.h"
#include "rpc/balance.h"
#include "rpc/busy_poll.h"
#include "rpc/connection.h"
#include "rpc/listen_socket.h"
#include "rpc/service.h"
#include "rpc/socket_stream.h"
#include "rpc/write_queue.h"

namespace idg::rpc {
namespace {

using detail::Fd;

// Connections end when the peer goes away; a failure there is the peer's business.
class QuietErrors final : public kj::TaskSet::ErrorHandler {
 public:
  void taskFailed(kj::Exception&& e) override {
    if (e.getType() == kj::Exception::Type::DISCONNECTED) return;
    std::fprintf(stderr, "idgraph server: connection: %s\n", e.getDescription().cStr());
  }
};

// One loop's connections: those it accepts and keeps, and those other loops send it
// (balance.h).
class AcceptLoop {
 public:
  AcceptLoop(kj::ConnectionReceiver& listener, kj::UnixEventPort& port,
             const detail::ServiceContext& context, capnp::ReaderOptions options, kj::Timer& timer,
             kj::TaskSet& connections, detail::Balancer& balancer, size_t index)
      : listener_(listener),
        port_(port),
        context_(context),
        bootstrap_(detail::MakeBootstrap(context)),
        options_(options),
        timer_(timer),
        connections_(connections),
        balancer_(balancer),
        index_(index),
        inbox_(port, balancer.WakeFd(index), kj::UnixEventPort::FdObserver::OBSERVE_READ) {}

  kj::Promise<void> Run() {
    return listener_.accept()
        .then([this](kj::Own<kj::AsyncIoStream>&& stream) {
          Fd socket = detail::TakeSocket(kj::mv(stream));
          const size_t to = balancer_.Place(index_);
          if (to == index_) {
            Serve(std::move(socket));
          } else {
            balancer_.Send(to, std::move(socket));
          }
        })
        .then([this] { return Run(); },
              [this](kj::Exception&& e) {
                // Accepting or taking the socket failed (out of file descriptors, say): wait a
                // little instead of spinning, then accept again.
                std::fprintf(stderr, "idgraph server: accept: %s\n", e.getDescription().cStr());
                return timer_.afterDelay(100 * kj::MILLISECONDS).then([this] { return Run(); });
              });
  }

  // Serves the sockets other loops send this one. One that fails to start (out of memory,
  // say) is closed and reported; the others are served and the inbox watched on.
  kj::Promise<void> WatchInbox() {
    return inbox_.whenBecomesReadable().then([this] {
      for (Fd& socket : balancer_.Take(index_)) {
        KJ_IF_MAYBE (e, kj::runCatchingExceptions([&] { Serve(std::move(socket)); })) {
          std::fprintf(stderr, "idgraph server: connection: %s\n", e->getDescription().cStr());
        }
      }
      return WatchInbox();
    });
  }

 private:
  // A connection counted on this loop (Balancer::Place); uncounted when it ends.
  void Serve(Fd socket) {
    // Not `this`: the loop's connections outlive its AcceptLoop.
    auto counted = kj::defer([&balancer = balancer_, index = index_] { balancer.Left(index); });
    auto connection = kj::heap<detail::Connection>(
        kj::heap<detail::SocketStream>(port_, std::move(socket)), bootstrap_, context_, options_);
    auto done = connection->OnDisconnect();
    connections_.add(done.attach(kj::mv(connection), kj::mv(counted)));
  }

  kj::ConnectionReceiver& listener_;
  kj::UnixEventPort& port_;
  const detail::ServiceContext& context_;
  capnp::Capability::Client bootstrap_;
  capnp::ReaderOptions options_;
  kj::Timer& timer_;
  kj::TaskSet& connections_;
  detail::Balancer& balancer_;
  size_t index_;
  kj::UnixEventPort::FdObserver inbox_;
};

}  // namespace

struct Server::Impl {
  struct Loop {
    std::thread thread;
    // Made by the loop thread before it reports ready; fulfilled by Stop from another thread.
    kj::Own<kj::CrossThreadPromiseFulfiller<void>> stop;
  };

  Impl(LiveGraph& g, ServerConfig c, std::optional<ConfigFile> file)
      : config(std::move(c)),
        settings(config, std::move(file)),
        context{g, settings, writes, long_reads, segments, reresolving} {}

  void RunLoop(Loop& loop, size_t index, Fd fd, std::promise<void> ready);

  ServerConfig config;  // as started; `settings` holds what a reload changed
  LiveSettings settings;
  detail::WriteQueue writes;  // declared before the loops: outlives every job they submit
  detail::WriteQueue long_reads;
  detail::SegmentRegistry segments;
  detail::JobProgress reresolving;
  detail::ServiceContext context;
  std::unique_ptr<detail::Balancer> balancer;  // outlives the loops: sockets in inboxes close last
  capnp::ReaderOptions reader_options;
  std::vector<std::unique_ptr<Loop>> loops;
  std::string address;
  bool stopped = false;
};

void Server::Impl::RunLoop(Loop& loop, size_t index, Fd fd, std::promise<void> ready) {
  bool started = false;
  try {
    auto io = kj::setupAsyncIo();
    auto listener = io.lowLevelProvider->wrapListenSocketFd(
        fd.Release(), kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP |
                          kj::LowLevelAsyncIoProvider::ALREADY_CLOEXEC |
                          kj::LowLevelAsyncIoProvider::ALREADY_NONBLOCK);
    auto stop = kj::newPromiseAndCrossThreadFulfiller<void>();
    QuietErrors errors;
    kj::TaskSet connections(errors);  // destroyed first: drops every connection
    AcceptLoop accept(*listener, io.unixEventPort, context, reader_options, io.provider->getTimer(),
                      connections, *balancer, index);
    auto report = [](kj::Exception&& e) {
      std::fprintf(stderr, "idgraph server: %s\n", e.getDescription().cStr());
    };
    auto accepting = accept.Run().eagerlyEvaluate(report);
    auto inbox = accept.WatchInbox().eagerlyEvaluate(report);
    loop.stop = kj::mv(stop.fulfiller);
    started = true;
    ready.set_value();
    detail::RunPolling(kj::mv(stop.promise), io.waitScope, config.poll_us);
  } catch (...) {
    if (!started) {
      ready.set_exception(std::current_exception());
    } else {
      std::fprintf(stderr, "idgraph server: an event loop failed\n");
    }
  }
}

Server::Server(LiveGraph& graph, ServerConfig config, std::optional<ConfigFile> file)
    : impl_(std::make_unique<Impl>(graph, std::move(config), std::move(file))) {
  Impl& s = *impl_;
  size_t threads = s.config.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  s.reader_options.traversalLimitInWords = std::max<uint64_t>(s.config.max_message_bytes / 8, 1);
  detail::ListenSockets sockets = detail::OpenListenSockets(s.config.listen, threads);
  s.balancer = std::make_unique<detail::Balancer>(threads);
  s.address = sockets.address;
  // One loop at a time: KJ sets up lazily initialized statics of its own on a loop's first
  // start, and a loop waits for the previous one to run before it starts.
  std::string failure;
  for (size_t i = 0; i < threads && failure.empty(); ++i) {
    s.loops.push_back(std::make_unique<Impl::Loop>());
    Impl::Loop& loop = *s.loops.back();
    std::promise<void> started;
    std::future<void> ready = started.get_future();
    loop.thread = std::thread(
        [&s, &loop, i, fd = std::move(sockets.fds[i]), started = std::move(started)]() mutable {
          s.RunLoop(loop, i, std::move(fd), std::move(started));
        });
    try {
      ready.get();
    } catch (const kj::Exception& e) {
      failure = e.getDescription().cStr();
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  if (!failure.empty()) {
    Stop();
    throw Error(s.config.listen + ": cannot serve: " + failure);
  }
}

Server::~Server() { Stop(); }

const std::string& Server::address() const { return impl_->address; }

size_t Server::threads() const { return impl_->loops.size(); }

std::vector<uint32_t> Server::ConnectionsPerLoop() const { return impl_->balancer->Connections(); }

std::vector<std::string> Server::ReloadConfig() { return impl_->settings.Reload(); }

void Server::Stop() {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  // A cross-thread fulfiller rather than the loop's kj::Executor: executeSync waits on KJ's
  // futex mutex, which the thread sanitizer cannot see, and a stop needs no reply.
  for (auto& loop : s.loops) {
    if (loop->stop.get() != nullptr) loop->stop->fulfill();
  }
  for (auto& loop : s.loops) {
    if (loop->thread.joinable()) loop->thread.join();
    loop->stop = nullptr;
  }
  s.writes.Drain();
  s.long_reads.Drain();
}

namespace {

sigset_t ServerSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockStopSignals() {
  const sigset_t set = ServerSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForStopSignal(const std::function<void()>& on_hangup) {
  const sigset_t set = ServerSignals();
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    if (signal != SIGHUP) return signal;
    if (on_hangup) on_hangup();
  }
}

void ReloadAndReport(Server& server) {
  std::string line;
  try {
    line = ReloadedLine(server.ReloadConfig());
  } catch (const std::exception& e) {
    line = std::string("config not reloaded: ") + e.what();
  }
  std::fprintf(stderr, "idgraph: %s\n", line.c_str());
  std::fflush(stderr);
}

int RunServer(LiveGraph& graph, const ServeOptions& options) {
  BlockStopSignals();
  Server server(graph, options.server, options.file);
  if (options.on_listening) options.on_listening(server.address());
  const int signal = WaitForStopSignal([&] {
    if (options.file) ReloadAndReport(server);
  });
  server.Stop();
  return signal;
}

}  // namespace idg::rpc
