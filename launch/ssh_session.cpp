#include "renoir/launch/ssh_session.hpp"

#include <libssh2.h>
#include <libssh2_sftp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

namespace renoir::launch::detail {
namespace {

using std::chrono::milliseconds;

std::string base64_unpadded(const unsigned char* data, std::size_t len) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < len; i += 3) {
    uint32_t v = uint32_t{data[i]} << 16;
    if (i + 1 < len) v |= uint32_t{data[i + 1]} << 8;
    if (i + 2 < len) v |= data[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    if (i + 1 < len) out.push_back(kAlphabet[(v >> 6) & 63]);
    if (i + 2 < len) out.push_back(kAlphabet[v & 63]);
  }
  return out;
}

std::string home_dir() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
  const passwd* pw = getpwuid(geteuid());
  return pw != nullptr && pw->pw_dir != nullptr ? pw->pw_dir : "";
}

// "~/x" -> "$HOME/x"; anything else unchanged.
std::string expand_home(const std::string& path) {
  if (path == "~" || path.starts_with("~/")) return home_dir() + path.substr(1);
  return path;
}

// How known_hosts names the host: "addr" on port 22, "[addr]:port" elsewhere.
std::string known_hosts_name(const HostConfig& host) {
  if (host.ssh.ssh_port == 22) return host.address;
  return "[" + host.address + "]:" + std::to_string(host.ssh.ssh_port);
}

struct KeyType {
  int hostkey_type;      // LIBSSH2_HOSTKEY_TYPE_*
  int knownhost_bits;    // LIBSSH2_KNOWNHOST_KEY_*
  const char* name;      // as in known_hosts
  const char* methods;   // libssh2 host key methods for that key
};
constexpr KeyType kKeyTypes[] = {
    {LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519", "ssh-ed25519"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256",
     "ecdsa-sha2-nistp256"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384",
     "ecdsa-sha2-nistp384"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521",
     "ecdsa-sha2-nistp521"},
    {LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa",
     "rsa-sha2-512,rsa-sha2-256,ssh-rsa"},
    {LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss", "ssh-dss"},
};

const KeyType* key_type_of_hostkey(int hostkey_type) {
  for (const KeyType& k : kKeyTypes)
    if (k.hostkey_type == hostkey_type) return &k;
  return nullptr;
}
const KeyType* key_type_of_knownhost(int typemask) {
  for (const KeyType& k : kKeyTypes)
    if (k.knownhost_bits == (typemask & LIBSSH2_KNOWNHOST_KEY_MASK)) return &k;
  return nullptr;
}

// known_hosts entries, read line by line so that one line libssh2 cannot parse (a key type it
// does not know, a @cert-authority marker) does not hide the others.
class KnownHosts {
 public:
  explicit KnownHosts(LIBSSH2_SESSION* session) : kh_(libssh2_knownhost_init(session)) {}
  ~KnownHosts() {
    if (kh_ != nullptr) libssh2_knownhost_free(kh_);
  }
  KnownHosts(const KnownHosts&) = delete;
  KnownHosts& operator=(const KnownHosts&) = delete;

  // False if the file does not exist; throws std::runtime_error if it cannot be read.
  bool load(const std::string& path) {
    if (kh_ == nullptr) throw std::runtime_error("out of memory");
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return false;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      line.push_back('\n');
      libssh2_knownhost_readline(kh_, line.data(), line.size(), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
    }
    return true;
  }

  LIBSSH2_KNOWNHOSTS* get() const { return kh_; }

 private:
  LIBSSH2_KNOWNHOSTS* kh_;
};

// Answers every keyboard-interactive prompt with the configured password.
struct KbdintContext {
  const std::string* password = nullptr;
};

void kbdint_callback(const char*, int, const char*, int, int num_prompts,
                     const LIBSSH2_USERAUTH_KBDINT_PROMPT*,
                     LIBSSH2_USERAUTH_KBDINT_RESPONSE* responses, void** abstract) {
  const auto* ctx = static_cast<const KbdintContext*>(*abstract);
  for (int i = 0; i < num_prompts; ++i) {
    const std::string& pw = *ctx->password;
    // libssh2 frees the answers with its default free().
    responses[i].text = static_cast<char*>(std::malloc(pw.size() + 1));
    if (responses[i].text == nullptr) {
      responses[i].length = 0;
      continue;
    }
    std::memcpy(responses[i].text, pw.c_str(), pw.size() + 1);
    responses[i].length = static_cast<unsigned>(pw.size());
  }
}

}  // namespace

