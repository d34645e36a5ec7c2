// The cluster configuration file: parsing and validation (toml++), and writing it back.
#include "renoir/launch/cluster_config.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <system_error>
#include <type_traits>

#include <toml++/toml.h>

#include "renoir/launch/toml_text.hpp"

namespace renoir::launch {
namespace {

std::string_view type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

template <typename T>
std::string_view type_name() {
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  else if constexpr (std::is_same_v<T, int64_t>) return "an integer";
  else return "a boolean";
}

std::string join(std::initializer_list<std::string_view> words) {
  std::string out;
  for (std::string_view w : words) out.append(out.empty() ? "" : ", ").append(w);
  return out;
}

// Reads one document. Every error names the source and the line:column; while a host is being
// read, also the host ("host 1 (a:9500)"). Values are never quoted, so secrets cannot leak.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const toml::source_region& where, std::string_view what) const {
    std::ostringstream msg;
    msg << source_;
    if (where.begin) msg << ':' << where.begin.line << ':' << where.begin.column;
    msg << ": ";
    if (!context_.empty()) msg << context_ << ": ";
    msg << what;
    throw ConfigError(msg.str());
  }

  void set_context(std::string context) { context_ = std::move(context); }

  void check_keys(const toml::table& table, std::string_view where,
                  std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, node] : table) {
      bool known = false;
      for (std::string_view a : allowed) known = known || key.str() == a;
      if (!known)
        fail(key.source(), "unknown key '" + std::string(key.str()) + "' in " + std::string(where) +
                               "; allowed keys: " + join(allowed));
    }
  }

  // The value of `key` if present; fails if it has another type than T.
  template <typename T>
  const toml::value<T>* get(const toml::table& table, std::string_view key) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return nullptr;
    if (const auto* value = node->as<T>()) return value;
    fail(node->source(), std::string(key) + ": expected " + std::string(type_name<T>()) +
                             ", got " + std::string(type_name(node->type())));
  }

  std::optional<std::string> string(const toml::table& table, std::string_view key,
                                    bool allow_empty = false) const {
    const auto* value = get<std::string>(table, key);
    if (value == nullptr) return std::nullopt;
    if (!allow_empty && value->get().empty())
      fail(value->source(), std::string(key) + " must not be empty");
    return value->get();
  }

  std::optional<int64_t> integer(const toml::table& table, std::string_view key, int64_t min,
                                 int64_t max) const {
    const auto* value = get<int64_t>(table, key);
    if (value == nullptr) return std::nullopt;
    int64_t v = value->get();
    if (v < min || v > max)
      fail(value->source(), std::string(key) + " must be " +
                                (max == std::numeric_limits<unsigned>::max()
                                     ? "at least " + std::to_string(min)
                                     : "between " + std::to_string(min) + " and " +
                                           std::to_string(max)) +
                                ", got " + std::to_string(v));
    return v;
  }

  template <typename V>
  V required(std::optional<V> value, const toml::table& table, std::string_view key,
             std::string_view meaning) const {
    if (!value) fail(table.source(), "missing required key '" + std::string(key) + "' (" +
                                         std::string(meaning) + ")");
    return *value;
  }

  SshConfig ssh(const toml::table& table) const {
    check_keys(table, "ssh", {"ssh_port", "username", "password", "key_file", "key_passphrase"});
    SshConfig ssh;
    ssh.ssh_port = static_cast<uint16_t>(integer(table, "ssh_port", 1, 65535).value_or(22));
    if (auto user = string(table, "username")) ssh.username = *user;
    ssh.password = string(table, "password", true);
    ssh.key_file = string(table, "key_file");
    ssh.key_passphrase = string(table, "key_passphrase", true);
    if (ssh.password && ssh.key_file)
      fail(table.source(), "both password and key_file are set: authentication is ambiguous, "
                           "keep only one of them");
    if (ssh.key_passphrase && !ssh.key_file)
      fail(table.get("key_passphrase")->source(),
           "key_passphrase is set but key_file is not: the passphrase unlocks key_file");
    return ssh;
  }

  HostConfig host(const toml::table& table, std::size_t index) {
    HostConfig host;
    host.index = index;
    host.line = table.source().begin.line;
    set_context("host " + std::to_string(index));
    check_keys(table, "[[host]]", {"address", "base_port", "num_cores", "ssh", "perf_path"});
    host.address = required(string(table, "address"), table, "address",
                            "the host name or IP address of the machine");
    host.base_port = static_cast<uint16_t>(required(integer(table, "base_port", 1, 65535), table,
                                                    "base_port", "first port to listen on"));
    set_context(describe(host));
    host.num_cores = static_cast<unsigned>(
        required(integer(table, "num_cores", 1, std::numeric_limits<unsigned>::max()), table,
                 "num_cores", "number of worker threads to run on the host"));
    if (const auto* ssh_node = table.get("ssh")) {
      const auto* ssh_table = ssh_node->as_table();
      if (ssh_table == nullptr)
        fail(ssh_node->source(), "ssh: expected a table, got " +
                                     std::string(type_name(ssh_node->type())));
      host.ssh = ssh(*ssh_table);
    }
    host.perf_path = string(table, "perf_path");
    set_context({});
    return host;
  }

  ClusterConfig cluster(const toml::table& root) {
    check_keys(root, "the top level",
               {"fabric_provider", "cleanup_binaries", "cleanup_executable", "check_host_keys",
                "known_hosts", "remote_dir", "connect_timeout_ms", "heartbeat_interval_ms",
                "peer_timeout_ms", "stall_timeout_ms", "tracing_dir", "host"});
    ClusterConfig config;
    config.source = source_;
    if (auto v = string(root, "fabric_provider")) config.fabric_provider = *v;
    if (auto v = get<bool>(root, "cleanup_binaries")) config.cleanup_binaries = v->get();
    // Renoir's name for the same setting.
    if (auto v = get<bool>(root, "cleanup_executable")) {
      if (const auto* ours = get<bool>(root, "cleanup_binaries"); ours && ours->get() != v->get())
        fail(v->source(), "cleanup_executable (Renoir's name for cleanup_binaries) contradicts cleanup_binaries "
                          "on line " + std::to_string(ours->source().begin.line) + ": keep one of them");
      config.cleanup_binaries = v->get();
    }
    config.tracing_dir = string(root, "tracing_dir");
    if (auto v = get<bool>(root, "check_host_keys")) config.check_host_keys = v->get();
    config.known_hosts = string(root, "known_hosts");
    if (auto v = string(root, "remote_dir")) config.remote_dir = *v;
    constexpr int64_t kDay = 86'400'000;
    if (auto v = integer(root, "connect_timeout_ms", 1, kDay)) config.connect_timeout_ms = static_cast<uint32_t>(*v);
    if (auto v = integer(root, "heartbeat_interval_ms", 1, kDay)) config.heartbeat_interval_ms = static_cast<uint32_t>(*v);
    if (auto v = integer(root, "peer_timeout_ms", 0, kDay)) config.peer_timeout_ms = static_cast<uint32_t>(*v);
    if (auto v = integer(root, "stall_timeout_ms", 0, kDay)) config.stall_timeout_ms = static_cast<uint32_t>(*v);
    if (config.peer_timeout_ms != 0 && config.peer_timeout_ms < 2 * config.heartbeat_interval_ms)
      fail(root.get("peer_timeout_ms") ? root.get("peer_timeout_ms")->source() : root.source(),
           "peer_timeout_ms (" + std::to_string(config.peer_timeout_ms) +
               ") must be 0 (off) or at least twice heartbeat_interval_ms (" +
               std::to_string(config.heartbeat_interval_ms) + ")");

    const toml::node* hosts = root.get("host");
    if (hosts == nullptr || (hosts->is_array() && hosts->as_array()->empty()))
      fail(hosts ? hosts->source() : toml::source_region{},
           "no [[host]] table: describe each machine of the cluster with a [[host]] table "
           "holding address, base_port and num_cores");
    if (!hosts->is_array_of_tables())
      fail(hosts->source(), "host: expected [[host]] tables (note the double brackets), got " +
                                std::string(type_name(hosts->type())));
    for (const toml::node& node : *hosts->as_array())
      config.hosts.push_back(host(*node.as_table(), config.hosts.size()));

    for (const HostConfig& h : config.hosts)
      for (const HostConfig& earlier : config.hosts) {
        if (&earlier == &h) break;
        if (earlier.address == h.address && earlier.base_port == h.base_port)
          fail((*hosts->as_array())[h.index].source(),
               describe(h) + " has the same address and base_port as " + describe(earlier) +
                   " (line " + std::to_string(earlier.line) +
                   "): give hosts on the same machine different base_port values");
      }
    return config;
  }

 private:
  std::string source_;
  std::string context_;
};


