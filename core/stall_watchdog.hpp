// Fails a job when one of its replicas is stuck outside renoir: running (not waiting for
// input, ring space or credit) while its thread uses no CPU, i.e. blocked in a user function.
#pragma once
#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <renoir/core/activity.hpp>

namespace renoir::core {

/// Samples every watched replica a few times per `timeout`; a replica that stayed `running`
/// without its thread's CPU clock moving for `timeout` is stuck. The first stuck replica is
/// reported once through `on_stall(message)`; stuck() tells which replicas were found stuck
/// (their threads cannot be joined: they are blocked in user code).
class StallWatchdog {
 public:
  struct Replica {
    const Activity* activity;
    pthread_t thread;
    std::size_t block, index, host;
  };

  StallWatchdog(std::chrono::milliseconds timeout, std::function<void(const std::string&)> on_stall);
  ~StallWatchdog();  // stops the sampling thread

  /// Watches `r` from now on (call before start()).
  void add(const Replica& r);
  /// Starts the sampling thread; without it (or with a zero timeout) nothing is watched.
  void start();
  /// Whether replica `i` (in the order of add()) was found stuck.
  bool stuck(std::size_t i) const;

 private:
  struct Watched {
    Replica replica;
    clockid_t clock;
    bool clock_ok;
    std::chrono::steady_clock::time_point since;  // running without CPU since
    std::chrono::nanoseconds cpu{0};
    bool stuck = false;
  };
  void loop();
  void sample(std::chrono::steady_clock::time_point now, bool reset);

  std::chrono::milliseconds timeout_;
  std::function<void(const std::string&)> on_stall_;
  std::vector<Watched> watched_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool reported_ = false;
  std::thread thread_;
};

}  // namespace renoir::core
