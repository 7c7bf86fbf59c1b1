#include "rpc/write_queue.h"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>

namespace idg::rpc::detail {

namespace {

// Only TBB workers enter this arena, and there is one fewer of them than the parallelism
// allowed (the rest is an application thread's).
int WorkerSlots() {
  const size_t allowed =
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
  return static_cast<int>(std::max<size_t>(allowed, 2) - 1);
}

}  // namespace

WriteQueue::WriteQueue() : arena_(WorkerSlots(), 0) {}

WriteQueue::~WriteQueue() { Drain(); }

void WriteQueue::Submit(std::unique_ptr<Job> job) {
  std::lock_guard lock(mu_);
  jobs_.push_back(std::move(job));
  if (!running_) {
    running_ = true;
    arena_.enqueue([this] { RunQueued(); });
  }
}

void WriteQueue::RunQueued() {
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::lock_guard lock(mu_);
      if (jobs_.empty()) {
        running_ = false;
        idle_.notify_all();
        return;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    tbb::this_task_arena::isolate([&] { job->Run(); });
  }
}

void WriteQueue::Drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return !running_; });
}

}  // namespace idg::rpc::detail
