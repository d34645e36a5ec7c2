#include "renoir/launch/ssh_launcher.hpp"

#include <libssh2.h>
#include <string.h>  // sigabbrev_np

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "renoir/launch/ssh_command.hpp"
#include "renoir/launch/ssh_session.hpp"
#include "renoir/launch/worker_watchdog.hpp"

namespace renoir::launch {
namespace {

using detail::StopRequested;
using detail::Clock;
using detail::SshFailure;
using detail::SshSession;
using std::chrono::milliseconds;

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && std::string_view(v) == "1";
}

// Everything that is the same for every host, prepared (and validated) before any thread starts.
struct Job {
  std::string local_path;   // canonical path of the executable
  std::string name;         // its file name, also the remote one
  std::string content;      // its bytes
  std::string hash;         // hex64(fnv1a64(content))
  std::string remote_dir;   // <cfg.remote_dir>/<hash>
  std::string remote_path;  // <remote_dir>/<name>
  std::string handshake;    // what the workers read on stdin (contains the secret!)
};

Job prepare(const ClusterConfig& cfg, const LaunchSpec& spec) {
  if (cfg.hosts.empty()) throw LaunchError("launch: the cluster configuration has no host");
  if (cfg.remote_dir.empty()) throw LaunchError("launch: remote_dir is empty");
  if (spec.job_secret.find_first_of("\r\n") != std::string::npos)
    throw LaunchError("launch: the job secret must not contain a line break");
  for (const auto& [name, value] : spec.env) {
    if (!valid_env_name(name))
      throw LaunchError("launch: invalid environment variable name '" + name + "'");
    if (name == kEnvHostId || name == kEnvNumHosts || name == kEnvStdinProtocol)
      throw LaunchError("launch: " + name + " is set by the launcher and cannot be overridden");
  }
  Job job;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path path = fs::canonical(spec.local_executable, ec);
  if (ec)
    throw LaunchError("launch: cannot find the executable '" + spec.local_executable +
                      "': " + ec.message());
  if (!fs::is_regular_file(path, ec))
    throw LaunchError("launch: '" + path.string() + "' is not a regular file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in)
    throw LaunchError("launch: cannot read the executable '" + path.string() + "'");
  job.local_path = path.string();
  job.name = path.filename().string();
  job.content = std::move(bytes).str();
  job.hash = hex64(fnv1a64(job.content));
  std::string base = cfg.remote_dir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  job.remote_dir = (base == "/" ? "" : base) + "/" + job.hash;
  job.remote_path = job.remote_dir + "/" + job.name;
  job.handshake = spec.job_secret + "\n" + std::to_string(spec.config_toml.size()) + "\n" +
                  spec.config_toml;
  return job;
}

std::vector<std::pair<std::string, std::string>> worker_env(const ClusterConfig& cfg,
                                                            const LaunchSpec& spec,
                                                            const HostConfig& host) {
  std::vector<std::pair<std::string, std::string>> env{
      {std::string(kEnvHostId), std::to_string(host.index)},
      {std::string(kEnvNumHosts), std::to_string(cfg.hosts.size())},
      {std::string(kEnvStdinProtocol), std::string(kStdinProtocolVersion)},
  };
  env.insert(env.end(), spec.env.begin(), spec.env.end());
  return env;
}

int signal_number(std::string_view name) {
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (int sig = 1; sig < 65; ++sig)
    if (const char* abbrev = sigabbrev_np(sig); abbrev != nullptr && name == abbrev) return sig;
  return 0;
}

// Splits a stream into lines; a line longer than kMaxLine is passed on in pieces.
class LineSplitter {
 public:
  static constexpr std::size_t kMaxLine = 64 * 1024;

  template <typename Emit>
  void feed(std::string_view data, Emit&& emit) {
    pending_.append(data);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1)
      emit(std::string_view(pending_).substr(start, nl - start));
    pending_.erase(0, start);
    if (pending_.size() >= kMaxLine) {
      emit(std::string_view(pending_));
      pending_.clear();
    }
  }
  template <typename Emit>
  void flush(Emit&& emit) {
    if (!pending_.empty()) emit(std::string_view(pending_));
    pending_.clear();
  }

 private:
  std::string pending_;
};

// State shared by the hosts' threads.
class Shared {
 public:
  Shared(const std::atomic<bool>& stop, std::size_t hosts) : stop_(stop), hosts_(hosts), done_(hosts) {}

