// The worker side of the launcher's process contract (see ssh_launcher.hpp for the other side).
//
// A worker started by launch_workers() finds in its environment:
//
//   RENOIR_HOST_ID=<i>          its host's index in the cluster configuration (0-based)
//   RENOIR_NUM_HOSTS=<n>        how many hosts the job runs on
//   RENOIR_STDIN_PROTOCOL=1     stdin carries the launcher handshake below and then stays open
//   (plus the extra variables of LaunchSpec::env)
//
// and reads on its standard input, written by the launcher before anything else:
//
//   <job secret>\n              one line, no '\r' or '\n' inside (may be empty)
//   <N>\n                       decimal byte length of the configuration
//   <N bytes>                   ClusterConfig::to_toml() of the job (no secrets)
//
// After the handshake the launcher sends nothing more; the worker must keep watching stdin and
// exit when it reaches end-of-file: that is how the launcher stops the job (on a failure
// elsewhere, on a stop request, or because the launcher itself died and its SSH session closed).
// start_stdin_watchdog() implements that. When the launcher stops a job it also sends SIGTERM to
// the worker's process group, then SIGKILL after a grace period (3 s by default); but if the
// launcher dies, end-of-file on stdin (and the death of the worker's parent, the sshd session
// process) is all the worker gets. A worker may handle SIGTERM to shut down cleanly; it must
// not ignore stdin's end-of-file.
//
// The worker is the leader of its own process group and session (sshd does setsid()); the
// launcher signals that group, so helper processes the worker starts go with it. It runs in
// the directory of its uploaded executable, with the remote user's default environment
// (sshd's, not the launcher's). Its stdout and stderr reach the launcher, line by line.
#pragma once

#include <string>
#include <string_view>

namespace renoir::launch {

/// Environment variable names of the process contract.
inline constexpr std::string_view kEnvHostId = "RENOIR_HOST_ID";
inline constexpr std::string_view kEnvNumHosts = "RENOIR_NUM_HOSTS";
inline constexpr std::string_view kEnvStdinProtocol = "RENOIR_STDIN_PROTOCOL";
/// The only value of RENOIR_STDIN_PROTOCOL so far.
inline constexpr std::string_view kStdinProtocolVersion = "1";

/// The exit status of a worker whose stdin closed (as if terminated by SIGTERM: 128 + 15).
inline constexpr int kStdinClosedExitCode = 143;

/// Whether this process was started by the launcher (RENOIR_STDIN_PROTOCOL is set to "1").
bool launched_by_renoir();

/// What the launcher writes on the worker's stdin.
struct LauncherHandshake {
  std::string job_secret;   ///< Secret: never print it.
  std::string config_toml;  ///< ClusterConfig::to_toml() of the job.
};

/// Reads the whole handshake from file descriptor 0 (unbuffered, nothing past it). Throws
/// std::runtime_error if stdin closes early or the length line is malformed.
LauncherHandshake read_launcher_handshake();

/// Reads only the first line (the job secret). Call read_config_toml_from_stdin() next if the
/// configuration is needed, before start_stdin_watchdog() (which discards whatever follows).
std::string read_job_secret_from_stdin();

/// Reads the length line and the configuration that follow the secret line.
std::string read_config_toml_from_stdin();

/// Starts a detached thread that reads and discards stdin and calls _exit(exit_code) when it
/// reaches end-of-file (or fails). Also asks the kernel to SIGKILL this process when its parent
/// (the sshd session) dies (PR_SET_PDEATHSIG). Call it once, after reading the handshake.
void start_stdin_watchdog(int exit_code = kStdinClosedExitCode);

}  // namespace renoir::launch