toml::source_region position(std::size_t line, std::size_t column) {
  toml::source_region where;
  where.begin = {static_cast<toml::source_index>(line), static_cast<toml::source_index>(column)};
  where.end = where.begin;
  return where;
}

// toml::parse(), once the text is known not to drive toml++ into undefined behaviour (see
// toml_text.hpp); every error, from the checks or from toml++, names the line and column.
toml::table parse_toml(std::string_view text, const std::string& source, const Reader& reader) {
  auto refuse = [&](const detail::TomlTextError& e) { reader.fail(position(e.line, e.column), e.what); };
  if (auto bad = detail::check_encoding(text)) refuse(*bad);
  try {
    const std::string ascii = detail::ascii_placeholders(text);
    if (ascii.size() != text.size()) {
      try {
        (void)toml::parse(ascii, std::string(source));
      } catch (const toml::parse_error& e) {
        const auto at = e.source().begin;
        if (detail::non_ascii_at(text, at.line, at.column))
          reader.fail(e.source(), "a non-ASCII character where TOML allows none (only strings "
                                  "and comments may hold them: quote the key or the value)");
        throw;
      }
      if (auto bad = detail::check_line_ending_backslashes(text)) refuse(*bad);
    }
    return toml::parse(text, std::string(source));
  } catch (const toml::parse_error& e) {
    reader.fail(e.source(), "TOML syntax error: " + std::string(e.description()));
  }
}

}  // namespace

