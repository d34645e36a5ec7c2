// The remote run: the launching side and the worker side.
#include <renoir/api/remote.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include <renoir/core/executor.hpp>
#include <renoir/core/network.hpp>
#include <renoir/launch/external_launcher.hpp>
#include <renoir/launch/ssh_launcher.hpp>
#include <renoir/launch/worker_watchdog.hpp>
#include <renoir/transport/fabric_transport.hpp>

/// Test hook, defined only by test jobs (tests/distributed/shuffle_job.cpp), never by the
/// library: a weak reference, null unless the program defines it. Called on a worker before its
/// transport opens, with the job secret it will present (a test makes one host's wrong).
extern "C" __attribute__((weak)) void renoir_test_worker_hook(std::size_t host, std::string& secret);

namespace renoir::detail {
namespace {

std::atomic<bool> stop_requested{false};  // lock-free: safe to set from a signal handler
std::atomic<int> stop_signal{0};
extern "C" void on_stop_signal(int sig) {
  stop_signal.store(sig);
  stop_requested.store(true);
}

std::string random_secret() {
  std::random_device rd;  // getrandom(2) on Linux
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    const unsigned v = rd();
    s.push_back(hex[v & 15]);
    s.push_back(hex[(v >> 4) & 15]);
  }
  return s;
}

/// argv[1..] of this process, as the kernel recorded it.
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  std::size_t start = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i] != '\0') continue;
    args.emplace_back(all, start, i - start);
    start = i + 1;
  }
  if (!args.empty()) args.erase(args.begin());
  return args;
}

bool is_loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "localhost" || address == "::1" || address == "[::1]";
}

/// Whether two configured hosts are certainly the same machine.
bool same_machine(const std::string& a, const std::string& b) { return a == b || (is_loopback(a) && is_loopback(b)); }

}  // namespace

int launch_job(const launch::ClusterConfig& cluster) {
  if (cluster.tracing_dir)
    std::fprintf(stderr,
                 "renoir: %s: tracing_dir = \"%s\" is accepted for Renoir compatibility, but this build records no "
                 "traces: nothing is written there\n",
                 cluster.source.c_str(), cluster.tracing_dir->c_str());
  launch::LaunchSpec spec;
  spec.local_executable = "/proc/self/exe";
  spec.args = own_arguments();
  spec.job_secret = random_secret();
  spec.config_toml = cluster.to_toml();
  // Workers start in the directory of their uploaded executable; they move to the launcher's
  // working directory when their host has it, so relative input paths mean the same thing
  // on a shared file system (and on loopback test clusters).
  if (char cwd[4096]; ::getcwd(cwd, sizeof cwd)) spec.env.emplace_back("RENOIR_LAUNCH_CWD", cwd);
  // The test jobs' fault switches (RENOIR_FAULT_*, read by tests/distributed/ jobs, not by the
  // library), worker diagnostics and sanitizer options (for sanitized builds: sshd would drop
  // them, and a worker should check what the launcher checks) travel to the workers.
  auto forwarded = [](const std::string& var) {
    for (const char* prefix : {"RENOIR_FAULT_", "RENOIR_WORKER_", "ASAN_OPTIONS=", "LSAN_OPTIONS=", "UBSAN_OPTIONS=",
                               "TSAN_OPTIONS="})
      if (var.rfind(prefix, 0) == 0) return true;
    return false;
  };
  for (char** e = environ; *e; ++e) {
    const std::string var = *e;
    if (forwarded(var)) {
      const auto eq = var.find('=');
      spec.env.emplace_back(var.substr(0, eq), var.substr(eq + 1));
    }
  }
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  try {
    const int status = launch::launch_workers(cluster, spec, stop_requested);
    if (stop_requested.load())
      std::fprintf(stderr, "renoir-launch: stopped by %s; every worker was asked to stop\n",
                   stop_signal.load() == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM");
    return status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "renoir-launch: %s\n", e.what());
    return 255;
  }
}

