// Shared state of one job execution: the first error and the cancellation flag.
#pragma once
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <renoir/core/parker.hpp>

namespace renoir::core {

/// Thrown inside a replica to unwind it after another replica failed; never reaches users.
struct Cancelled {};

/// A replica was stuck in user code for the stall timeout (see stall_watchdog.hpp).
struct StallError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What all replicas of one execution share. The first failure wins; it cancels the run and
/// wakes every parked replica so that each one notices and unwinds.
class RunState {
 public:
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }

  /// Records `error` unless another one came first; true if it is the job's error.
  bool fail(std::exception_ptr error) {
    bool first = false;
    {
      std::lock_guard lock(mutex_);
      if (!error_) {
        error_ = std::move(error);
        first = true;
      }
    }
    cancel();
    return first;
  }

  void cancel() noexcept {
    cancelled_.store(true, std::memory_order_release);
    for (Parker* p : parkers_) p->notify();
  }

  std::exception_ptr error() const {
    std::lock_guard lock(mutex_);
    return error_;
  }

  /// Registers every replica's parker before the threads start.
  void set_parkers(std::vector<Parker*> parkers) { parkers_ = std::move(parkers); }

  void throw_if_cancelled() const {
    if (cancelled()) throw Cancelled{};
  }

 private:
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  std::exception_ptr error_;
  std::vector<Parker*> parkers_;
};

}  // namespace renoir::core
