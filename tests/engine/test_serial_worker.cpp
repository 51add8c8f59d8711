// The run file's writer thread (engine/src/detail/serial_worker.hpp): jobs
// run in order on one other thread, the queue is bounded, and a job's
// exception reaches the caller's thread with its own type and message.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cpsim/engine/errors.hpp"
#include "detail/serial_worker.hpp"

namespace cpsim {
namespace {

using detail::SerialWorker;

/// A gate a job waits at until the test opens it, or at most 10 s, so that
/// a worker that would deadlock makes the test fail instead of hang.
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    if (!opened_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; })) {
      timed_out_ = true;
    }
  }
  void open() {
    {
      const std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  bool timed_out() {
    const std::lock_guard lock(mutex_);
    return timed_out_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
  bool timed_out_ = false;
};

TEST(SerialWorker, RunsJobsInSubmissionOrderOnAnotherThread) {
  std::vector<int> order;
  std::vector<std::thread::id> threads;
  {
    SerialWorker worker(2);
    for (int i = 0; i < 100; ++i) {
      worker.submit([&, i] {
        order.push_back(i);  // only the worker thread touches these
        threads.push_back(std::this_thread::get_id());
      });
    }
    worker.drain();
  }
  ASSERT_EQ(order.size(), 100U);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  for (const auto& id : threads) {
    EXPECT_EQ(id, threads.front());
    EXPECT_NE(id, std::this_thread::get_id());
  }
}

TEST(SerialWorker, SubmitWaitsWhileTheQueueIsFull) {
  Gate gate;
  SerialWorker worker(1);
  worker.submit([&] { gate.wait(); });  // runs until the gate opens
  // Returns once the worker has taken the first job: then one job waits.
  std::atomic<bool> started{false};
  worker.submit([&] { started = true; });
  std::atomic<bool> third_queued{false};
  std::thread caller([&] {
    worker.submit([] {});
    third_queued = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // One job running, one waiting: the third submit must still block.
  EXPECT_FALSE(third_queued);
  EXPECT_FALSE(started);
  gate.open();
  caller.join();
  worker.drain();
  EXPECT_TRUE(third_queued);
  EXPECT_TRUE(started);
  EXPECT_FALSE(gate.timed_out()) << "the second submit waited for the running job to end";
}

TEST(SerialWorker, AFailedJobReachesTheCallerAndStopsTheRest) {
  SerialWorker worker(1);
  std::atomic<int> ran{0};
  worker.submit([&] { ++ran; });
  worker.submit([] { throw OutputError("out.h5.partial: cannot write snapshot: disk full"); });
  bool dropped_job_ran = false;
  // The failure surfaces at the next call after it happened: a submit (the
  // job it offers is dropped), a check, or at the latest the drain.
  try {
    worker.submit([&] { dropped_job_ran = true; });
    worker.drain();
    FAIL() << "the job's exception did not reach the caller";
  } catch (const OutputError& error) {
    EXPECT_STREQ(error.what(), "out.h5.partial: cannot write snapshot: disk full");
  }
  EXPECT_EQ(ran, 1);
  EXPECT_FALSE(dropped_job_ran);
  // Reported once; afterwards the worker refuses every call.
  EXPECT_THROW(worker.check(), std::logic_error);
  EXPECT_THROW(worker.submit([] {}), std::logic_error);
  EXPECT_THROW(worker.drain(), std::logic_error);
}

TEST(SerialWorker, CheckReportsAFailureWithoutWaiting) {
  SerialWorker worker(1);
  worker.submit([] { throw std::runtime_error("writer failed"); });
  // check() does not wait: poll until the job has run and failed.
  for (int i = 0; i < 500; ++i) {
    try {
      worker.check();
    } catch (const std::runtime_error& error) {
      EXPECT_STREQ(error.what(), "writer failed");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL() << "check() never reported the failed job";
}

TEST(SerialWorker, DestructorDropsWaitingJobsAndJoins) {
  Gate gate;
  std::atomic<bool> waiting_job_ran{false};
  std::thread opener;
  {
    SerialWorker worker(1);
    worker.submit([&] { gate.wait(); });
    worker.submit([&] { waiting_job_ran = true; });
    // The running job ends only when the gate opens, after the destructor
    // has dropped the waiting one.
    opener = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      gate.open();
    });
  }
  opener.join();
  EXPECT_FALSE(waiting_job_ran);
}

}  // namespace
}  // namespace cpsim