const WorkerIdentity* worker_identity(const std::string& config_name) {
  static std::mutex mutex;
  static std::optional<WorkerIdentity> identity;
  std::lock_guard lock(mutex);
  if (identity) return &*identity;
  if (!launch::launched_by_renoir()) {
    // Started by mpirun or srun: the rank is the host id, every process reads the cluster file
    // itself (same path on every host) and takes the secret from its environment.
    const auto rank = launch::external_rank();
    if (!rank) return nullptr;
    WorkerIdentity w;
    w.cluster = std::make_shared<const launch::ClusterConfig>(launch::ClusterConfig::parse_file(config_name));
    if (rank->size != w.cluster->hosts.size())
      throw std::runtime_error("renoir: " + rank->launcher + " started " + std::to_string(rank->size) +
                               " processes but " + config_name + " lists " + std::to_string(w.cluster->hosts.size()) +
                               " hosts: start one process per host (e.g. mpirun -np " +
                               std::to_string(w.cluster->hosts.size()) + ")");
    w.host = rank->rank;
    w.secret = std::make_shared<const std::string>(launch::external_job_secret(*rank));
    identity = std::move(w);
    return &*identity;
  }
  const char* host = std::getenv(std::string(launch::kEnvHostId).c_str());
  if (!host) throw std::runtime_error("renoir worker: RENOIR_HOST_ID is not set");
  auto handshake = launch::read_launcher_handshake();
  launch::start_stdin_watchdog();
  if (const char* cwd = std::getenv("RENOIR_LAUNCH_CWD")) (void)::chdir(cwd);  // stays put if absent
  WorkerIdentity w;
  w.cluster = std::make_shared<const launch::ClusterConfig>(
      launch::ClusterConfig::parse_string(handshake.config_toml, config_name));
  w.host = std::stoul(host);
  if (w.host >= w.cluster->hosts.size())
    throw std::runtime_error("renoir worker: RENOIR_HOST_ID=" + std::string(host) + " names no host of the job");
  w.secret = std::make_shared<const std::string>(std::move(handshake.job_secret));
  identity = std::move(w);
  return &*identity;
}

void execute_as_worker(const core::JobGraph& graph, const WorkerIdentity& worker) {
  const auto& hosts = worker.cluster->hosts;
  transport::TransportConfig tc;
  for (const auto& h : hosts) tc.peers.push_back(h.address + ":" + std::to_string(h.base_port));
  tc.self = static_cast<transport::PeerId>(worker.host);
  tc.secret = *worker.secret;
  if (renoir_test_worker_hook) renoir_test_worker_hook(worker.host, tc.secret);
  tc.heartbeat_interval = std::chrono::milliseconds(worker.cluster->heartbeat_interval_ms);
  tc.peer_timeout = std::chrono::milliseconds(worker.cluster->peer_timeout_ms);
  transport::FabricOptions options;
  options.provider = worker.cluster->fabric_provider;
  // RENOIR_WORKER_TIMING=1: print how long each phase of this worker took (on stderr).
  const bool timing = std::getenv("RENOIR_WORKER_TIMING") != nullptr;
  const auto start = std::chrono::steady_clock::now();
  auto phase = [&](const char* what) {
    if (timing)
      std::fprintf(stderr, "renoir worker %zu: %s at %.3f s\n", worker.host, what,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  };
  transport::FabricTransport fabric(std::move(tc), options);
  phase("transport open");
  fabric.connect_all(std::chrono::milliseconds(worker.cluster->connect_timeout_ms));
  phase("connected");

  core::Network network(fabric);
  core::ExecutionConfig exec;
  exec.host_cores.clear();
  for (const auto& h : hosts) exec.host_cores.push_back(h.num_cores);
  exec.this_host = worker.host;
  exec.network = &network;
  if (worker.cluster->stall_timeout_ms) exec.stall_timeout = std::chrono::milliseconds(*worker.cluster->stall_timeout_ms);
  // Hosts on the same machine (same address, or both loopback) get cores of their own.
  for (std::size_t h = 0; h < worker.host; ++h)
    if (same_machine(hosts[h].address, hosts[worker.host].address)) exec.core_offset += hosts[h].num_cores;
  core::execute(graph, exec);
  phase("job done");
  network.finish(hosts.size(), worker.host, std::chrono::seconds(60));
  phase("finished");
}

}  // namespace renoir::detail
