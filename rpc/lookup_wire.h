// A client connection that speaks Cap'n Proto's two-party RPC protocol (capnp/rpc.capnp) by
// hand, for lookups only: bootstrap and login once, then Reader.lookup calls and their finish
// messages framed into one buffer and written in one system call, and returns read in place.
// None of the RPC system's promises, tables and copies: the load generator (load.h) uses it as
// redis-benchmark speaks RESP, so that what it measures is the server.
//
// Non-blocking socket; the caller polls fd() (readable: Receive; writable, after Flush returned
// false: Flush). Throws idg::Error on any failure, with the server's reason for a failed call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rpc/listen_socket.h"
#include "rpc/types.h"

namespace capnp {
class MessageBuilder;
}

namespace idg::rpc::detail {

// The longest wait for the server's answer before a client of the wire gives up.
inline constexpr int kAnswerWaitMs = 10'000;

class LookupWire {
 public:
  // Connects to "HOST:PORT", trying each address the host resolves to.
  explicit LookupWire(const std::string& address);

  // Bootstrap, then login with `token`: keeps the session's Reader for AppendLookup. Blocks
  // (up to 10 s for each answer).
  void Login(const std::string& token);

  // Queue a lookup as question `question` (at least 2: 0 and 1 were the login's), and the
  // finish of an answered one (send it before the question id is used again). `padding`:
  // bytes of unreferenced data the message carries besides (to test large messages).
  void AppendLookup(uint32_t question, const Identifier& key, size_t padding = 0);
  void AppendFinish(uint32_t question);

  // Writes what is queued; false when the socket takes no more now.
  bool Flush();
  bool pending() const { return sent_ < out_.size(); }
  uint64_t writes() const { return writes_; }  // system calls that wrote, so far

  // One read, then each whole message it completed: for each lookup answered,
  // answered(question, profiles found). A failed call throws with its reason.
  void Receive(const std::function<void(uint32_t question, uint32_t profiles)>& answered);

  int fd() const { return fd_.get(); }

 private:
  struct Answer;  // a Return with results (lookup_wire.cpp)
  void Read(const std::function<void(const Answer&)>& on_answer);
  uint32_t AwaitCapability(uint32_t question, bool in_session);
  void Append(capnp::MessageBuilder& m);

  Fd fd_;
  std::vector<uint64_t> in_;  // received, word-aligned for Cap'n Proto's reader
  size_t bytes_ = 0;          // received and not yet read, from in_'s start
  std::vector<char> out_;     // queued
  size_t sent_ = 0;           // of out_
  uint64_t writes_ = 0;
  uint32_t reader_ = 0;       // the Reader's import id
};

}  // namespace idg::rpc::detail
