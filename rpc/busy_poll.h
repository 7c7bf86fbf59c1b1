// Event loops that poll while they are busy. Waking a sleeping thread costs more than a small
// request does (on a virtual machine the halted vCPU must be woken by the host: tens of
// microseconds a request, on each side). A serving loop that has just read from a socket
// therefore keeps polling its sockets, without sleeping, until `poll_us` pass with no read;
// then it sleeps until the next one. A client waiting on one request at a time finds the
// server awake; an idle server sleeps. Polling loops never take every core: at most
// `max_polling` of them in the process poll at once (by default one fewer than the cores), and
// the others sleep whenever idle, so that clients, writers and the kernel on the same machine
// are not queued behind loops that only wait.
//
// Lives on the event-loop thread that runs it.
#pragma once

#include <kj/async.h>

#include <cstdint>

namespace idg::rpc::detail {

// Counts a read from a socket on this thread; wakes the thread's RunPolling. BufferedStream
// calls it; it costs a thread-local increment where no RunPolling runs.
void NoteSocketRead();

// One fewer than the machine's cores (none on one core).
uint32_t DefaultMaxPolling();

// Runs this thread's event loop until `stop` resolves, polling after each socket read as above.
// poll_us == 0: sleeps whenever there is nothing to do (the same as stop.wait(wait)).
void RunPolling(kj::Promise<void> stop, kj::WaitScope& wait, uint32_t poll_us,
                uint32_t max_polling = DefaultMaxPolling());

}  // namespace idg::rpc::detail
