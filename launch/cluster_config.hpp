// The cluster configuration of a distributed run: which hosts take part, how many cores each one
// offers, how to reach it over SSH, and a few job-wide settings. Read from a TOML file:
//
//     fabric_provider = "tcp"            # optional, see ClusterConfig for every top-level key
//
//     [[host]]
//     address = "host1.lan"
//     base_port = 9500
//     num_cores = 16
//
//     [[host]]
//     address = "host2.lan"
//     base_port = 9500
//     num_cores = 24
//     ssh = { username = "renoir", key_file = "/home/renoir/.ssh/id_ed25519" }
//
// Every mistake in the file is reported as a ConfigError naming the file, line and column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace renoir::launch {

/// A configuration file that cannot be read or does not describe a valid cluster. The message
/// names the file and the line:column (or the host) at fault; it never contains a secret.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The name of the user running this process (getpwuid(geteuid())), or "" if it has none.
std::string current_user_name();

/// How to log into a host: the `ssh` table of a `[[host]]` (inline or as `[host.ssh]`).
/// At most one of `password` and `key_file` may be set; with neither, the SSH agent is used.
struct SshConfig {
  /// `ssh_port`: the port of the SSH server, 1..65535.
  uint16_t ssh_port = 22;
  /// `username`: the remote user; by default the user running the launcher.
  std::string username = current_user_name();
  /// `password`: password authentication. Secret: never printed, never shipped to workers.
  std::optional<std::string> password;
  /// `key_file`: path to a private key file (public key authentication).
  std::optional<std::string> key_file;
  /// `key_passphrase`: passphrase of `key_file`. Secret, like `password`.
  std::optional<std::string> key_passphrase;

  bool operator==(const SshConfig&) const = default;
};

/// One `[[host]]` table: a machine of the cluster.
struct HostConfig {
  /// `address` (required): host name or IP address the other hosts and the launcher reach it by.
  std::string address;
  /// `base_port` (required): first port of the range this host listens on, 1..65535.
  uint16_t base_port = 0;
  /// `num_cores` (required): how many worker threads to run there, at least 1.
  unsigned num_cores = 0;
  /// `ssh` (optional): how the launcher logs in.
  SshConfig ssh;
  /// `perf_path` (optional, Renoir's key): the launcher starts the worker under
  /// `perf record --call-graph dwarf -o <perf_path>` (perf must be installed on the host); a
  /// relative path is relative to the directory of the uploaded executable.
  std::optional<std::string> perf_path;
  /// Where the `[[host]]` table starts in the file (1-based), for messages; 0 if unknown.
  std::size_t line = 0;
  /// Position among the `[[host]]` tables, counting from 0: the host id of the run.
  std::size_t index = 0;
};

/// "host 1 (127.0.0.3:9500)": how messages refer to a host (IPv6 addresses get brackets).
std::string describe(const HostConfig& host);

/// A parsed, validated cluster configuration file.
struct ClusterConfig {
  /// The hosts, in file order (at least one).
  std::vector<HostConfig> hosts;
  /// `fabric_provider`: the libfabric provider the hosts talk through: "tcp" (default), "verbs"
  /// (InfiniBand/RoCE), "shm" (a single machine), ...
  std::string fabric_provider = "tcp";
  /// `cleanup_binaries`: remove the uploaded executables from the hosts after the job
  /// (default false: later runs of the same binary skip the upload). Renoir's spelling
  /// `cleanup_executable` means the same; giving both with different values is an error.
  bool cleanup_binaries = false;
  /// `tracing_dir` (Renoir's key): accepted so that Renoir's files load, but this build records
  /// no traces: the launcher says so on stderr and writes nothing there.
  std::optional<std::string> tracing_dir;
  /// `check_host_keys`: verify each host's SSH key against `known_hosts` and refuse to connect
  /// to an unknown or changed host (default true).
  bool check_host_keys = true;
  /// `known_hosts`: path of the known_hosts file; by default ~/.ssh/known_hosts.
  std::optional<std::string> known_hosts;
  /// `remote_dir`: directory on each host where the executable is uploaded (default /tmp/renoir).
  std::string remote_dir = "/tmp/renoir";
  /// `connect_timeout_ms`: how long a worker waits for every other host to connect and
  /// authenticate (default 10 s: the launcher starts all workers together, after every upload).
  std::uint32_t connect_timeout_ms = 10000;
  /// `heartbeat_interval_ms`: a host that sent nothing else to another for this long sends it a
  /// heartbeat (default 500 ms).
  std::uint32_t heartbeat_interval_ms = 500;
  /// `peer_timeout_ms`: a host that heard nothing from another for this long (stopped, hung,
  /// cut off from the network) fails the job naming it (default 5 s; 0 disables; at least twice
  /// heartbeat_interval_ms).
  std::uint32_t peer_timeout_ms = 5000;
  /// `stall_timeout_ms`: a replica blocked in user code (not using CPU) for this long fails the
  /// job (default: RENOIR_STALL_TIMEOUT_MS of the worker, else 60 s; 0 disables).
  std::optional<std::uint32_t> stall_timeout_ms;
  /// The file (or name) the configuration was read from; not part of the TOML.
  std::string source;

  /// Reads and validates the file at `path`. Throws ConfigError.
  static ClusterConfig parse_file(const std::string& path);
  /// Validates the TOML text `toml`; messages call it `source_name`. Throws ConfigError.
  static ClusterConfig parse_string(std::string_view toml, std::string source_name);
  /// The configuration as TOML, as shipped to the workers: parse_string() reads it back to an
  /// equal configuration, except that the secrets (`password`, `key_passphrase`) are left out.
  std::string to_toml() const;
};

}  // namespace renoir::launch
