// Building blocks of the SSH launcher that need no network: shell quoting, the remote command
// line, and the content hash that names an uploaded executable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace renoir::launch {

/// `s` as one word for a POSIX shell, in single quotes: `it's` -> `'it'\''s'`, `` -> `''`.
/// Every character, newlines included, reaches the program unchanged.
std::string shell_quote(std::string_view s);

/// Whether `name` can be an environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool valid_env_name(std::string_view name);

/// 64-bit FNV-1a of `data`, continuing from `hash` (pass the previous result to hash in pieces).
inline constexpr uint64_t kFnv1a64Offset = 0xcbf29ce484222325ULL;
uint64_t fnv1a64(std::string_view data, uint64_t hash = kFnv1a64Offset);

/// `value` as 16 lowercase hexadecimal digits.
std::string hex64(uint64_t value);

/// What the remote shell prints as the first line of the worker's stdout, followed by its
/// process id, which sshd made a process group (and session) leader: the launcher reads it
/// (and does not pass it on) to signal the worker's process group.
inline constexpr std::string_view kWorkerPidLinePrefix = "renoir-worker-pid ";

/// The command the launcher asks sshd to run (through the remote user's login shell, which
/// must be POSIX-compatible):
///     cd '<dir>' && echo renoir-worker-pid $$ && exec env 'K=V'... './<name>' '<arg>'...
/// Every piece is shell_quote()d. `env` names must be valid_env_name() (not checked here).
/// With a `perf_path` (a host's `perf_path` key), the worker runs under perf:
///     ... && exec perf record --call-graph dwarf -o '<perf_path>' -- env 'K=V'... './<name>' ...
std::string remote_worker_command(std::string_view dir, std::string_view executable_name,
                                  const std::vector<std::pair<std::string, std::string>>& env,
                                  const std::vector<std::string>& args, std::string_view perf_path = {});

/// The pid of a kWorkerPidLinePrefix line, or 0 if `line` is not one.
long parse_worker_pid_line(std::string_view line);

/// A command sending `signal` ("TERM", "KILL") to the process group `pgid`, then SIGCONT
/// (but after KILL), so that a stopped group gets it now:
///     kill -s TERM -- -<pgid> 2>/dev/null; kill -s CONT -- -<pgid> 2>/dev/null
std::string remote_kill_command(long pgid, std::string_view signal);

}  // namespace renoir::launch