void init_libssh2_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (libssh2_init(0) != 0) throw std::runtime_error("libssh2_init failed");
  });
}

SshSession::SshSession(const HostConfig& host, std::function<bool()> cancelled)
    : host_(host), cancelled_(std::move(cancelled)) {}

SshSession::~SshSession() {
  if (session_ != nullptr) {
    // Say goodbye (sshd then ends the session at once), cut the socket so that nothing below
    // waits for an unresponsive peer, and free everything.
    auto deadline = Clock::now() + milliseconds(1000);
    try {
      retry([&] { return libssh2_session_disconnect(session_, "renoir launcher done"); }, deadline,
            "disconnecting", false);
    } catch (...) {
    }
    if (socket_ >= 0) ::shutdown(socket_, SHUT_RDWR);
    libssh2_session_set_timeout(session_, 1000);
    libssh2_session_set_blocking(session_, 1);
    if (sftp_ != nullptr) libssh2_sftp_shutdown(sftp_);
    libssh2_session_free(session_);
  }
  if (socket_ >= 0) ::close(socket_);
}

std::string SshSession::last_error() const {
  if (session_ == nullptr) return {};
  char* msg = nullptr;
  int len = 0;
  libssh2_session_last_error(session_, &msg, &len, 0);
  return msg != nullptr ? std::string(msg, static_cast<std::size_t>(len)) : std::string();
}

void SshSession::fail(std::string_view what) const {
  throw SshFailure(describe(host_) + ": " + std::string(what));
}

void SshSession::wait_socket(milliseconds max_wait) {
  pollfd p{socket_, 0, 0};
  int dir = session_ != nullptr ? libssh2_session_block_directions(session_) : 0;
  if (dir & LIBSSH2_SESSION_BLOCK_INBOUND) p.events |= POLLIN;
  if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND) p.events |= POLLOUT;
  if (p.events == 0) p.events = POLLIN;
  ::poll(&p, 1, static_cast<int>(std::max<milliseconds::rep>(max_wait.count(), 0)));
}

int SshSession::retry(const std::function<int()>& step, Clock::time_point deadline,
                      std::string_view what, bool cancellable) {
  for (;;) {
    int rc = step();
    if (rc != LIBSSH2_ERROR_EAGAIN) return rc;
    if (cancellable && cancelled()) throw StopRequested{};
    auto now = Clock::now();
    if (now >= deadline) fail("timed out while " + std::string(what));
    wait_socket(std::min(milliseconds(100),
                         std::chrono::ceil<milliseconds>(deadline - now)));
  }
}

void SshSession::connect(milliseconds timeout) {
  const std::string port = std::to_string(host_.ssh.ssh_port);
  const std::string where = host_.address + " port " + port;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host_.address.c_str(), port.c_str(), &hints, &res); rc != 0)
    fail("cannot resolve address '" + host_.address + "': " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, &::freeaddrinfo);

  const auto deadline = Clock::now() + timeout;
  int last_error = 0;
  bool timed_out = false;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last_error = errno;
      continue;
    }
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno != EINPROGRESS) {
      last_error = errno;
      ::close(fd);
      continue;
    }
    while (rc != 0) {
      if (cancelled()) {
        ::close(fd);
        throw StopRequested{};
      }
      auto now = Clock::now();
      if (now >= deadline) {
        timed_out = true;
        break;
      }
      pollfd p{fd, POLLOUT, 0};
      auto slice = std::min(milliseconds(100), std::chrono::ceil<milliseconds>(deadline - now));
      if (::poll(&p, 1, static_cast<int>(slice.count())) > 0) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          last_error = err;
          break;
        }
        rc = 0;
      }
    }
    if (rc != 0) {
      ::close(fd);
      if (timed_out) break;
      continue;
    }
    socket_ = fd;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    // Unacknowledged data (our keepalives) for 30 s means the host is gone.
    unsigned user_timeout_ms = 30000;
    ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
    return;
  }
  if (timed_out)
    fail("cannot connect to " + where + ": timed out after " +
         std::to_string(timeout.count()) + " ms (host unreachable or port filtered)");
  switch (last_error) {
    case ECONNREFUSED:
      fail("cannot connect to " + where + ": connection refused (no SSH server listening there)");
    case EHOSTUNREACH:
    case ENETUNREACH:
      fail("cannot connect to " + where + ": host unreachable (" + std::strerror(last_error) + ")");
    default:
      fail("cannot connect to " + where + ": " + std::strerror(last_error));
  }
}

