// RuntimeConfig: where a job runs (local cores or the hosts of a cluster file), from code or argv.
#include <renoir/api/config.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>

#include <renoir/api/remote.hpp>
#include <renoir/launch/cluster_config.hpp>
#include <renoir/topology/hardware.hpp>

namespace renoir {
namespace {

std::string usage(const std::string& program) {
  return "usage: " + program +
         " (--local N | --remote CONFIG.toml) [ARGS...]\n"
         "  -l, --local N       run on this machine with N replicas per operator (N >= 1)\n"
         "  -r, --remote PATH   run on the hosts listed in the TOML file PATH\n"
         "  -h, --help          print this message\n"
         "  --                  end of renoir options; the rest goes to the program\n";
}

[[noreturn]] void bad_usage(const std::string& program, const std::string& problem) {
  std::fprintf(stderr, "%s: %s\n%s", program.c_str(), problem.c_str(), usage(program).c_str());
  std::exit(2);
}

// `what` names the request, e.g. "--local 100000".
std::string too_many(const std::string& what) {
  return what + ": at most " + std::to_string(RuntimeConfig::max_local_replicas()) +
         " replicas per operator on this machine (" + std::to_string(topology::core_count()) +
         " cores; each replica is a thread, and an exchange between n replicas uses n x n rings)";
}

}  // namespace

std::size_t RuntimeConfig::max_local_replicas() {
  return std::max<std::size_t>(256, 8 * topology::core_count());
}

RuntimeConfig RuntimeConfig::local(std::size_t n) {
  if (n == 0) throw std::invalid_argument("RuntimeConfig::local(0): a job needs at least one replica per operator");
  if (n > max_local_replicas())
    throw std::invalid_argument(too_many("RuntimeConfig::local(" + std::to_string(n) + ")"));
  RuntimeConfig c;
  c.local_n_ = n;
  return c;
}

RuntimeConfig RuntimeConfig::simulated(std::vector<std::size_t> host_cores) {
  if (host_cores.empty()) throw std::invalid_argument("RuntimeConfig::simulated: give at least one host");
  std::size_t total = 0;
  for (std::size_t c : host_cores) {
    if (c == 0) throw std::invalid_argument("RuntimeConfig::simulated: a host needs at least one core");
    total += std::min(c, max_local_replicas() + 1);  // no overflow, still over the limit
    if (total > max_local_replicas())
      throw std::invalid_argument(too_many("RuntimeConfig::simulated: " + std::to_string(total) + " cores in all"));
  }
  RuntimeConfig c;
  c.simulated_ = std::move(host_cores);
  return c;
}

RuntimeConfig RuntimeConfig::local_all_cores() { return local(topology::core_count()); }

RuntimeConfig RuntimeConfig::remote(const std::string& path) {
  RuntimeConfig c;
  c.host_id_.reset();  // the launcher has no host id; a worker gets its own below
  if (const auto* worker = detail::worker_identity(path)) {
    // A worker: the launcher sent the configuration it read (and the job secret) on stdin.
    c.cluster_ = worker->cluster;
    c.host_id_ = worker->host;
  } else {
    c.cluster_ = std::make_shared<const launch::ClusterConfig>(launch::ClusterConfig::parse_file(path));
  }
  return c;
}

std::size_t RuntimeConfig::parallelism() const {
  if (cluster_) {
    std::size_t n = 0;
    for (const auto& h : cluster_->hosts) n += h.num_cores;
    return n;
  }
  if (!simulated_.empty()) {
    std::size_t n = 0;
    for (std::size_t c : simulated_) n += c;
    return n;
  }
  return local_n_;
}

const launch::ClusterConfig& RuntimeConfig::cluster() const& {
  if (!cluster_) throw std::logic_error("RuntimeConfig::cluster(): this is a local config");
  return *cluster_;
}

launch::ClusterConfig RuntimeConfig::cluster() && { return static_cast<const RuntimeConfig&>(*this).cluster(); }

void RuntimeConfig::spawn_remote_workers() const {
  if (is_local()) return;
  if (host_id_) return;  // a worker: nothing to spawn
  std::exit(detail::launch_job(*cluster_));
}

std::pair<RuntimeConfig, std::vector<std::string>> RuntimeConfig::from_args(int argc, char** argv) {
  const std::string program = argc > 0 && argv[0] ? argv[0] : "renoir";
  std::vector<std::string> rest{program};
  std::optional<std::size_t> local;
  std::optional<std::string> remote;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (options_done) {
      rest.push_back(arg);
      continue;
    }
    // Accept both "--local 4" and "--local=4".
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0) {
      if (auto eq = arg.find('='); eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        arg.resize(eq);
      }
    }
    auto value = [&](const std::string& flag) -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) bad_usage(program, flag + " needs a value");
      return argv[++i];
    };
    if (arg == "--") {
      options_done = true;
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(usage(program).c_str(), stdout);
      std::exit(0);
    } else if (arg == "-l" || arg == "--local") {
      if (local || remote) bad_usage(program, "give exactly one of --local and --remote");
      const std::string v = value("--local");
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      const bool digits = end == v.data() + v.size() && !v.empty();
      if (ec == std::errc::result_out_of_range && digits) bad_usage(program, too_many("--local " + v));
      if (ec != std::errc{} || !digits) bad_usage(program, "--local expects a positive integer, got '" + v + "'");
      if (n == 0) bad_usage(program, "--local 0: a job needs at least one replica per operator");
      if (n > max_local_replicas()) bad_usage(program, too_many("--local " + v));
      local = n;
    } else if (arg == "-r" || arg == "--remote") {
      if (local || remote) bad_usage(program, "give exactly one of --local and --remote");
      remote = value("--remote");
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (!local && !remote) bad_usage(program, "missing --local N or --remote CONFIG.toml");
  if (local) return {RuntimeConfig::local(*local), std::move(rest)};
  try {
    return {RuntimeConfig::remote(*remote), std::move(rest)};
  } catch (const std::exception& e) {  // a bad cluster file: the message names file, line and column
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    std::exit(2);
  }
}

}  // namespace renoir
