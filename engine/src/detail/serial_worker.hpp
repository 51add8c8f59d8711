#pragma once
// One background thread that runs jobs one at a time, in the order they were
// submitted, with a bounded queue: the writer of a run file hands it the
// HDF5 work (metric blocks, household panels) so that the next step does not
// wait for deflate and disk.
//
// Contract:
// - Jobs run in submission order on one thread, so whatever they write comes
//   out exactly as if the caller had run them itself, in the same order (the
//   same file, byte for byte, whatever the simulation's thread count).
// - submit() blocks while `capacity` jobs are already waiting (the job being
//   run does not count): the memory held by queued work stays bounded.
// - The first job that throws stops the worker: later jobs are dropped, and
//   the exception is rethrown by the next submit(), check() or drain() on
//   the caller's thread (later calls throw std::logic_error). So a failed
//   write surfaces, with its own message, at the caller's next call after
//   it happened, and at the latest at drain().
// - drain() returns when every submitted job has run (or rethrows). The
//   destructor drops what waits, lets the running job end, and joins.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

namespace cpsim::detail {

class SerialWorker {
 public:
  explicit SerialWorker(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {
    thread_ = std::thread([this] { work(); });
  }
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;
  ~SerialWorker() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
      jobs_.clear();
    }
    changed_.notify_all();
    thread_.join();
  }

  void submit(std::function<void()> job) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return failed_ || jobs_.size() < capacity_; });
    rethrow_failure();
    jobs_.push_back(std::move(job));
    changed_.notify_all();
  }

  /// Rethrows a failure already seen, without waiting (cheap: one lock).
  void check() {
    const std::lock_guard lock(mutex_);
    rethrow_failure();
  }

  void drain() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return failed_ || (jobs_.empty() && !busy_); });
    rethrow_failure();
  }

 private:
  /// With the lock held: after a failure, every call throws (the failure
  /// itself the first time).
  void rethrow_failure() {
    if (!failed_) return;
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    throw std::logic_error("SerialWorker: used after a job failed");
  }

  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return stopping_ || (!failed_ && !jobs_.empty()); });
      if (stopping_) return;
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
      // Room in the queue: a submit() waiting for it goes on now, not only
      // once this job has run.
      changed_.notify_all();
      lock.unlock();
      std::exception_ptr failure;
      try {
        job();
      } catch (...) {
        failure = std::current_exception();
      }
      job = nullptr;  // release what the job held before waiting again
      lock.lock();
      busy_ = false;
      if (failure) {
        failed_ = true;
        failure_ = failure;
        jobs_.clear();
      }
      changed_.notify_all();
    }
  }

  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  bool busy_ = false;
  bool stopping_ = false;
  bool failed_ = false;  ///< a job failed: nothing more runs
  std::exception_ptr failure_;
  std::thread thread_;
};

}  // namespace cpsim::detail
