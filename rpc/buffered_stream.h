// A socket stream for the two-party RPC network that saves system calls. Cap'n Proto 0.9.2
// writes each RPC message (call, return, finish) with a write of its own and reads each one
// with two reads (its first word, then the rest); on loopback those calls, not the service,
// are most of a small request's cost. BufferedStream reads ahead (one read takes in whatever
// the socket holds, up to 16 KiB, and later messages are served from memory; larger reads go
// straight to the caller's buffer) and coalesces writes (what is written during one turn of
// the event loop goes out in one write, when the loop has nothing else to do and is about to
// wait for I/O).
//
// A write is copied and reported done at once; the bytes go out later, in order. With 1 MiB
// or more waiting behind a write the socket has not finished, a write is reported done only
// once it has, so a peer that does not read holds its writer back instead of growing memory.
// A failed write is reported by the next one. shutdownWrite() takes effect after the backlog
// has gone out.
//
// A reader that frames messages itself (fast_lookup.h) reads in place: Buffered() is what was
// read ahead and not yet taken, Take(n) consumes it, Fill() reads more; and a writer that goes
// on without waiting appends (Append) and waits on Room() only when told to.
//
// Lives on one event-loop thread; `inner` must outlive it.
#pragma once

#include <kj/async-io.h>
#include <kj/vector.h>

namespace idg::rpc::detail {

class BufferedStream final : public kj::AsyncIoStream {
 public:
  explicit BufferedStream(kj::AsyncIoStream& inner);

  kj::Promise<size_t> tryRead(void* buffer, size_t min_bytes, size_t max_bytes) override;
  kj::Promise<void> write(const void* buffer, size_t size) override;
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override;
  kj::Promise<void> whenWriteDisconnected() override;
  void shutdownWrite() override;
  void abortRead() override;
  void getsockopt(int level, int option, void* value, kj::uint* length) override;
  void setsockopt(int level, int option, const void* value, kj::uint length) override;
  void getsockname(struct sockaddr* addr, kj::uint* length) override;
  void getpeername(struct sockaddr* addr, kj::uint* length) override;
  kj::Maybe<int> getFd() const override;

  // The bytes read ahead and not yet taken, and how many it can hold.
  kj::ArrayPtr<const kj::byte> Buffered() const { return in_.slice(in_begin_, in_end_); }
  static constexpr size_t Capacity() { return kReadAhead; }
  void Take(size_t n) { in_begin_ += n; }
  // Moves what is buffered to the front of the buffer, so that Buffered() starts where the
  // buffer does (word-aligned).
  void Compact();
  // Compact(), then reads what the socket holds behind what is buffered: how many bytes came
  // (0: end of stream). Fails when the buffer is already full.
  kj::Promise<size_t> Fill();
  // write() without a promise: queues the bytes (throws if an earlier write failed) and says
  // whether the writer may go on (false: wait for Room() first).
  bool Append(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces);
  kj::Promise<void> Room();

 private:
  static constexpr size_t kReadAhead = 16 << 10;  // held by every connection
  static constexpr size_t kBacklog = 1 << 20;
  static constexpr size_t kKeep = 64 << 10;  // write buffers above it are freed once sent

  kj::Promise<size_t> ReadMore(kj::byte* out, size_t min_bytes, size_t max_bytes);
  void StartFlush();
  kj::Promise<void> Flush();

  kj::AsyncIoStream& inner_;
  kj::Array<kj::byte> in_;
  size_t in_begin_ = 0, in_end_ = 0;  // unread bytes of in_
  kj::Vector<kj::byte> pending_;      // written, not yet handed to the socket
  kj::Vector<kj::byte> sending_;      // being written to the socket now
  kj::Vector<kj::Own<kj::PromiseFulfiller<void>>> waiting_;  // writers held back by kBacklog
  kj::Maybe<kj::Exception> failed_;
  bool flushing_ = false;
  bool shutdown_ = false;
  kj::Promise<void> flush_ = kj::READY_NOW;  // last: cancelled before the buffers go
};

}  // namespace idg::rpc::detail
