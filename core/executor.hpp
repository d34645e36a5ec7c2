// Runs a job graph: one pinned thread per local replica, first error cancels everything.
#pragma once
#include <chrono>
#include <cstddef>
#include <vector>

#include <renoir/core/job_graph.hpp>
#include <renoir/core/network.hpp>

namespace renoir::core {

/// RENOIR_STALL_TIMEOUT_MS if set (milliseconds, 0 disables; throws std::invalid_argument if
/// malformed), else 60 s.
std::chrono::milliseconds default_stall_timeout();

struct ExecutionConfig {
  std::vector<std::size_t> host_cores{1};  ///< cores of every host (one entry when local)
  std::size_t this_host = 0;               ///< the host this process runs
  Network* network = nullptr;              ///< required when there is more than one host
  bool pin = true;                         ///< pin replica threads to their cores
  std::size_t core_offset = 0;             ///< first core of this host's replicas (hosts sharing a machine)
  std::size_t ring_capacity = 16;          ///< batches in flight per (sender, receiver) pair
  /// A replica blocked in user code (running, using no CPU) this long fails the job with a
  /// StallError; zero disables the watchdog.
  std::chrono::milliseconds stall_timeout = default_stall_timeout();
};

/// Runs this process's replicas of every block to completion. Rethrows the first exception a
/// replica raised, after every other replica of this process has been cancelled and joined.
void execute(const JobGraph& graph, const ExecutionConfig& config);

/// Runs the whole job as if on hosts with `host_cores` cores each, all in this process: every
/// simulated host has its own deployment, replica threads and network thread, and they exchange
/// serialized batches over the in-process transport: the path of a remote run, in one process.
/// For tests of the distributed path.
void execute_simulated(const JobGraph& graph, const std::vector<std::size_t>& host_cores, bool pin = true);

}  // namespace renoir::core
