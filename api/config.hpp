// RuntimeConfig: where a job runs (local cores or the hosts of a cluster file), from code or argv.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace renoir::launch {
struct ClusterConfig;
}

namespace renoir {

/// Where and how wide a job runs. Mirrors Renoir's `RuntimeConfig`.
class RuntimeConfig {
 public:
  /// Runs on this machine with `n` replicas per unlimited block. Throws std::invalid_argument if
  /// n == 0 or n > max_local_replicas().
  static RuntimeConfig local(std::size_t n);

  /// The most replicas per block a run on this machine accepts: 8 per core, and at least 256.
  /// Each replica is a thread, and an exchange between two blocks of n replicas uses n x n rings,
  /// so set-up time and memory grow with n squared (n = 1024: about 4.7 GB and 15 s before the
  /// first item; n = 2048: 9 GB), while replicas beyond the cores add no speed.
  static std::size_t max_local_replicas();

  /// Runs on this machine with one replica per core hwloc reports.
  static RuntimeConfig local_all_cores();

  /// Runs in this process as if on hosts with `host_cores[h]` cores each: every simulated host
  /// has its own replicas and they exchange serialized batches over the in-process transport.
  /// For testing jobs on a multi-host topology without machines. Throws std::invalid_argument
  /// if a host has no core or all of them have more than max_local_replicas().
  static RuntimeConfig simulated(std::vector<std::size_t> host_cores);

  /// Runs on the hosts listed in the TOML file at `path` (see README "Distributed").
  /// Throws std::runtime_error naming the file, line and column of any mistake.
  static RuntimeConfig remote(const std::string& path);

  /// Parses `--local N` / `-l N` or `--remote PATH` / `-r PATH` (exactly one of them) out of
  /// the command line and returns the config with the remaining arguments, argv[0] first.
  /// `--` ends option parsing. On `--help` / `-h` prints usage and exits with status 0; on misuse
  /// prints the problem and the usage to stderr and exits with status 2 (this is the only
  /// place where the library exits, as in Renoir).
  static std::pair<RuntimeConfig, std::vector<std::string>> from_args(int argc, char** argv);

  /// In the launching process of a remote config: starts the job on every host, waits for
  /// them and exits with their combined status. In a worker, or for a local config: no-op.
  void spawn_remote_workers() const;

  bool is_local() const { return !cluster_; }
  /// Replicas of an unlimited block on this machine (local mode).
  std::size_t local_parallelism() const { return local_n_; }
  /// The hosts of a remote config (shared with every copy of this config, alive while one is).
  const launch::ClusterConfig& cluster() const&;
  /// On a temporary config: the hosts by value, so that `RuntimeConfig::remote(p).cluster()`
  /// does not leave a reference into a destroyed config.
  launch::ClusterConfig cluster() &&;
  /// Cores of the simulated hosts (empty unless made by simulated()).
  const std::vector<std::size_t>& simulated_hosts() const& { return simulated_; }
  /// On a temporary config: by value (a range-for over it stays valid).
  std::vector<std::size_t> simulated_hosts() && { return std::move(simulated_); }
  /// This process's host in the job, as in Renoir: 0 for a local config (and for a simulated
  /// one, whose results land in this process as on host 0); for a remote config, the index of
  /// the host in the cluster file in a worker, and no value in the launching process (which
  /// runs no part of the job). `config.host_id() == 0` compares the value.
  std::optional<std::size_t> host_id() const { return host_id_; }
  /// Renoir's `parallelism()`: the replicas of an unlimited block over every host: n for
  /// local(n), the sum of the cores for simulated(), the sum of `num_cores` of the hosts for
  /// remote().
  std::size_t parallelism() const;

 private:
  RuntimeConfig() = default;
  std::size_t local_n_ = 1;
  std::shared_ptr<const launch::ClusterConfig> cluster_;
  std::optional<std::size_t> host_id_ = 0;  // a remote config resets it (see remote())
  std::vector<std::size_t> simulated_;
};

}  // namespace renoir