std::string SshSession::known_hosts_path(const ClusterConfig& cfg) const {
  if (cfg.known_hosts) return expand_home(*cfg.known_hosts);
  return home_dir() + "/.ssh/known_hosts";
}

void SshSession::prefer_known_host_key_types(const ClusterConfig& cfg) {
  // Like ssh(1): ask for the key types known_hosts has for this host, so that a server with
  // several host keys presents one we can check.
  KnownHosts kh(session_);
  try {
    if (!kh.load(known_hosts_path(cfg))) return;
  } catch (const std::exception&) {
    return;  // check_host_key() reports it
  }
  const std::string name = known_hosts_name(host_);
  std::vector<std::string> methods;
  libssh2_knownhost* entry = nullptr;
  libssh2_knownhost* prev = nullptr;
  while (libssh2_knownhost_get(kh.get(), &entry, prev) == 0) {
    prev = entry;
    if (entry->name == nullptr || name != entry->name) continue;
    if (const KeyType* k = key_type_of_knownhost(entry->typemask);
        k != nullptr && std::find(methods.begin(), methods.end(), k->methods) == methods.end())
      methods.emplace_back(k->methods);
  }
  if (methods.empty()) return;
  std::string pref;
  for (const std::string& m : methods) pref += (pref.empty() ? "" : ",") + m;
  libssh2_session_method_pref(session_, LIBSSH2_METHOD_HOSTKEY, pref.c_str());
}

void SshSession::handshake(const ClusterConfig& cfg, milliseconds timeout) {
  session_ = libssh2_session_init_ex(nullptr, nullptr, nullptr, nullptr);
  if (session_ == nullptr) fail("cannot create an SSH session (libssh2_session_init failed)");
  libssh2_session_set_blocking(session_, 0);
  if (cfg.check_host_keys) prefer_known_host_key_types(cfg);
  int rc = retry([&] { return libssh2_session_handshake(session_, socket_); },
                 Clock::now() + timeout, "waiting for the SSH handshake");
  if (rc != 0)
    fail("SSH handshake with " + host_.address + " port " + std::to_string(host_.ssh.ssh_port) +
         " failed: " + last_error());
  if (cfg.check_host_keys) check_host_key(cfg);
}

void SshSession::check_host_key(const ClusterConfig& cfg) {
  std::size_t len = 0;
  int type = 0;
  const char* key = libssh2_session_hostkey(session_, &len, &type);
  if (key == nullptr) fail("host key verification failed: the server sent no host key");
  const KeyType* kt = key_type_of_hostkey(type);
  const std::string type_name = kt != nullptr ? kt->name : "unknown-type";
  std::string fingerprint = "(no fingerprint)";
  if (const char* h = libssh2_hostkey_hash(session_, LIBSSH2_HOSTKEY_HASH_SHA256); h != nullptr)
    fingerprint = "SHA256:" + base64_unpadded(reinterpret_cast<const unsigned char*>(h), 32);

  const std::string path = known_hosts_path(cfg);
  const std::string name = known_hosts_name(host_);
  const std::string how_to_disable = "; set check_host_keys = false to skip host key checks";
  KnownHosts kh(session_);
  bool exists = false;
  try {
    exists = kh.load(path);
  } catch (const std::exception& e) {
    fail("host key verification failed: cannot read known_hosts file: " + std::string(e.what()));
  }
  libssh2_knownhost* found = nullptr;
  int typemask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
                 (kt != nullptr ? kt->knownhost_bits : LIBSSH2_KNOWNHOST_KEY_UNKNOWN);
  int rc = libssh2_knownhost_checkp(kh.get(), host_.address.c_str(), host_.ssh.ssh_port, key,
                                    len, typemask, &found);
  switch (rc) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
      return;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
      fail("host key verification failed: the " + type_name + " key of " + name + " (" +
           fingerprint + ") does NOT match the one recorded in " + path +
           ": the host key changed or someone is intercepting the connection (if the change is "
           "expected, remove the old entry with: ssh-keygen -R '" + name + "' -f " + path + ")");
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
      fail("host key verification failed: unknown host key: " + name + " is not in " + path +
           (exists ? "" : " (the file does not exist)") + "; its " + type_name + " key is " +
           fingerprint + "; after checking that fingerprint, add it with: ssh-keyscan -p " +
           std::to_string(host_.ssh.ssh_port) + " -t " + type_name + " " + host_.address +
           " >> " + path + how_to_disable);
    default:
      fail("host key verification failed: cannot check the key of " + name + " against " + path +
           ": " + last_error());
  }
}

