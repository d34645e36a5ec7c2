// Fuzzes launch::ClusterConfig::parse_string: any bytes give a valid configuration or a
// ConfigError naming the source, and a valid one reads back equal from its to_toml().
#include <renoir/launch/cluster_config.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

using renoir::launch::ClusterConfig;
using renoir::launch::ConfigError;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "cluster_config fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// Everything to_toml() keeps (it leaves the secrets and the host lines behind).
bool same(const ClusterConfig& a, const ClusterConfig& b) {
  if (a.hosts.size() != b.hosts.size() || a.fabric_provider != b.fabric_provider ||
      a.cleanup_binaries != b.cleanup_binaries || a.check_host_keys != b.check_host_keys ||
      a.known_hosts != b.known_hosts || a.remote_dir != b.remote_dir || a.tracing_dir != b.tracing_dir)
    return false;
  for (std::size_t i = 0; i < a.hosts.size(); ++i) {
    const auto &x = a.hosts[i], &y = b.hosts[i];
    if (x.address != y.address || x.base_port != y.base_port || x.num_cores != y.num_cores ||
        x.index != y.index || x.ssh.ssh_port != y.ssh.ssh_port ||
        x.ssh.username != y.ssh.username || x.ssh.key_file != y.ssh.key_file || x.perf_path != y.perf_path)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ClusterConfig config;
  try {
    config = ClusterConfig::parse_string(text, "fuzz.toml");
  } catch (const ConfigError& e) {
    if (!std::string_view(e.what()).starts_with("fuzz.toml:"))
      fail("a ConfigError does not start with the source name and a position", e.what());
    return 0;
  }
  const std::string again = config.to_toml();
  try {
    if (!same(config, ClusterConfig::parse_string(again, "again.toml")))
      fail("to_toml() does not read back to an equal configuration", again);
  } catch (const ConfigError& e) {
    fail("to_toml() of a valid configuration does not parse", std::string(e.what()) + "\n" + again);
  }
  return 0;
}
