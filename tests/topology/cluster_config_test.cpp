#include "renoir/topology/cluster_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace renoir::topology {
namespace {

// The message of the ConfigError that parsing `toml` (named "c.toml") throws.
std::string error_of(std::string_view toml) {
  try {
    ClusterConfig::parse_string(toml, "c.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for:\n" << toml;
  return {};
}

constexpr std::string_view kTwoHosts = R"(remote_dir = "/srv/renoir"

[[host]]
address = "127.0.0.1"
base_port = 9500
num_cores = 4

[[host]]
address = "host2.lan"
base_port = 9600
num_cores = 24
[host.ssh]
ssh_port = 2222
username = "renoir"
key_file = "/home/renoir/.ssh/id_ed25519"
key_passphrase = "open sesame"
)";

TEST(ClusterConfig, ParsesHostsAndDefaults) {
  ClusterConfig c = ClusterConfig::parse_string(kTwoHosts, "c.toml");
  EXPECT_EQ(c.source, "c.toml");
  EXPECT_EQ(c.fabric_provider, "tcp");
  EXPECT_FALSE(c.cleanup_binaries);
  EXPECT_TRUE(c.check_host_keys);
  EXPECT_FALSE(c.known_hosts);
  EXPECT_EQ(c.remote_dir, "/srv/renoir");
  ASSERT_EQ(c.hosts.size(), 2u);

  const HostConfig& a = c.hosts[0];
  EXPECT_EQ(a.address, "127.0.0.1");
  EXPECT_EQ(a.base_port, 9500);
  EXPECT_EQ(a.num_cores, 4u);
  EXPECT_EQ(a.line, 3u);
  EXPECT_EQ(a.index, 0u);
  EXPECT_EQ(a.ssh, SshConfig{});
  EXPECT_EQ(a.ssh.ssh_port, 22);
  EXPECT_EQ(a.ssh.username, current_user_name());
  EXPECT_FALSE(a.ssh.password || a.ssh.key_file || a.ssh.key_passphrase);

  const HostConfig& b = c.hosts[1];
  EXPECT_EQ(b.address, "host2.lan");
  EXPECT_EQ(b.base_port, 9600);
  EXPECT_EQ(b.num_cores, 24u);
  EXPECT_EQ(b.line, 8u);
  EXPECT_EQ(b.index, 1u);
  EXPECT_EQ(b.ssh.ssh_port, 2222);
  EXPECT_EQ(b.ssh.username, "renoir");
  EXPECT_EQ(b.ssh.key_file, "/home/renoir/.ssh/id_ed25519");
  EXPECT_EQ(b.ssh.key_passphrase, "open sesame");
  EXPECT_FALSE(b.ssh.password);
}

TEST(ClusterConfig, ParsesTopLevelKeysAndInlineSsh) {
  ClusterConfig c = ClusterConfig::parse_string(R"(
fabric_provider = "verbs"
cleanup_binaries = true
check_host_keys = false
known_hosts = "/etc/ssh/ssh_known_hosts"
[[host]]
address = "a"
base_port = 1
num_cores = 1
ssh = { password = "pw" }
)", "c.toml");
  EXPECT_EQ(c.fabric_provider, "verbs");
  EXPECT_TRUE(c.cleanup_binaries);
  EXPECT_FALSE(c.check_host_keys);
  EXPECT_EQ(c.known_hosts, "/etc/ssh/ssh_known_hosts");
  EXPECT_EQ(c.remote_dir, "/tmp/renoir");
  ASSERT_EQ(c.hosts.size(), 1u);
  EXPECT_EQ(c.hosts[0].ssh.password, "pw");
  EXPECT_EQ(c.hosts[0].ssh.ssh_port, 22);
}

TEST(ClusterConfig, Timeouts) {
  const char* host = "[[host]]\naddress = \"a\"\nbase_port = 1\nnum_cores = 1\n";
  ClusterConfig d = ClusterConfig::parse_string(host, "c.toml");
  EXPECT_EQ(d.connect_timeout_ms, 30000u);
  EXPECT_EQ(d.heartbeat_interval_ms, 500u);
  EXPECT_EQ(d.peer_timeout_ms, 5000u);
  EXPECT_FALSE(d.stall_timeout_ms);
  ClusterConfig c = ClusterConfig::parse_string(
      std::string("heartbeat_interval_ms = 200\npeer_timeout_ms = 0\nstall_timeout_ms = 3000\n") + host,
      "c.toml");
  EXPECT_EQ(c.heartbeat_interval_ms, 200u);
  EXPECT_EQ(c.peer_timeout_ms, 0u);
  EXPECT_EQ(c.stall_timeout_ms, 3000u);
  EXPECT_EQ(error_of(std::string("heartbeat_interval_ms = 400\npeer_timeout_ms = 700\n") + host),
            "c.toml:2:19: peer_timeout_ms (700) must be 0 (off) or at least twice "
            "heartbeat_interval_ms (400)");
  EXPECT_NE(error_of(std::string("peer_timeout_ms = -1\n") + host).find("c.toml:1:19: peer_timeout_ms must be"),
            std::string::npos);
}

TEST(ClusterConfig, Describe) {
  HostConfig h;
  h.address = "127.0.0.3";
  h.base_port = 9500;
  h.index = 1;
  EXPECT_EQ(describe(h), "host 1 (127.0.0.3:9500)");
  h.address = "::1";
  EXPECT_EQ(describe(h), "host 1 ([::1]:9500)");
}

TEST(ClusterConfigError, Syntax) {
  std::string e = error_of("[[host]]\naddress = \"a\nbase_port = 1\n");
  EXPECT_NE(e.find("c.toml:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("TOML syntax error"), std::string::npos) << e;
}

TEST(ClusterConfigError, UnknownKeys) {
  EXPECT_EQ(error_of("provider = \"tcp\"\n"),
            "c.toml:1:1: unknown key 'provider' in the top level; allowed keys: fabric_provider, "
            "cleanup_binaries, check_host_keys, known_hosts, remote_dir, connect_timeout_ms, "
            "heartbeat_interval_ms, peer_timeout_ms, stall_timeout_ms, host");
  EXPECT_EQ(error_of("[[host]]\nadress = \"a\"\n"),
            "c.toml:2:1: host 0: unknown key 'adress' in [[host]]; allowed keys: address, "
            "base_port, num_cores, ssh");
  std::string e = error_of("[[host]]\naddress = \"a\"\nbase_port = 9\nnum_cores = 1\n"
                           "ssh = { port = 22 }\n");
  EXPECT_NE(e.find("c.toml:5:9: host 0 (a:9): unknown key 'port' in ssh; allowed keys: ssh_port,"),
            std::string::npos) << e;
}

TEST(ClusterConfigError, WrongTypes) {
  EXPECT_EQ(error_of("[[host]]\naddress = \"a\"\nbase_port = 9500\nnum_cores = \"4\"\n"),
            "c.toml:4:13: host 0 (a:9500): num_cores: expected an integer, got a string");
  EXPECT_EQ(error_of("[[host]]\naddress = 1\n"),
            "c.toml:2:11: host 0: address: expected a string, got an integer");
  EXPECT_EQ(error_of("cleanup_binaries = \"yes\"\n"),
            "c.toml:1:20: cleanup_binaries: expected a boolean, got a string");
  EXPECT_EQ(error_of("[[host]]\naddress = \"a\"\nbase_port = 9500\nnum_cores = 2\nssh = \"me\"\n"),
            "c.toml:5:7: host 0 (a:9500): ssh: expected a table, got a string");
  std::string e = error_of("[host]\naddress = \"a\"\n");
  EXPECT_NE(e.find("c.toml:1:1: host: expected [[host]] tables"), std::string::npos) << e;
}

TEST(ClusterConfigError, MissingFields) {
  EXPECT_EQ(error_of("[[host]]\nbase_port = 9500\nnum_cores = 2\n"),
            "c.toml:1:1: host 0: missing required key 'address' (the host name or IP address of "
            "the machine)");
  EXPECT_EQ(error_of("[[host]]\naddress = \"a\"\nnum_cores = 2\n"),
            "c.toml:1:1: host 0: missing required key 'base_port' (first port to listen on)");
  EXPECT_NE(error_of("[[host]]\naddress = \"a\"\nbase_port = 9500\n")
                .find("c.toml:1:1: host 0 (a:9500): missing required key 'num_cores'"),
            std::string::npos);
  EXPECT_NE(error_of("remote_dir = \"/x\"\n").find("c.toml: no [[host]] table"), std::string::npos);
  EXPECT_NE(error_of("host = []\n").find("c.toml:1:8: no [[host]] table"), std::string::npos);
}

TEST(ClusterConfigError, OutOfRange) {
  const std::string head = "[[host]]\naddress = \"a\"\n";
  EXPECT_EQ(error_of(head + "base_port = 9500\nnum_cores = 0\n"),
            "c.toml:4:13: host 0 (a:9500): num_cores must be at least 1, got 0");
  EXPECT_EQ(error_of(head + "base_port = 9500\nnum_cores = -3\n"),
            "c.toml:4:13: host 0 (a:9500): num_cores must be at least 1, got -3");
  EXPECT_EQ(error_of(head + "base_port = 0\nnum_cores = 1\n"),
            "c.toml:3:13: host 0: base_port must be between 1 and 65535, got 0");
  EXPECT_EQ(error_of(head + "base_port = 70000\nnum_cores = 1\n"),
            "c.toml:3:13: host 0: base_port must be between 1 and 65535, got 70000");
  EXPECT_EQ(error_of(head + "base_port = 1\nnum_cores = 1\n[host.ssh]\nssh_port = 65536\n"),
            "c.toml:6:12: host 0 (a:1): ssh_port must be between 1 and 65535, got 65536");
}

TEST(ClusterConfigError, Authentication) {
  const std::string head = "[[host]]\naddress = \"a\"\nbase_port = 1\nnum_cores = 1\n";
  EXPECT_EQ(error_of(head + "ssh = { password = \"x\", key_file = \"/k\" }\n"),
            "c.toml:5:7: host 0 (a:1): both password and key_file are set: authentication is "
            "ambiguous, keep only one of them");
  EXPECT_EQ(error_of(head + "[host.ssh]\nusername = \"u\"\nkey_passphrase = \"x\"\n"),
            "c.toml:7:18: host 0 (a:1): key_passphrase is set but key_file is not: the passphrase "
            "unlocks key_file");
}

TEST(ClusterConfigError, DuplicateHost) {
  std::string e = error_of(R"([[host]]
address = "a"
base_port = 9500
num_cores = 1
[[host]]
address = "b"
base_port = 9500
num_cores = 1
[[host]]
address = "a"
base_port = 9500
num_cores = 2
)");
  EXPECT_EQ(e, "c.toml:9:1: host 2 (a:9500) has the same address and base_port as host 0 (a:9500) "
               "(line 1): give hosts on the same machine different base_port values");
}

TEST(ClusterConfigError, SecretsStayHidden) {
  const std::string config = R"([[host]]
address = "a"
base_port = 9500
num_cores = 1
ssh = { password = "hunter2-secret" }
[[host]]
address = "b"
base_port = 9500
num_cores = 1
ssh = { key_file = "/k", key_passphrase = "hunter2-secret" }
)";
  std::string e = error_of(config + "[[host]]\naddress = \"c\"\nbase_port = 1\nnum_cores = 0\n");
  EXPECT_NE(e.find("c.toml:14:13"), std::string::npos) << e;
  EXPECT_EQ(e.find("hunter2-secret"), std::string::npos) << e;
  e = error_of(R"([[host]]
address = "a"
base_port = 9500
num_cores = 1
ssh = { password = "hunter2-secret", key_passphrase = "hunter2-secret" }
)");
  EXPECT_NE(e.find("c.toml:5:55: host 0 (a:9500): key_passphrase is set"), std::string::npos) << e;
  EXPECT_EQ(e.find("hunter2-secret"), std::string::npos) << e;

  std::string toml = ClusterConfig::parse_string(config, "c.toml").to_toml();
  EXPECT_EQ(toml.find("hunter2-secret"), std::string::npos) << toml;
  EXPECT_NE(toml.find("/k"), std::string::npos) << toml;
}

void expect_same_settings(const ClusterConfig& a, const ClusterConfig& b) {
  EXPECT_EQ(a.fabric_provider, b.fabric_provider);
  EXPECT_EQ(a.cleanup_binaries, b.cleanup_binaries);
  EXPECT_EQ(a.check_host_keys, b.check_host_keys);
  EXPECT_EQ(a.known_hosts, b.known_hosts);
  EXPECT_EQ(a.remote_dir, b.remote_dir);
  EXPECT_EQ(a.connect_timeout_ms, b.connect_timeout_ms);
  EXPECT_EQ(a.heartbeat_interval_ms, b.heartbeat_interval_ms);
  EXPECT_EQ(a.peer_timeout_ms, b.peer_timeout_ms);
  EXPECT_EQ(a.stall_timeout_ms, b.stall_timeout_ms);
  ASSERT_EQ(a.hosts.size(), b.hosts.size());
  for (std::size_t i = 0; i < a.hosts.size(); ++i) {
    EXPECT_EQ(a.hosts[i].address, b.hosts[i].address);
    EXPECT_EQ(a.hosts[i].base_port, b.hosts[i].base_port);
    EXPECT_EQ(a.hosts[i].num_cores, b.hosts[i].num_cores);
    EXPECT_EQ(a.hosts[i].index, b.hosts[i].index);
    EXPECT_EQ(a.hosts[i].ssh, b.hosts[i].ssh);
  }
}

TEST(ClusterConfig, ToTomlRoundTrips) {
  ClusterConfig c = ClusterConfig::parse_string(R"(
fabric_provider = "shm"
cleanup_binaries = true
check_host_keys = false
known_hosts = "/tmp/kh \"quoted\""
remote_dir = "/opt/r"
connect_timeout_ms = 1234
heartbeat_interval_ms = 100
peer_timeout_ms = 250
stall_timeout_ms = 0
[[host]]
address = "::1"
base_port = 65535
num_cores = 64
ssh = { ssh_port = 22022, username = "zoë", key_file = "/k" }
[[host]]
address = "b"
base_port = 1
num_cores = 1
)", "c.toml");
  ClusterConfig back = ClusterConfig::parse_string(c.to_toml(), "shipped");
  expect_same_settings(c, back);
  EXPECT_EQ(back.source, "shipped");
  ClusterConfig defaults = ClusterConfig::parse_string(kTwoHosts, "c.toml");
  defaults.hosts[1].ssh.key_passphrase.reset();  // secrets are not shipped
  expect_same_settings(defaults, ClusterConfig::parse_string(defaults.to_toml(), "shipped"));
}

TEST(ClusterConfig, ParseFile) {
  std::string missing = "/nonexistent/renoir/cluster.toml";
  try {
    ClusterConfig::parse_file(missing);
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot read cluster configuration '" + missing + "': No such file or directory");
  }

  auto path = std::filesystem::temp_directory_path() /
              ("renoir_cluster_config_test_" + std::to_string(getpid()) + ".toml");
  std::ofstream(path) << kTwoHosts;
  EXPECT_EQ(ClusterConfig::parse_file(path.string()).source, path.string());
  std::ofstream(path) << "[[host]]\naddress = \"a\"\nbase_port = 1\nnum_cores = 0\n";
  try {
    ClusterConfig::parse_file(path.string());
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path.string() + ":4:13: ", 0), 0u) << e.what();
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace renoir::topology
