#include "renoir/launch/ssh_command.hpp"

namespace renoir::launch {

std::string shell_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  for (char c : s) {
    if (c == '\'')
      out.append("'\\''");  // close the quote, an escaped quote, reopen
    else
      out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

bool valid_env_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

uint64_t fnv1a64(std::string_view data, uint64_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string hex64(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = kDigits[value & 15];
  return out;
}

std::string remote_worker_command(std::string_view dir, std::string_view executable_name,
                                  const std::vector<std::pair<std::string, std::string>>& env,
                                  const std::vector<std::string>& args, std::string_view perf_path) {
  std::string cmd = "cd ";
  cmd.append(shell_quote(dir)).append(" && echo ").append(kWorkerPidLinePrefix).append("$$");
  cmd.append(" && exec");
  // perf takes the pid the shell printed (exec), so the launcher's signals reach its group.
  if (!perf_path.empty()) cmd.append(" perf record --call-graph dwarf -o ").append(shell_quote(perf_path)).append(" --");
  cmd.append(" env");
  for (const auto& [name, value] : env) {
    std::string assignment = name;
    assignment.append("=").append(value);
    cmd.append(" ").append(shell_quote(assignment));
  }
  // "./name": `env` would otherwise search PATH for a bare name.
  std::string program = "./";
  program.append(executable_name);
  cmd.append(" ").append(shell_quote(program));
  for (const std::string& a : args) cmd.append(" ").append(shell_quote(a));
  return cmd;
}

long parse_worker_pid_line(std::string_view line) {
  if (!line.starts_with(kWorkerPidLinePrefix)) return 0;
  line.remove_prefix(kWorkerPidLinePrefix.size());
  if (line.empty() || line.size() > 18) return 0;
  long pid = 0;
  for (char c : line) {
    if (c < '0' || c > '9') return 0;
    pid = pid * 10 + (c - '0');
  }
  return pid > 1 ? pid : 0;
}

std::string remote_kill_command(long pgid, std::string_view signal) {
  const std::string group = " -- -" + std::to_string(pgid) + " 2>/dev/null";
  std::string cmd = "kill -s " + std::string(signal) + group;
  // A stopped worker (SIGSTOP, a debugger) would only see SIGTERM once continued.
  if (signal != "KILL") cmd += "; kill -s CONT" + group;
  return cmd;
}

}  // namespace renoir::launch
