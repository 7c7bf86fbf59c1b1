// The server's writes (ingest, erase), run one at a time in arrival order on TBB workers so
// that event-loop threads never wait for the graph's write lock. LiveGraph serializes writes
// anyway; queueing them here keeps workers from blocking on that lock, and a job's own
// parallel work runs isolated so that a waiting worker never starts the next write.
#pragma once

#include <tbb/task_arena.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace idg::rpc::detail {

class WriteQueue {
 public:
  // A unit of work; Run must not throw (it reports its outcome itself).
  class Job {
   public:
    virtual ~Job() = default;
    virtual void Run() = 0;
  };

  WriteQueue();
  ~WriteQueue();  // waits for the queued jobs
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Thread-safe. Jobs run after all jobs submitted before them have finished.
  void Submit(std::unique_ptr<Job> job);
  // Blocks until no job is queued or running.
  void Drain();

 private:
  void RunQueued();

  tbb::task_arena arena_;
  std::mutex mu_;
  std::condition_variable idle_;
  std::deque<std::unique_ptr<Job>> jobs_;  // guarded by mu_
  bool running_ = false;                   // guarded by mu_: a drain task is enqueued or runs
};

// A Job from a callable.
template <typename F>
std::unique_ptr<WriteQueue::Job> MakeJob(F&& f) {
  struct Impl final : WriteQueue::Job {
    explicit Impl(F&& f) : f_(std::move(f)) {}
    // Some callables hold members whose destructors may throw (kj::Own); they must not.
    ~Impl() noexcept override {}
    void Run() override { f_(); }
    std::decay_t<F> f_;
  };
  return std::make_unique<Impl>(std::forward<F>(f));
}

}  // namespace idg::rpc::detail