  // Start barrier: every host is reached, logged into and uploaded to first, then all workers
  // start together, so that a worker's connect timeout never has to cover the slowest upload.
  // Each host arrives once (also when it fails, so that nobody waits for it); throws StopRequested
  // if the job stops meanwhile.
  void arrive() {
    {
      std::lock_guard lock(m_);
      ++arrived_;
    }
    cv_.notify_all();
  }
  void wait_for_all_hosts() {
    std::unique_lock lock(m_);
    while (arrived_ < hosts_) {
      if (should_stop()) throw StopRequested{};
      cv_.wait_for(lock, milliseconds(50));
    }
    if (should_stop()) throw StopRequested{};
  }

  bool should_stop() const { return abort_.load() || stop_.load(); }
  bool stop_requested() const { return stop_.load(); }

  // The first failure (or stop request) decides the combined status and stops everybody.
  void fail(int status) {
    std::lock_guard lock(m_);
    if (!first_) first_ = status;
    abort_.store(true);
  }
  void note_stop_request() { fail(kLaunchStoppedStatus); }
  int status() const {
    std::lock_guard lock(m_);
    return first_.value_or(0);
  }

  std::latch& done() { return done_; }

 private:
  const std::atomic<bool>& stop_;
  std::atomic<bool> abort_{false};
  mutable std::mutex m_;
  std::optional<int> first_;
  std::condition_variable cv_;
  std::size_t hosts_;
  std::size_t arrived_ = 0;
  std::latch done_;
};

class HostRunner {
 public:
  HostRunner(const ClusterConfig& cfg, const LaunchSpec& spec, const Job& job,
             const LaunchOptions& options, const LaunchOutput& out, Shared& shared,
             const HostConfig& host, HostOutcome& outcome)
      : cfg_(cfg), spec_(spec), job_(job), opt_(options), out_(out), shared_(shared),
        host_(host), outcome_(outcome),
        session_(host, [this] { return shared_.should_stop(); }) {}

  void run() {
    bool counted_down = false;
    auto count_down = [&] {
      if (!counted_down) shared_.done().count_down();
      counted_down = true;
    };
    bool arrived = false;
    auto arrive = [&] {
      if (!arrived) shared_.arrive();
      arrived = true;
    };
    bool can_clean_up = false;
    try {
      try {
        session_.connect(opt_.connect_timeout);
        session_.handshake(cfg_, opt_.ssh_timeout);
        session_.authenticate(opt_.ssh_timeout);
        info("connected to " + host_.ssh.username + "@" + host_.address + " port " +
             std::to_string(host_.ssh.ssh_port));
        session_.open_sftp(opt_.ssh_timeout);
        can_clean_up = true;
        ensure_uploaded();
        arrive();
        shared_.wait_for_all_hosts();
        run_worker();
      } catch (const StopRequested&) {
        if (shared_.stop_requested()) shared_.note_stop_request();
        outcome_.stopped = true;
        outcome_.status = kLaunchStoppedStatus;
        info("stopped before the worker started");
      } catch (const SshFailure& e) {
        host_failed(e.what());
      } catch (const std::exception& e) {
        host_failed(describe(host_) + ": " + e.what());
      }
      arrive();
      count_down();
      if (cfg_.cleanup_binaries && can_clean_up && outcome_.started) {
        // Not before every worker has ended: hosts may share a file system.
        shared_.done().wait();
        clean_up();
      }
    } catch (...) {
      arrive();
      count_down();
    }
  }

 private:
  void info(const std::string& msg) { out_(host_, LaunchEvent::info, describe(host_) + ": " + msg); }
  void error(const std::string& full_msg) { out_(host_, LaunchEvent::error, full_msg); }

  void host_failed(const std::string& msg) {
    outcome_.status = kLaunchHostErrorStatus;
    outcome_.error = msg;
    if (shared_.should_stop()) outcome_.stopped = true;
    error(msg);
    shared_.fail(kLaunchHostErrorStatus);
  }

