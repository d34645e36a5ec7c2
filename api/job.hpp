// The job a StreamContext builds: its graph and config, shared by every Stream of the context.
#pragma once
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include <renoir/api/config.hpp>
#include <renoir/core/job_graph.hpp>

namespace renoir::detail {

struct Job {
  explicit Job(RuntimeConfig c) : config(std::move(c)) {}
  RuntimeConfig config;
  core::JobGraph graph;
  bool executed = false;
  /// Items that event-time operators dropped on this process because they were behind the
  /// watermark (late), summed over replicas.
  std::shared_ptr<std::atomic<std::uint64_t>> late_items = std::make_shared<std::atomic<std::uint64_t>>(0);
  /// Called once the job ended on this process, with its error (or null): channels close here,
  /// whether or not their sink or source ran (a failed job, a host that does not run them).
  std::vector<std::function<void(std::exception_ptr)>> on_finish;
  /// Called once before the job runs: e.g. a loop's second output, left unused, gets a sink
  /// that drops its items.
  /// Hooks get the job's own pointer (a hook holding it would keep the job alive forever).
  std::vector<std::function<void(const std::shared_ptr<Job>&)>> before_run;

  /// Checks that `self` can run, completes it (before_run hooks) and marks it as run.
  static void start(const std::shared_ptr<Job>& self) {
    self->check_open();
    auto hooks = std::move(self->before_run);
    for (auto& hook : hooks) hook(self);
    self->executed = true;
  }

  /// Runs `run`, then the on_finish hooks (also when `run` throws, before rethrowing).
  template <class Run>
  void run_then_finish(Run&& run) {
    std::exception_ptr error;
    try {
      run();
    } catch (...) {
      error = std::current_exception();
    }
    for (auto& hook : on_finish) hook(error);
    if (error) std::rethrow_exception(error);
  }

  void check_open() const {
    if (executed) throw std::logic_error("renoir: this StreamContext already ran; build a new one for another job");
  }
};

}  // namespace renoir::detail
