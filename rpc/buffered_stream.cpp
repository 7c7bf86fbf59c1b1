#include "rpc/buffered_stream.h"

#include <kj/debug.h>

#include <algorithm>
#include <cstring>

#include "rpc/busy_poll.h"

namespace idg::rpc::detail {

BufferedStream::BufferedStream(kj::AsyncIoStream& inner)
    : inner_(inner), in_(kj::heapArray<kj::byte>(kReadAhead)) {}

kj::Promise<size_t> BufferedStream::tryRead(void* buffer, size_t min_bytes, size_t max_bytes) {
  auto* out = static_cast<kj::byte*>(buffer);
  const size_t n = std::min(max_bytes, in_end_ - in_begin_);
  std::memcpy(out, in_.begin() + in_begin_, n);
  in_begin_ += n;
  if (n >= min_bytes) return n;
  return ReadMore(out + n, min_bytes - n, max_bytes - n).then([n](size_t more) {
    return n + more;
  });
}

// The read-ahead buffer is empty here.
kj::Promise<size_t> BufferedStream::ReadMore(kj::byte* out, size_t min_bytes, size_t max_bytes) {
  if (max_bytes >= kReadAhead) {
    return inner_.tryRead(out, min_bytes, max_bytes).then([](size_t got) {
      NoteSocketRead();
      return got;
    });
  }
  return inner_.tryRead(in_.begin(), min_bytes, kReadAhead)
      .then([this, out, max_bytes](size_t got) {
        NoteSocketRead();
        const size_t n = std::min(got, max_bytes);
        std::memcpy(out, in_.begin(), n);
        in_begin_ = n;
        in_end_ = got;
        return n;
      });
}

void BufferedStream::Compact() {
  const size_t kept = in_end_ - in_begin_;
  if (in_begin_ != 0) std::memmove(in_.begin(), in_.begin() + in_begin_, kept);
  in_begin_ = 0;
  in_end_ = kept;
}

kj::Promise<size_t> BufferedStream::Fill() {
  Compact();
  const size_t kept = in_end_;
  if (kept == kReadAhead) return KJ_EXCEPTION(FAILED, "the read-ahead buffer is full");
  return inner_.tryRead(in_.begin() + kept, 1, kReadAhead - kept).then([this](size_t got) {
    NoteSocketRead();
    in_end_ += got;
    return got;
  });
}

kj::Promise<void> BufferedStream::write(const void* buffer, size_t size) {
  const kj::ArrayPtr<const kj::byte> piece(static_cast<const kj::byte*>(buffer), size);
  return write(kj::arrayPtr(&piece, 1));
}

kj::Promise<void> BufferedStream::write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) {
  // An earlier failed write (Append throws it) comes back as a rejected promise.
  return kj::evalNow([&] { return Append(pieces) ? kj::Promise<void>(kj::READY_NOW) : Room(); });
}

bool BufferedStream::Append(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) {
  KJ_IF_MAYBE (e, failed_) {
    pending_.clear();
    kj::throwFatalException(kj::cp(*e));
  }
  for (auto piece : pieces) pending_.addAll(piece);
  StartFlush();
  return pending_.size() < kBacklog;
}

kj::Promise<void> BufferedStream::Room() {
  if (pending_.size() < kBacklog) return kj::READY_NOW;
  auto held = kj::newPromiseAndFulfiller<void>();
  waiting_.add(kj::mv(held.fulfiller));
  return kj::mv(held.promise);
}

void BufferedStream::StartFlush() {
  if (flushing_) return;
  flushing_ = true;
  flush_ = kj::evalLast([this] { return Flush(); }).eagerlyEvaluate([this](kj::Exception&& e) {
    pending_.clear();
    for (auto& w : waiting_) w->reject(kj::cp(e));
    waiting_.clear();
    failed_ = kj::mv(e);
  });
}

kj::Promise<void> BufferedStream::Flush() {
  if (pending_.empty()) {
    flushing_ = false;
    if (sending_.capacity() > kKeep) sending_ = kj::Vector<kj::byte>();
    if (pending_.capacity() > kKeep) pending_ = kj::Vector<kj::byte>();
    if (shutdown_) inner_.shutdownWrite();
    return kj::READY_NOW;
  }
  std::swap(sending_, pending_);
  pending_.clear();
  // The backlog is bounded again (what is being sent plus what comes next).
  for (auto& w : waiting_) w->fulfill();
  waiting_.clear();
  return inner_.write(sending_.begin(), sending_.size()).then([this] { return Flush(); });
}

kj::Promise<void> BufferedStream::whenWriteDisconnected() { return inner_.whenWriteDisconnected(); }

void BufferedStream::shutdownWrite() {
  shutdown_ = true;
  if (!flushing_) inner_.shutdownWrite();
}

void BufferedStream::abortRead() { inner_.abortRead(); }

void BufferedStream::getsockopt(int level, int option, void* value, kj::uint* length) {
  inner_.getsockopt(level, option, value, length);
}

void BufferedStream::setsockopt(int level, int option, const void* value, kj::uint length) {
  inner_.setsockopt(level, option, value, length);
}

void BufferedStream::getsockname(struct sockaddr* addr, kj::uint* length) {
  inner_.getsockname(addr, length);
}

void BufferedStream::getpeername(struct sockaddr* addr, kj::uint* length) {
  inner_.getpeername(addr, length);
}

kj::Maybe<int> BufferedStream::getFd() const { return inner_.getFd(); }

}  // namespace idg::rpc::detail
