// The launching side of a remote run, and the environment contract between launcher and workers.
#pragma once
#include <renoir/topology/cluster_config.hpp>

namespace renoir {

/// Environment variables the launcher sets for every worker process.
namespace worker_env {
inline constexpr const char* host_id = "RENOIR_HOST_ID";                ///< index of the worker's host
inline constexpr const char* cluster_config = "RENOIR_CLUSTER_CONFIG";  ///< the cluster TOML, as read by the launcher
}  // namespace worker_env

/// Starts this executable, with the same arguments, on every host of `cluster` over SSH and
/// waits for them; returns the combined exit status (0 if every worker succeeded).
int launch_job(const topology::ClusterConfig& cluster);

}  // namespace renoir
