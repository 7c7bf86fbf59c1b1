#include "rpc/balance.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/error.h"

namespace idg::rpc::detail {

Balancer::Balancer(size_t loops) : slots_(std::make_unique<Slot[]>(loops)), loops_(loops) {
  for (size_t i = 0; i < loops; ++i) {
    const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) throw Error(std::string("eventfd: ") + std::strerror(errno));
    slots_[i].wake = Fd(fd);
  }
}

Balancer::~Balancer() = default;

size_t Balancer::Place(size_t accepted_by) {
  size_t best = accepted_by;
  uint32_t fewest = slots_[accepted_by].connections.load(std::memory_order_relaxed);
  for (size_t i = 0; i < loops_; ++i) {
    const uint32_t n = slots_[i].connections.load(std::memory_order_relaxed);
    if (n < fewest) {
      fewest = n;
      best = i;
    }
  }
  slots_[best].connections.fetch_add(1, std::memory_order_relaxed);
  return best;
}

void Balancer::Left(size_t loop) {
  slots_[loop].connections.fetch_sub(1, std::memory_order_relaxed);
}

void Balancer::Send(size_t loop, Fd socket) {
  Slot& slot = slots_[loop];
  {
    std::lock_guard lock(slot.mutex);
    slot.inbox.push_back(std::move(socket));
  }
  const uint64_t one = 1;
  // Cannot fail short of a counter at its maximum, which a reset on every Take rules out.
  [[maybe_unused]] const ssize_t n = ::write(slot.wake.get(), &one, sizeof one);
}

std::vector<Fd> Balancer::Take(size_t loop) {
  Slot& slot = slots_[loop];
  uint64_t count;
  // Reset first: a Send after this read makes the eventfd readable again.
  [[maybe_unused]] const ssize_t n = ::read(slot.wake.get(), &count, sizeof count);
  std::vector<Fd> taken;
  std::lock_guard lock(slot.mutex);
  taken.swap(slot.inbox);
  return taken;
}

int Balancer::WakeFd(size_t loop) const { return slots_[loop].wake.get(); }

std::vector<uint32_t> Balancer::Connections() const {
  std::vector<uint32_t> out(loops_);
  for (size_t i = 0; i < loops_; ++i) {
    out[i] = slots_[i].connections.load(std::memory_order_relaxed);
  }
  return out;
}

}  // namespace idg::rpc::detail