  void ensure_uploaded() {
    auto existing = session_.stat_file(job_.remote_path, opt_.ssh_timeout);
    if (existing && (existing->permissions & 0100) != 0 && existing->size == job_.content.size()) {
      info("executable already present at " + job_.remote_path + ", upload skipped");
      return;
    }
    if (existing) session_.remove_file(job_.remote_path, opt_.ssh_timeout);  // stale or partial
    session_.make_dirs(job_.remote_dir, opt_.ssh_timeout);
    session_.upload(job_.remote_path, job_.content, opt_.ssh_timeout);
    outcome_.uploaded = true;
    info("uploaded " + job_.local_path + " to " + job_.remote_path + " (" +
         std::to_string(job_.content.size()) + " bytes)");
  }

  void emit(int stream, std::string_view line) {
    if (stream == 0 && worker_pgid_ == 0) {
      // The remote shell's "renoir-worker-pid <pid>" line, before the worker's own output (but
      // maybe after what the user's shell startup files print).
      if ((worker_pgid_ = parse_worker_pid_line(line)) != 0) return;
    }
    out_(host_, stream == 0 ? LaunchEvent::worker_stdout : LaunchEvent::worker_stderr, line);
  }

  void run_worker() {
    const std::string command =
        remote_worker_command(job_.remote_dir, job_.name, worker_env(cfg_, spec_, host_),
                              spec_.args, host_.perf_path.value_or(""));
    LIBSSH2_SESSION* s = session_.raw();
    LIBSSH2_CHANNEL* ch = session_.exec(command, opt_.ssh_timeout);
    outcome_.started = true;
    info("worker started");

    // The handshake is small: it fits the channel window whether or not the worker reads it.
    std::size_t sent = 0;
    session_.retry(
        [&] {
          while (sent < job_.handshake.size()) {
            ssize_t n = libssh2_channel_write_ex(ch, 0, job_.handshake.data() + sent,
                                                 job_.handshake.size() - sent);
            if (n < 0) return static_cast<int>(n);
            sent += static_cast<std::size_t>(n);
          }
          return 0;
        },
        Clock::now() + opt_.ssh_timeout, "sending the handshake to the worker", false);
    // A write error means the worker is already gone; its exit status tells why.

    libssh2_keepalive_config(s, 1, 10);
    LineSplitter lines[2];
    bool stopping = false;
    Clock::time_point stop_deadline{};
    bool eof = false;
    bool gave_up = false;  // the worker ignored the stop request
    bool killed = false;   // SIGKILL sent
    std::optional<std::string> lost;  // why the connection was lost, if it was
    char buf[32768];
    for (;;) {
      bool progress = false;
      for (int stream = 0; stream < 2 && !lost; ++stream) {
        // A bounded number of reads per pass: a worker that writes faster than we read would
        // otherwise keep this loop from ever reaching the stop check below (seen under ASan,
        // where the reader is the slower side: a stop request took 7 to 12 s to be noticed).
        for (int reads = 0; reads < 64; ++reads) {
          ssize_t n = libssh2_channel_read_ex(ch, stream, buf, sizeof buf);
          if (n > 0) {
            progress = true;
            lines[stream].feed(std::string_view(buf, static_cast<std::size_t>(n)),
                               [&](std::string_view l) { emit(stream, l); });
            continue;
          }
          if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) lost = session_.last_error();
          break;
        }
      }
      if (lost) break;
      if (!progress) {  // everything read: now look at EOF
        if (!eof) eof = libssh2_channel_eof(ch) != 0;
        if (eof) {
          int rc = libssh2_channel_wait_closed(ch);
          if (rc == 0) break;
          if (rc != LIBSSH2_ERROR_EAGAIN) {
            lost = session_.last_error();
            break;
          }
        }
      }
      if (!stopping && shared_.should_stop()) {
        if (shared_.stop_requested()) shared_.note_stop_request();
        stopping = true;
        stop_deadline = Clock::now() + opt_.stop_grace;
        request_stop(ch);
        continue;
      }
      if (stopping && Clock::now() >= stop_deadline) {
        if (worker_pgid_ != 0 && !killed) {
          // It ignored SIGTERM and the end of its stdin.
          info("the worker ignored the stop request; sending SIGKILL");
          session_.run_command(remote_kill_command(worker_pgid_, "KILL"), milliseconds(2000));
          killed = true;
          stop_deadline = Clock::now() + milliseconds(1000);
          continue;
        }
        gave_up = true;
        break;
      }
      int next = 0;
      if (libssh2_keepalive_send(s, &next) != 0) {
        lost = session_.last_error();
        break;
      }
      if (!progress) session_.wait_socket(milliseconds(100));
    }
    for (int stream = 0; stream < 2; ++stream)
      lines[stream].flush([&](std::string_view l) { emit(stream, l); });