std::string current_user_name() {
  const passwd* pw = getpwuid(geteuid());
  return pw != nullptr && pw->pw_name != nullptr ? pw->pw_name : "";
}

std::string describe(const HostConfig& host) {
  bool ipv6 = host.address.find(':') != std::string::npos && !host.address.starts_with('[');
  std::string address = ipv6 ? "[" + host.address + "]" : host.address;
  return "host " + std::to_string(host.index) + " (" + address + ":" +
         std::to_string(host.base_port) + ")";
}

ClusterConfig ClusterConfig::parse_file(const std::string& path) {
  auto cannot_read = [&](int error) {
    return ConfigError("cannot read cluster configuration '" + path +
                       "': " + std::generic_category().message(error));
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw cannot_read(EISDIR);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw cannot_read(errno);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_string(text.str(), path);
}

ClusterConfig ClusterConfig::parse_string(std::string_view toml, std::string source_name) {
  Reader reader(source_name);
  const toml::table root = parse_toml(toml, source_name, reader);
  return reader.cluster(root);
}

std::string ClusterConfig::to_toml() const {
  toml::array host_tables;
  for (const HostConfig& h : hosts) {
    toml::table ssh{{"ssh_port", int64_t{h.ssh.ssh_port}}};
    if (!h.ssh.username.empty()) ssh.insert("username", h.ssh.username);
    if (h.ssh.key_file) ssh.insert("key_file", *h.ssh.key_file);
    // password and key_passphrase stay behind: workers never log in anywhere.
    ssh.is_inline(true);
    toml::table host{{"address", h.address},
                     {"base_port", int64_t{h.base_port}},
                     {"num_cores", int64_t{h.num_cores}},
                     {"ssh", std::move(ssh)}};
    if (h.perf_path) host.insert("perf_path", *h.perf_path);
    host_tables.push_back(std::move(host));
  }
  toml::table root{{"fabric_provider", fabric_provider},
                   {"cleanup_binaries", cleanup_binaries},
                   {"check_host_keys", check_host_keys},
                   {"remote_dir", remote_dir},
                   {"connect_timeout_ms", int64_t{connect_timeout_ms}},
                   {"heartbeat_interval_ms", int64_t{heartbeat_interval_ms}},
                   {"peer_timeout_ms", int64_t{peer_timeout_ms}},
                   {"host", std::move(host_tables)}};
  if (known_hosts) root.insert("known_hosts", *known_hosts);
  if (tracing_dir) root.insert("tracing_dir", *tracing_dir);
  if (stall_timeout_ms) root.insert("stall_timeout_ms", int64_t{*stall_timeout_ms});
  std::ostringstream out;
  out << toml::toml_formatter(root, toml::format_flags::allow_unicode_strings) << '\n';
  return out.str();
}

}  // namespace renoir::launch