void SshSession::authenticate(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const std::string& user = host_.ssh.username;
  const auto ulen = static_cast<unsigned>(user.size());
  const std::string who = "authentication failed for user '" + user + "'";

  char* list = nullptr;
  retry(
      [&] {
        list = libssh2_userauth_list(session_, user.c_str(), ulen);
        if (list != nullptr) return 0;
        int e = libssh2_session_last_errno(session_);
        return e == LIBSSH2_ERROR_EAGAIN ? e : -1;
      },
      deadline, "waiting for the list of authentication methods");
  if (list == nullptr) {
    if (libssh2_userauth_authenticated(session_)) return;  // "none" was accepted
    fail(who + ": cannot get the authentication methods: " + last_error());
  }
  const std::string methods = list;
  auto offers = [&](std::string_view m) {
    std::size_t pos = 0;
    while (pos <= methods.size()) {
      std::size_t end = methods.find(',', pos);
      if (end == std::string::npos) end = methods.size();
      if (std::string_view(methods).substr(pos, end - pos) == m) return true;
      pos = end + 1;
    }
    return false;
  };
  const std::string offered = " (the server offers: " + methods + ")";

  if (host_.ssh.password) {
    const std::string& pw = *host_.ssh.password;
    if (offers("password")) {
      int rc = retry(
          [&] {
            return libssh2_userauth_password_ex(session_, user.c_str(), ulen, pw.c_str(),
                                                static_cast<unsigned>(pw.size()), nullptr);
          },
          deadline, "authenticating with a password");
      if (rc == 0) return;
      if (rc == LIBSSH2_ERROR_PASSWORD_EXPIRED) fail(who + ": the password has expired");
      if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED) fail(who + ": wrong password");
      fail(who + " with a password: " + last_error());
    }
    if (offers("keyboard-interactive")) {
      KbdintContext ctx{&pw};
      *libssh2_session_abstract(session_) = &ctx;
      int rc = retry(
          [&] {
            return libssh2_userauth_keyboard_interactive_ex(session_, user.c_str(), ulen,
                                                            &kbdint_callback);
          },
          deadline, "authenticating with a password (keyboard-interactive)");
      *libssh2_session_abstract(session_) = nullptr;
      if (rc == 0) return;
      fail(who + ": wrong password (keyboard-interactive)");
    }
    fail(who + ": a password is configured but the server does not accept passwords" + offered);
  }

  if (host_.ssh.key_file) {
    const std::string key = expand_home(*host_.ssh.key_file);
    if (::access(key.c_str(), R_OK) != 0)
      fail(who + ": cannot read key file " + key + ": " + std::strerror(errno));
    if (!offers("publickey"))
      fail(who + ": the server does not accept public keys" + offered);
    std::string pub = key + ".pub";
    const bool has_pub = ::access(pub.c_str(), R_OK) == 0;
    const char* passphrase = host_.ssh.key_passphrase ? host_.ssh.key_passphrase->c_str() : nullptr;
    int rc = retry(
        [&] {
          return libssh2_userauth_publickey_fromfile_ex(
              session_, user.c_str(), ulen, has_pub ? pub.c_str() : nullptr, key.c_str(),
              passphrase);
        },
        deadline, "authenticating with key file " + key);
    if (rc == 0) return;
    if (rc == LIBSSH2_ERROR_FILE)
      fail(who + ": cannot use key file " + key + ": " + last_error() +
           (host_.ssh.key_passphrase ? " (wrong passphrase?)"
                                     : " (encrypted key without key_passphrase?)"));
    if (rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)  // the server knows the key, we cannot sign
      fail(who + ": cannot use the private key in " + key +
           (host_.ssh.key_passphrase ? " (wrong key_passphrase?)"
                                     : " (encrypted key without key_passphrase?)"));
    if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED)
      fail(who + " with key file " + key + ": the server rejected the key");
    fail(who + " with key file " + key + ": " + last_error());
  }

  // Neither: ssh-agent. Its socket is local and quick; the signature exchange goes through the
  // session, which we make blocking (bounded by the timeout) for simplicity.
  if (!offers("publickey")) fail(who + ": the server does not accept public keys" + offered);
  LIBSSH2_AGENT* agent = libssh2_agent_init(session_);
  if (agent == nullptr) fail(who + ": cannot initialise the ssh-agent client");
  struct AgentGuard {
    LIBSSH2_SESSION* s;
    LIBSSH2_AGENT* a;
    ~AgentGuard() {
      libssh2_agent_disconnect(a);
      libssh2_agent_free(a);
      libssh2_session_set_blocking(s, 0);
    }
  } guard{session_, agent};
  if (libssh2_agent_connect(agent) != 0)
    fail(who + ": no password or key_file configured and no ssh-agent reachable (SSH_AUTH_SOCK " +
         (std::getenv("SSH_AUTH_SOCK") ? "is stale)" : "is not set)"));
  if (libssh2_agent_list_identities(agent) != 0)
    fail(who + ": cannot list the ssh-agent identities: " + last_error());
  libssh2_session_set_timeout(session_, static_cast<long>(timeout.count()));
  libssh2_session_set_blocking(session_, 1);
  libssh2_agent_publickey* identity = nullptr;
  libssh2_agent_publickey* prev = nullptr;
  int tried = 0;
  while (libssh2_agent_get_identity(agent, &identity, prev) == 0) {
    prev = identity;
    ++tried;
    if (cancelled()) throw StopRequested{};
    if (libssh2_agent_userauth(agent, user.c_str(), identity) == 0) {
      libssh2_session_set_timeout(session_, 0);
      return;
    }
  }
  libssh2_session_set_timeout(session_, 0);
  fail(who + ": no password or key_file configured and the server accepted none of the " +
       std::to_string(tried) + " ssh-agent identities");
}