    outcome_.stopped = stopping;
    if (gave_up) {
      host_failed(describe(host_) + ": the worker did not stop within " +
                  std::to_string(opt_.stop_grace.count()) +
                  " ms of being asked to; dropping its connection");
      return;
    }
    if (lost) {
      // The channel is left to the session's destructor, which drops the connection; sshd
      // then closes the worker's stdin (and the worker's parent dies).
      host_failed(describe(host_) + ": lost the connection to " + host_.address + " port " +
                  std::to_string(host_.ssh.ssh_port) + " while the worker was running" +
                  (lost->empty() ? std::string() : " (" + *lost + ")"));
      return;
    }
    char* signame = nullptr;
    std::size_t signame_len = 0;
    libssh2_channel_get_exit_signal(ch, &signame, &signame_len, nullptr, nullptr, nullptr,
                                    nullptr);
    std::string how;
    if (signame != nullptr) {
      std::string name(signame, signame_len);
      libssh2_free(s, signame);
      int sig = signal_number(name);
      outcome_.status = 128 + (sig != 0 ? sig : 127);
      how = "killed by signal SIG" + name;
    } else {
      outcome_.status = libssh2_channel_get_exit_status(ch);
      how = "exited with status " + std::to_string(outcome_.status);
    }
    try {
      session_.retry([&] { return libssh2_channel_free(ch); }, Clock::now() + milliseconds(1000),
                     "closing the channel", false);
    } catch (const SshFailure&) {
      // left to the session
    }
    if (outcome_.status == 0) {
      info("worker " + how);
    } else if (stopping) {
      info("worker stopped: " + how);
      shared_.fail(outcome_.status);  // no-op: a failure or a stop request came first
    } else {
      outcome_.error = describe(host_) + ": worker " + how;
      error(outcome_.error);
      shared_.fail(outcome_.status);
    }
  }

  // Asks the worker to stop: end-of-file on its stdin (the contract of worker_watchdog.hpp),
  // and SIGTERM to its process group. libssh2 1.10 cannot send the "signal" channel request
  // (it refuses a second request on a channel), so the signal is sent by a `kill` on a channel
  // of its own, to the process group id the remote shell reported.
  void request_stop(LIBSSH2_CHANNEL* ch) {
    info("stopping the worker");
    const auto deadline = Clock::now() + milliseconds(1000);
    try {
      session_.retry([&] { return libssh2_channel_send_eof(ch); }, deadline,
                     "closing the worker's stdin", false);
    } catch (const SshFailure&) {
    }
#if LIBSSH2_VERSION_NUM >= 0x010b00
    try {
      session_.retry([&] { return libssh2_channel_signal_ex(ch, "TERM", 4); }, deadline,
                     "sending SIGTERM", false);
    } catch (const SshFailure&) {
    }
#endif
    if (worker_pgid_ != 0)
      session_.run_command(remote_kill_command(worker_pgid_, "TERM"), milliseconds(2000));
  }

  void clean_up() {
    const milliseconds t(5000);
    try {
      if (session_.remove_file(job_.remote_path, t)) {
        info("removed " + job_.remote_path);
        session_.remove_dir(job_.remote_dir, t);
      }
    } catch (const SshFailure& e) {
      info(std::string("cleanup failed: ") + e.what());
    }
  }

  const ClusterConfig& cfg_;
  const LaunchSpec& spec_;
  const Job& job_;
  const LaunchOptions& opt_;
  const LaunchOutput& out_;
  Shared& shared_;
  const HostConfig& host_;
  HostOutcome& outcome_;
  SshSession session_;
  long worker_pgid_ = 0;  // the worker's process group on its host, 0 if unknown
};

std::string auth_description(const HostConfig& host) {
  if (host.ssh.password) return "password";
  if (host.ssh.key_file) return "key file " + *host.ssh.key_file;
  return "ssh-agent";
}

