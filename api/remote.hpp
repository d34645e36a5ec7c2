// The remote run: the launching side (ship this executable to every host) and the worker side
// (read what the launcher sent, run this host's part of the job over the transport).
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include <renoir/core/job_graph.hpp>
#include <renoir/launch/cluster_config.hpp>

namespace renoir::detail {

/// Starts this executable, with the same arguments, on every host of `cluster` over SSH and
/// waits for them; returns the combined exit status (0 if every worker succeeded). Ctrl-C
/// (SIGINT) or SIGTERM stops every worker.
int launch_job(const launch::ClusterConfig& cluster);

/// What a worker learns from its launcher (see launch/worker_watchdog.hpp for the contract).
struct WorkerIdentity {
  std::size_t host = 0;
  std::shared_ptr<const launch::ClusterConfig> cluster;
  std::shared_ptr<const std::string> secret;  ///< never printed
};

/// In a process started by the launcher: reads the launcher's handshake from stdin (once per
/// process; later calls return the same) and starts the stdin watchdog. Empty otherwise.
const WorkerIdentity* worker_identity(const std::string& config_name);

/// Runs this worker's replicas of `graph`, exchanging data with the other hosts through
/// libfabric (the provider the cluster file names).
void execute_as_worker(const core::JobGraph& graph, const WorkerIdentity& worker);

}  // namespace renoir::detail