_LIBSSH2_CHANNEL* SshSession::open_channel(Clock::time_point deadline, bool cancellable) {
  LIBSSH2_CHANNEL* channel = nullptr;
  retry(
      [&] {
        channel = libssh2_channel_open_session(session_);
        if (channel != nullptr) return 0;
        int e = libssh2_session_last_errno(session_);
        return e == LIBSSH2_ERROR_EAGAIN ? e : -1;
      },
      deadline, "opening a channel", cancellable);
  return channel;
}

_LIBSSH2_CHANNEL* SshSession::exec(const std::string& command, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  LIBSSH2_CHANNEL* channel = open_channel(deadline, true);
  if (channel == nullptr) fail("cannot start the worker: cannot open a channel: " + last_error());
  int rc = 0;
  try {
    rc = retry(
        [&] {
          return libssh2_channel_process_startup(channel, "exec", 4, command.c_str(),
                                                 static_cast<unsigned>(command.size()));
        },
        deadline, "starting the worker", false);  // once asked, see it through
  } catch (...) {
    libssh2_channel_free(channel);
    throw;
  }
  if (rc != 0) {
    std::string why = last_error();
    libssh2_channel_free(channel);
    fail("cannot start the worker: " + why);
  }
  return channel;
}

int SshSession::run_command(const std::string& command, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  LIBSSH2_CHANNEL* channel = nullptr;
  int status = -1;
  try {
    channel = open_channel(deadline, false);
    if (channel == nullptr) return -1;
    int rc = retry(
        [&] {
          return libssh2_channel_process_startup(channel, "exec", 4, command.c_str(),
                                                 static_cast<unsigned>(command.size()));
        },
        deadline, "running a command", false);
    if (rc == 0) {
      libssh2_channel_send_eof(channel);
      char buf[1024];
      rc = retry(
          [&] {
            for (int stream = 0; stream < 2; ++stream)
              while (libssh2_channel_read_ex(channel, stream, buf, sizeof buf) > 0) {
              }
            if (!libssh2_channel_eof(channel)) return LIBSSH2_ERROR_EAGAIN;
            return libssh2_channel_wait_closed(channel);
          },
          deadline, "waiting for a command", false);
      if (rc == 0) status = libssh2_channel_get_exit_status(channel);
    }
    retry([&] { return libssh2_channel_free(channel); }, deadline, "closing a channel", false);
  } catch (const SshFailure&) {
    // timed out: the channel is left to the session
  }
  return status;
}

}  // namespace renoir::launch::detail