void dry_run(const ClusterConfig& cfg, const LaunchSpec& spec, const Job& job,
             const LaunchOutput& out) {
  for (const HostConfig& host : cfg.hosts) {
    auto say = [&](const std::string& msg) {
      out(host, LaunchEvent::dry_run, "[dry run] " + describe(host) + ": " + msg);
    };
    const std::string command = remote_worker_command(job.remote_dir, job.name, worker_env(cfg, spec, host),
                                                      spec.args, host.perf_path.value_or(""));
    std::string keys = cfg.check_host_keys
                           ? "host key checked against " +
                                 cfg.known_hosts.value_or("~/.ssh/known_hosts")
                           : "host key NOT checked";
    say("connect: ssh -p " + std::to_string(host.ssh.ssh_port) + " -l " +
        shell_quote(host.ssh.username) + " " + host.address + " (" + keys + "; auth: " +
        auth_description(host) + ")");
    say("upload: " + job.local_path + " (" + std::to_string(job.content.size()) +
        " bytes) -> " + job.remote_path + " over SFTP, skipped if already there");
    say("exec: " + command);
    say("stdin: job secret (" + std::to_string(spec.job_secret.size()) +
        " bytes, not shown), configuration (" + std::to_string(spec.config_toml.size()) +
        " bytes), then kept open until the job ends");
    if (cfg.cleanup_binaries) say("cleanup: remove " + job.remote_path);
  }
}

}  // namespace

std::string output_prefix(const ClusterConfig& cfg, const HostConfig& host) {
  for (const HostConfig& other : cfg.hosts)
    if (other.index != host.index && other.address == host.address)
      return host.address + ":" + std::to_string(host.base_port);
  return host.address;
}

LaunchOutput print_launch_output(const ClusterConfig& cfg, bool verbose) {
  std::vector<std::string> prefixes;
  for (const HostConfig& h : cfg.hosts) prefixes.push_back(output_prefix(cfg, h));
  auto lock = std::make_shared<std::mutex>();
  return [prefixes = std::move(prefixes), lock, verbose](const HostConfig& host, LaunchEvent event,
                                                         std::string_view text) {
    std::string line;
    std::FILE* to = stderr;
    switch (event) {
      case LaunchEvent::worker_stdout:
      case LaunchEvent::worker_stderr:
        line = (host.index < prefixes.size() ? prefixes[host.index] : host.address) + "|";
        if (event == LaunchEvent::worker_stdout) to = stdout;
        break;
      case LaunchEvent::info:
        if (!verbose) return;
        line = "renoir-launch: ";
        break;
      case LaunchEvent::error:
        line = "renoir-launch: ";
        break;
      case LaunchEvent::dry_run:
        to = stdout;
        break;
    }
    line.append(text).push_back('\n');
    std::lock_guard guard(*lock);
    std::fwrite(line.data(), 1, line.size(), to);
    std::fflush(to);
  };
}

LaunchOptions LaunchOptions::from_env() {
  LaunchOptions o;
  o.dry_run = env_flag("RENOIR_LAUNCH_DRY_RUN");
  o.verbose = env_flag("RENOIR_LAUNCH_VERBOSE");
  return o;
}

LaunchResult run_workers(const ClusterConfig& cfg, const LaunchSpec& spec,
                         const std::atomic<bool>& stop, const LaunchOptions& options) {
  const Job job = prepare(cfg, spec);
  const LaunchOutput out = options.output ? options.output
                                          : print_launch_output(cfg, options.verbose);
  LaunchResult result;
  result.hosts.resize(cfg.hosts.size());
  if (options.dry_run) {
    dry_run(cfg, spec, job, out);
    return result;
  }
  detail::init_libssh2_once();
  Shared shared(stop, cfg.hosts.size());
  {
    std::vector<std::jthread> threads;
    threads.reserve(cfg.hosts.size());
    for (std::size_t i = 0; i < cfg.hosts.size(); ++i)
      threads.emplace_back([&, i] {
        HostRunner(cfg, spec, job, options, out, shared, cfg.hosts[i], result.hosts[i]).run();
      });
  }  // joins
  result.status = shared.status();
  return result;
}

int launch_workers(const ClusterConfig& cfg, const LaunchSpec& spec,
                   const std::atomic<bool>& stop) {
  return run_workers(cfg, spec, stop, LaunchOptions::from_env()).status;
}

}  // namespace renoir::launch
