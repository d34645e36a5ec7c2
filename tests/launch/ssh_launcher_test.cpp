// The SSH launcher against two real sshd instances on 127.0.0.2 and 127.0.0.3, each with its own
// configuration, host key and authorized_keys in a temporary directory (nothing of the
// machine's own /etc/ssh or ~/.ssh is touched). The worker is tests/launch/fake_worker.cpp.
#include "renoir/launch/ssh_launcher.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

namespace renoir::launch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const char* const kSshd = "/usr/sbin/sshd";
const char* const kSecret = "job-secret-Zx81qq";
const std::string kAddr[2] = {"127.0.0.2", "127.0.0.3"};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Runs a shell command of the test (ssh-keygen), quietly; true if it succeeded.
bool run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

// Tries `op` (::bind or ::connect) with a fresh TCP socket on addr:port; true if it succeeded.
bool try_socket(const std::string& addr, uint16_t port, int (*op)(int, const sockaddr*, socklen_t)) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  ::inet_pton(AF_INET, addr.c_str(), &sa.sin_addr);
  bool ok = op(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

bool can_bind(const std::string& addr, uint16_t port) { return try_socket(addr, port, ::bind); }
bool can_connect(const std::string& addr, uint16_t port) { return try_socket(addr, port, ::connect); }

// Processes (other than this one) whose command line contains `marker`.
int count_processes(const std::string& marker) {
  int count = 0;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return -1;
  while (dirent* e = ::readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == ::getpid()) continue;
    std::string cmdline = read_file("/proc/" + std::string(e->d_name) + "/cmdline");
    for (char& c : cmdline)
      if (c == '\0') c = ' ';
    if (cmdline.find(marker) != std::string::npos) ++count;
  }
  ::closedir(d);
  return count;
}

// Waits until `count_processes(marker) == n`, at most `timeout`.
bool wait_processes(const std::string& marker, int n, Clock::duration timeout) {
  auto deadline = Clock::now() + timeout;
  while (count_processes(marker) != n) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

// A marker argument unique to one test, to find its worker processes.
std::string unique_marker() {
  static int counter = 0;
  return "--marker=renoir-launch-test-" + std::to_string(::getpid()) + "-" +
         std::to_string(++counter);
}

// Collects every event of a launch.
class Capture {
 public:
  struct Event {
    std::size_t host;
    LaunchEvent kind;
    std::string text;
  };

  LaunchOutput sink() {
    return [this](const HostConfig& h, LaunchEvent kind, std::string_view text) {
      std::lock_guard lock(m_);
      if (std::getenv("RENOIR_SSH_TEST_VERBOSE") != nullptr)  // to read the messages
        std::fprintf(stderr, "  [%zu %d] %.*s\n", h.index, static_cast<int>(kind),
                     static_cast<int>(text.size()), text.data());
      events_.push_back({h.index, kind, std::string(text)});
      cv_.notify_all();
    };
  }
  bool has(std::size_t host, LaunchEvent kind, std::string_view part) const {
    std::lock_guard lock(m_);
    for (const Event& e : events_)
      if (e.host == host && e.kind == kind && e.text.find(part) != std::string::npos) return true;
    return false;
  }
  int count(LaunchEvent kind, std::string_view part) const {
    std::lock_guard lock(m_);
    int n = 0;
    for (const Event& e : events_)
      if (e.kind == kind && e.text.find(part) != std::string::npos) ++n;
    return n;
  }
  // Waits until `count(kind, part) >= n`.
  bool wait_for(LaunchEvent kind, std::string_view part, int n, Clock::duration timeout) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, timeout, [&] {
      int c = 0;
      for (const Event& e : events_)
        if (e.kind == kind && e.text.find(part) != std::string::npos) ++c;
      return c >= n;
    });
  }
  std::string dump() const {
    std::lock_guard lock(m_);
    static const char* kNames[] = {"out", "err", "info", "error", "dry"};
    std::string s;
    for (const Event& e : events_)
      s += std::to_string(e.host) + " " + kNames[static_cast<int>(e.kind)] + " " + e.text + "\n";
    return s;
  }

 private:
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

class SshLauncherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::access(kSshd, X_OK) != 0 || !run("command -v ssh-keygen")) {
      skip_ = "no sshd or ssh-keygen";
      return;
    }
    // Processes orphaned under our sshd (session processes, workers) become our children, so
    // that TearDownTestSuite() reaps them instead of leaving zombies behind.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    char tmpl[] = "/tmp/renoir-ssh-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    ::mkdir("/run/sshd", 0755);  // sshd's privilege separation directory
    bool keys = run("ssh-keygen -q -t ed25519 -N '' -C host-a -f " + dir_ + "/host_key_a") &&
                run("ssh-keygen -q -t ed25519 -N '' -C host-b -f " + dir_ + "/host_key_b") &&
                run("ssh-keygen -q -t ed25519 -N '' -C user -f " + dir_ + "/user_key") &&
                run("ssh-keygen -q -t ed25519 -N '' -C other -f " + dir_ + "/other_key") &&
                run("ssh-keygen -q -t ed25519 -N 'right passphrase' -C enc -f " + dir_ +
                    "/encrypted_key");
    if (!keys) {
      skip_ = "ssh-keygen failed";
      return;
    }
    write_file(dir_ + "/authorized_keys", read_file(dir_ + "/user_key.pub") +
                                              read_file(dir_ + "/encrypted_key.pub"));
    std::mt19937 rng(std::random_device{}());
    for (int attempt = 0; attempt < 50 && port_ == 0; ++attempt) {
      auto p = static_cast<uint16_t>(10000 + rng() % 22000);  // below the ephemeral range
      if (can_bind(kAddr[0], p) && can_bind(kAddr[1], p) && can_bind("127.0.0.4", p + 1) &&
          can_bind("127.0.0.4", p + 2))
        port_ = p;
    }
    for (int i = 0; i < 2; ++i) {
      const std::string x = i == 0 ? "a" : "b";
      sshd_pids_.push_back(start_sshd(x, {dir_ + "/host_key_" + x}, kAddr[i], port_));
    }
    auto deadline = Clock::now() + 10s;
    while (!(can_connect(kAddr[0], port_) && can_connect(kAddr[1], port_))) {
      if (Clock::now() > deadline) {
        skip_ = "sshd did not start; see " + dir_ + "/sshd_*.log";
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
    // known_hosts with both host keys: "[127.0.0.2]:PORT ssh-ed25519 AAAA...".
    std::string kh;
    for (int i = 0; i < 2; ++i) kh += known_hosts_line(i, i);
    write_file(dir_ + "/known_hosts", kh);
  }

  // Starts an sshd named `name` (config, log and pid file in dir_) with the given host keys,
  // listening on address:port; returns its pid (the caller stops it).
  static pid_t start_sshd(const std::string& name, const std::vector<std::string>& host_keys,
                          const std::string& address, uint16_t port) {
    const std::string cfg = dir_ + "/sshd_config_" + name;
    std::string text;
    for (const std::string& k : host_keys) text += "HostKey " + k + "\n";
    text += "AuthorizedKeysFile " + dir_ + "/authorized_keys\n"
            "StrictModes no\n"
            "UsePAM no\n"
            "PermitRootLogin yes\n"
            "PubkeyAuthentication yes\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "Subsystem sftp internal-sftp\n"
            "MaxStartups 100\n"
            "LogLevel VERBOSE\n";
    write_file(cfg, text);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test
      int log = ::open((dir_ + "/sshd_" + name + ".log").c_str(),
                       O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(log, 1);
      ::dup2(log, 2);
      std::string listen = "ListenAddress=" + address;
      std::string port_opt = "Port=" + std::to_string(port);
      std::string pidfile = "PidFile=" + dir_ + "/sshd_" + name + ".pid";
      ::execl(kSshd, kSshd, "-D", "-e", "-f", cfg.c_str(), "-o", listen.c_str(), "-o",
              port_opt.c_str(), "-o", pidfile.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  }

  static void stop_process(pid_t pid) {
    ::kill(pid, SIGTERM);
    int status;
    auto deadline = Clock::now() + 3s;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (Clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
  }

  static void TearDownTestSuite() {
    for (pid_t pid : sshd_pids_) stop_process(pid);
    sshd_pids_.clear();
    reap_orphans();
    if (!dir_.empty() && std::getenv("RENOIR_SSH_TEST_KEEP") == nullptr) fs::remove_all(dir_);
  }

  // Waits for the processes that were re-parented to us (see PR_SET_CHILD_SUBREAPER); those
  // still running after 3 s (none, normally) are killed by pid.
  static void reap_orphans() {
    auto deadline = Clock::now() + 3s;
    for (;;) {
      pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
      if (pid > 0) continue;
      if (pid < 0) return;  // ECHILD: no child left
      if (Clock::now() > deadline) break;
      std::this_thread::sleep_for(20ms);
    }
    for (pid_t pid : children()) ::kill(pid, SIGKILL);
    while (::waitpid(-1, nullptr, 0) > 0) {
    }
  }

  // Our child processes, from /proc.
  static std::vector<pid_t> children() {
    std::vector<pid_t> out;
    DIR* d = ::opendir("/proc");
    while (dirent* e = d != nullptr ? ::readdir(d) : nullptr) {
      char* end = nullptr;
      long pid = std::strtol(e->d_name, &end, 10);
      if (*end != '\0' || pid <= 0) continue;
      std::string stat = read_file("/proc/" + std::string(e->d_name) + "/stat");
      std::size_t paren = stat.rfind(')');
      if (paren == std::string::npos) continue;
      std::istringstream rest(stat.substr(paren + 2));
      char state;
      long ppid = 0;
      rest >> state >> ppid;
      if (ppid == ::getpid()) out.push_back(static_cast<pid_t>(pid));
    }
    if (d != nullptr) ::closedir(d);
    return out;
  }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
  }

  // The known_hosts line naming host `name_of` with the key of host `key_of`.
  static std::string known_hosts_line(int name_of, int key_of) {
    std::istringstream pub(read_file(dir_ + "/host_key_" + (key_of == 0 ? "a" : "b") + ".pub"));
    std::string type, key;
    pub >> type >> key;
    return "[" + kAddr[name_of] + "]:" + std::to_string(port_) + " " + type + " " + key + "\n";
  }

  // Two hosts logging in with the authorized user key, uploading to a directory of this test.
  ClusterConfig config() const {
    ClusterConfig cfg;
    for (std::size_t i = 0; i < 2; ++i) {
      HostConfig h;
      h.address = kAddr[i];
      h.base_port = 9500;
      h.num_cores = 1;
      h.index = i;
      h.ssh.ssh_port = port_;
      h.ssh.key_file = dir_ + "/user_key";
      cfg.hosts.push_back(h);
    }
    cfg.known_hosts = dir_ + "/known_hosts";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    cfg.remote_dir = dir_ + "/remote-" + info->name();
    cfg.source = "test";
    return cfg;
  }

  static LaunchSpec spec(const ClusterConfig& cfg, std::vector<std::string> args) {
    LaunchSpec s;
    s.local_executable = RENOIR_FAKE_WORKER;
    s.args = std::move(args);
    s.job_secret = kSecret;
    s.config_toml = cfg.to_toml();
    return s;
  }

  LaunchOptions options(Capture& capture) const {
    LaunchOptions o;
    o.output = capture.sink();
    return o;
  }

  /// Starts `args` workers on both hosts (the last argument is their marker), waits until both
  /// run, then requests a stop; returns the launch result and how long the stop took.
  std::pair<LaunchResult, Clock::duration> start_then_stop(std::vector<std::string> args, Capture& cap,
                                                           LaunchOptions o) const {
    ClusterConfig cfg = config();
    LaunchSpec s = spec(cfg, std::move(args));
    std::atomic<bool> stop{false};
    LaunchResult r;
    std::thread launcher([&] { r = run_workers(cfg, s, stop, o); });
    EXPECT_TRUE(cap.wait_for(LaunchEvent::worker_stdout, "nhosts=2", 2, 30s)) << cap.dump();
    EXPECT_EQ(count_processes(s.args.back()), 2);
    auto t0 = Clock::now();
    stop = true;
    launcher.join();
    return {std::move(r), Clock::now() - t0};
  }

  static inline std::string skip_;
  static inline std::string dir_;
  static inline uint16_t port_ = 0;
  static inline std::vector<pid_t> sshd_pids_;
};

TEST_F(SshLauncherTest, BothHostsRunAndTheirOutputComesBackPerHost) {
  ClusterConfig cfg = config();
  LaunchSpec s = spec(cfg, {"--mode=exit:0", "it's a 'quoted' $arg", ""});
  s.env = {{"EXTRA_VAR", "x y"}};
  Capture cap;
  std::atomic<bool> stop{false};
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_EQ(r.status, 0) << cap.dump();
  ASSERT_EQ(r.hosts.size(), 2u);
  const std::string lens = " secret_len=" + std::to_string(std::strlen(kSecret)) +
                           " config_len=" + std::to_string(s.config_toml.size());
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.hosts[i].status, 0);
    EXPECT_TRUE(r.hosts[i].started);
    EXPECT_FALSE(r.hosts[i].stopped);
    EXPECT_EQ(r.hosts[i].error, "");
    const std::string id = std::to_string(i);
    EXPECT_TRUE(cap.has(i, LaunchEvent::worker_stdout,
                        "host=" + id + " nhosts=2" + lens +
                            " args=[--mode=exit:0][it's a 'quoted' $arg][]"))
        << cap.dump();
    EXPECT_TRUE(cap.has(i, LaunchEvent::worker_stderr, "stderr of host " + id)) << cap.dump();
    // The last fragment has no newline; it still arrives as a line.
    EXPECT_TRUE(cap.has(i, LaunchEvent::worker_stdout, "tail of host " + id)) << cap.dump();
  }
  EXPECT_EQ(cap.dump().find(kSecret), std::string::npos);
}

TEST_F(SshLauncherTest, LaunchWorkersPrintsLinesPrefixedWithTheHostAddress) {
  ClusterConfig cfg = config();
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  std::atomic<bool> stop{false};
  ::unsetenv("RENOIR_LAUNCH_DRY_RUN");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int status = launch_workers(cfg, s, stop);
  std::string out = ::testing::internal::GetCapturedStdout();
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, 0) << out << err;
  EXPECT_NE(out.find("127.0.0.2|host=0 nhosts=2"), std::string::npos) << out;
  EXPECT_NE(out.find("127.0.0.3|host=1 nhosts=2"), std::string::npos) << out;
  EXPECT_NE(out.find("127.0.0.3|tail of host 1\n"), std::string::npos) << out;
  EXPECT_NE(err.find("127.0.0.2|stderr of host 0\n"), std::string::npos) << err;
  EXPECT_NE(err.find("127.0.0.3|stderr of host 1\n"), std::string::npos) << err;
  EXPECT_EQ((out + err).find(kSecret), std::string::npos);
}

TEST_F(SshLauncherTest, ExitStatusesCombine) {
  ClusterConfig cfg = config();
  // Host 1 fails after host 0 has surely finished.
  LaunchSpec s = spec(cfg, {"--host0=exit:0", "--host1=exit:3:1500"});
  Capture cap;
  std::atomic<bool> stop{false};
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_EQ(r.status, 3) << cap.dump();
  EXPECT_EQ(r.hosts[0].status, 0) << cap.dump();
  EXPECT_EQ(r.hosts[1].status, 3);
  EXPECT_NE(r.hosts[1].error.find("host 1 (127.0.0.3:9500)"), std::string::npos)
      << r.hosts[1].error;
  EXPECT_NE(r.hosts[1].error.find("exited with status 3"), std::string::npos)
      << r.hosts[1].error;
  EXPECT_TRUE(cap.has(1, LaunchEvent::error, "exited with status 3"));
}

TEST_F(SshLauncherTest, TheUploadIsSkippedTheSecondTime) {
  ClusterConfig cfg = config();
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  std::atomic<bool> stop{false};
  Capture first;
  LaunchResult r1 = run_workers(cfg, s, stop, options(first));
  ASSERT_EQ(r1.status, 0) << first.dump();
  EXPECT_TRUE(r1.hosts[0].uploaded || r1.hosts[1].uploaded) << first.dump();
  EXPECT_GE(first.count(LaunchEvent::info, "uploaded "), 1) << first.dump();

  // One file <remote_dir>/<16 hex digits>/renoir_fake_worker, mode 755, no temporary left.
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(cfg.remote_dir))
    if (e.is_regular_file()) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "renoir_fake_worker");
  EXPECT_EQ(files[0].parent_path().filename().string().size(), 16u);
  EXPECT_EQ(fs::status(files[0]).permissions() & fs::perms::all,
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                fs::perms::others_read | fs::perms::others_exec);
  EXPECT_EQ(fs::file_size(files[0]), fs::file_size(RENOIR_FAKE_WORKER));
  auto mtime = fs::last_write_time(files[0]);

  std::this_thread::sleep_for(20ms);
  Capture second;
  LaunchResult r2 = run_workers(cfg, s, stop, options(second));
  ASSERT_EQ(r2.status, 0) << second.dump();
  EXPECT_FALSE(r2.hosts[0].uploaded);
  EXPECT_FALSE(r2.hosts[1].uploaded);
  EXPECT_EQ(second.count(LaunchEvent::info, "upload skipped"), 2) << second.dump();
  EXPECT_EQ(fs::last_write_time(files[0]), mtime);
}

TEST_F(SshLauncherTest, UploadFailureNamesTheHost) {
  ClusterConfig cfg = config();
  cfg.hosts.resize(1);
  write_file(dir_ + "/a-file", "not a directory\n");
  cfg.remote_dir = dir_ + "/a-file/sub";
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  Capture cap;
  std::atomic<bool> stop{false};
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_EQ(r.status, kLaunchHostErrorStatus) << cap.dump();
  EXPECT_FALSE(r.hosts[0].started);
  EXPECT_NE(r.hosts[0].error.find("host 0 (127.0.0.2:9500): upload failed: " + dir_ +
                                  "/a-file exists and is not a directory"),
            std::string::npos)
      << r.hosts[0].error;
}

TEST_F(SshLauncherTest, CleanupBinariesRemovesTheUpload) {
  ClusterConfig cfg = config();
  cfg.cleanup_binaries = true;
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  std::atomic<bool> stop{false};
  Capture cap;
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  ASSERT_EQ(r.status, 0) << cap.dump();
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(cfg.remote_dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 0u) << cap.dump();
}

TEST_F(SshLauncherTest, ClosedPortFailsNamingTheHostAndStopsTheOthers) {
  ClusterConfig cfg = config();
  cfg.hosts[1].address = "127.0.0.4";
  cfg.hosts[1].ssh.ssh_port = static_cast<uint16_t>(port_ + 1);  // nobody listens there
  std::string marker = unique_marker();
  LaunchSpec s = spec(cfg, {"--mode=sleep", marker});
  Capture cap;
  std::atomic<bool> stop{false};
  auto t0 = Clock::now();
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_LT(Clock::now() - t0, 10s);
  EXPECT_EQ(r.status, kLaunchHostErrorStatus) << cap.dump();
  EXPECT_EQ(r.hosts[1].status, kLaunchHostErrorStatus);
  EXPECT_NE(r.hosts[1].error.find("host 1 (127.0.0.4:9500)"), std::string::npos)
      << r.hosts[1].error;
  EXPECT_NE(r.hosts[1].error.find("connection refused"), std::string::npos) << r.hosts[1].error;
  EXPECT_TRUE(cap.has(1, LaunchEvent::error, "connection refused"));
  EXPECT_NE(r.hosts[0].status, 0);
  EXPECT_TRUE(r.hosts[0].stopped);
  EXPECT_TRUE(wait_processes(marker, 0, 5s)) << count_processes(marker) << " workers left";
}

TEST_F(SshLauncherTest, UnreachableAddressTimesOutNamingTheHost) {
  ClusterConfig cfg = config();
  cfg.hosts.resize(1);
  cfg.hosts[0].address = "192.0.2.1";  // TEST-NET-1: never routed
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  Capture cap;
  LaunchOptions o = options(cap);
  o.connect_timeout = 1s;
  std::atomic<bool> stop{false};
  auto t0 = Clock::now();
  LaunchResult r = run_workers(cfg, s, stop, o);
  EXPECT_LT(Clock::now() - t0, 10s);
  EXPECT_EQ(r.status, kLaunchHostErrorStatus);
  EXPECT_NE(r.hosts[0].error.find("host 0 (192.0.2.1:9500): cannot connect to 192.0.2.1 port"),
            std::string::npos)
      << r.hosts[0].error;
}

TEST_F(SshLauncherTest, ConnectTimeoutNamesTheHost) {
  // A listener whose accept queue (backlog 0) is full: the kernel drops further SYNs.
  int l = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.4", &sa.sin_addr);
  ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(l, 0), 0);
  socklen_t len = sizeof sa;
  ::getsockname(l, reinterpret_cast<sockaddr*>(&sa), &len);
  int filler = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(::connect(filler, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);

  ClusterConfig cfg = config();
  cfg.hosts.resize(1);
  cfg.hosts[0].address = "127.0.0.4";
  cfg.hosts[0].ssh.ssh_port = ntohs(sa.sin_port);
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  Capture cap;
  LaunchOptions o = options(cap);
  o.connect_timeout = 1s;
  std::atomic<bool> stop{false};
  auto t0 = Clock::now();
  LaunchResult r = run_workers(cfg, s, stop, o);
  auto elapsed = Clock::now() - t0;
  ::close(filler);
  ::close(l);
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 10s);
  EXPECT_EQ(r.status, kLaunchHostErrorStatus);
  EXPECT_NE(r.hosts[0].error.find("host 0 (127.0.0.4:9500): cannot connect to 127.0.0.4 port " +
                                  std::to_string(cfg.hosts[0].ssh.ssh_port) +
                                  ": timed out after 1000 ms"),
            std::string::npos)
      << r.hosts[0].error;
}

TEST_F(SshLauncherTest, KeyNotInAuthorizedKeysFailsAuthentication) {
  ClusterConfig cfg = config();
  cfg.hosts[1].ssh.key_file = dir_ + "/other_key";
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  Capture cap;
  std::atomic<bool> stop{false};
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_EQ(r.status, kLaunchHostErrorStatus) << cap.dump();
  const std::string& e = r.hosts[1].error;
  EXPECT_NE(e.find("host 1 (127.0.0.3:9500): authentication failed for user"), std::string::npos)
      << e;
  EXPECT_NE(e.find("other_key: the server rejected the key"), std::string::npos) << e;
}

TEST_F(SshLauncherTest, EncryptedKeyNeedsTheRightPassphraseWhichIsNeverShown) {
  ClusterConfig cfg = config();
  cfg.hosts.resize(1);
  cfg.hosts[0].ssh.key_file = dir_ + "/encrypted_key";
  cfg.hosts[0].ssh.key_passphrase = "wrong passphrase Qz7";
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  Capture bad;
  std::atomic<bool> stop{false};
  LaunchResult r = run_workers(cfg, s, stop, options(bad));
  EXPECT_EQ(r.status, kLaunchHostErrorStatus) << bad.dump();
  EXPECT_NE(r.hosts[0].error.find("authentication failed"), std::string::npos) << r.hosts[0].error;
  EXPECT_NE(r.hosts[0].error.find("wrong key_passphrase?"), std::string::npos) << r.hosts[0].error;
  EXPECT_EQ(bad.dump().find("Qz7"), std::string::npos) << bad.dump();

  cfg.hosts[0].ssh.key_passphrase.reset();
  Capture none;
  r = run_workers(cfg, s, stop, options(none));
  EXPECT_EQ(r.status, kLaunchHostErrorStatus) << none.dump();
  EXPECT_NE(r.hosts[0].error.find("without key_passphrase?"), std::string::npos)
      << r.hosts[0].error;

  cfg.hosts[0].ssh.key_passphrase = "right passphrase";
  Capture good;
  r = run_workers(cfg, s, stop, options(good));
  EXPECT_EQ(r.status, 0) << good.dump();
  EXPECT_EQ(good.dump().find("right passphrase"), std::string::npos);
}

TEST_F(SshLauncherTest, WithoutPasswordOrKeyFileTheAgentIsUsed) {
  const std::string sock = dir_ + "/agent.sock";
  pid_t agent = ::fork();
  if (agent == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execlp("ssh-agent", "ssh-agent", "-D", "-a", sock.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(agent, 0);
  struct StopAgent {
    pid_t pid;
    ~StopAgent() {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
      ::unsetenv("SSH_AUTH_SOCK");
    }
  } stop_agent{agent};
  auto deadline = Clock::now() + 10s;
  while (!fs::exists(sock) && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(fs::exists(sock)) << "ssh-agent did not start";
  ::setenv("SSH_AUTH_SOCK", sock.c_str(), 1);

  ClusterConfig cfg = config();
  cfg.hosts.resize(1);
  cfg.hosts[0].ssh.key_file.reset();
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  std::atomic<bool> stop{false};

  // Only a key the server does not know.
  ASSERT_TRUE(run("ssh-add " + dir_ + "/other_key"));
  Capture refused;
  LaunchResult r = run_workers(cfg, s, stop, options(refused));
  EXPECT_EQ(r.status, kLaunchHostErrorStatus) << refused.dump();
  EXPECT_NE(r.hosts[0].error.find("accepted none of the 1 ssh-agent identities"),
            std::string::npos)
      << r.hosts[0].error;

  ASSERT_TRUE(run("ssh-add " + dir_ + "/user_key"));
  Capture ok;
  r = run_workers(cfg, s, stop, options(ok));
  EXPECT_EQ(r.status, 0) << ok.dump();
  EXPECT_TRUE(ok.has(0, LaunchEvent::worker_stdout, "host=0")) << ok.dump();
}

TEST_F(SshLauncherTest, PasswordIsNeverShown) {
  ClusterConfig cfg = config();
  cfg.hosts.resize(1);
  cfg.hosts[0].ssh.key_file.reset();
  cfg.hosts[0].ssh.password = "hunter2-Pw9";
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  Capture cap;
  std::atomic<bool> stop{false};
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_EQ(r.status, kLaunchHostErrorStatus);
  // The test servers refuse passwords.
  EXPECT_NE(r.hosts[0].error.find("authentication failed for user"), std::string::npos)
      << r.hosts[0].error;
  EXPECT_EQ(cap.dump().find("Pw9"), std::string::npos) << cap.dump();
}

TEST_F(SshLauncherTest, UnknownHostKeyIsRefusedUnlessChecksAreOff) {
  ClusterConfig cfg = config();
  write_file(dir_ + "/known_hosts_only_a", known_hosts_line(0, 0));
  cfg.known_hosts = dir_ + "/known_hosts_only_a";
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  std::atomic<bool> stop{false};
  Capture cap;
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_EQ(r.status, kLaunchHostErrorStatus) << cap.dump();
  const std::string& e = r.hosts[1].error;
  EXPECT_NE(e.find("host 1 (127.0.0.3:9500): host key verification failed: unknown host key"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("SHA256:"), std::string::npos) << e;
  EXPECT_NE(e.find("check_host_keys = false"), std::string::npos) << e;

  cfg.check_host_keys = false;
  Capture ok;
  r = run_workers(cfg, s, stop, options(ok));
  EXPECT_EQ(r.status, 0) << ok.dump();

  // Without any known_hosts file at all.
  cfg.hosts.resize(1);
  cfg.check_host_keys = true;
  cfg.known_hosts = dir_ + "/does-not-exist";
  Capture none;
  r = run_workers(cfg, s, stop, options(none));
  EXPECT_EQ(r.status, kLaunchHostErrorStatus);
  EXPECT_NE(r.hosts[0].error.find("does not exist"), std::string::npos) << r.hosts[0].error;
}

TEST_F(SshLauncherTest, TheHostKeyTypeFollowsKnownHosts) {
  // A server with an ECDSA and an Ed25519 host key, and a known_hosts entry for the Ed25519 one
  // only: the launcher must ask for that type (libssh2 would prefer ECDSA).
  ASSERT_TRUE(run("ssh-keygen -q -t ecdsa -N '' -f " + dir_ + "/host_key_c_ecdsa"));
  ASSERT_TRUE(run("ssh-keygen -q -t ed25519 -N '' -f " + dir_ + "/host_key_c_ed25519"));
  const uint16_t port = static_cast<uint16_t>(port_ + 2);
  pid_t sshd = start_sshd("c", {dir_ + "/host_key_c_ecdsa", dir_ + "/host_key_c_ed25519"},
                          "127.0.0.4", port);
  struct Stop {
    pid_t pid;
    ~Stop() { stop_process(pid); }
  } stop_sshd{sshd};
  auto deadline = Clock::now() + 10s;
  while (!can_connect("127.0.0.4", port) && Clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(can_connect("127.0.0.4", port));

  std::istringstream pub(read_file(dir_ + "/host_key_c_ed25519.pub"));
  std::string type, key;
  pub >> type >> key;
  write_file(dir_ + "/known_hosts_c",
             "# comment\n[127.0.0.4]:" + std::to_string(port) + " " + type + " " + key + "\n");
  ClusterConfig cfg = config();
  cfg.hosts.resize(1);
  cfg.hosts[0].address = "127.0.0.4";
  cfg.hosts[0].ssh.ssh_port = port;
  cfg.known_hosts = dir_ + "/known_hosts_c";
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  std::atomic<bool> stop{false};
  Capture cap;
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_EQ(r.status, 0) << cap.dump();
}

TEST_F(SshLauncherTest, ChangedHostKeyIsRefused) {
  ClusterConfig cfg = config();
  // Host 1's name with host 0's key.
  write_file(dir_ + "/known_hosts_mismatch", known_hosts_line(0, 0) + known_hosts_line(1, 0));
  cfg.known_hosts = dir_ + "/known_hosts_mismatch";
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  std::atomic<bool> stop{false};
  Capture cap;
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_EQ(r.status, kLaunchHostErrorStatus);
  EXPECT_NE(r.hosts[1].error.find("host 1 (127.0.0.3:9500): host key verification failed"),
            std::string::npos)
      << r.hosts[1].error;
  EXPECT_NE(r.hosts[1].error.find("does NOT match"), std::string::npos) << r.hosts[1].error;
}

TEST_F(SshLauncherTest, ACrashStopsTheOtherWorkers) {
  ClusterConfig cfg = config();
  std::string marker = unique_marker();
  LaunchSpec s = spec(cfg, {"--host0=crash:500", "--host1=sleep", marker});
  Capture cap;
  std::atomic<bool> stop{false};
  auto t0 = Clock::now();
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_LT(Clock::now() - t0, 10s);
  EXPECT_EQ(r.status, 128 + SIGSEGV) << cap.dump();
  EXPECT_EQ(r.hosts[0].status, 128 + SIGSEGV);
  EXPECT_NE(r.hosts[0].error.find("killed by signal SIGSEGV"), std::string::npos)
      << r.hosts[0].error;
  EXPECT_TRUE(r.hosts[1].stopped);
  EXPECT_NE(r.hosts[1].status, 0);
  EXPECT_TRUE(wait_processes(marker, 0, 5s)) << count_processes(marker) << " workers left";
}

TEST_F(SshLauncherTest, StopRequestStopsEveryWorker) {
  std::string marker = unique_marker();
  Capture cap;
  auto [r, took] = start_then_stop({"--mode=sleep", marker}, cap, options(cap));
  EXPECT_LT(took, 5s);
  EXPECT_EQ(r.status, kLaunchStoppedStatus) << cap.dump();
  for (const HostOutcome& h : r.hosts) {
    EXPECT_TRUE(h.stopped);
    EXPECT_EQ(h.status, 143);  // SIGTERM through sshd, or the stdin watchdog
  }
  EXPECT_TRUE(wait_processes(marker, 0, 5s)) << count_processes(marker) << " workers left";
}

TEST_F(SshLauncherTest, StopRequestReachesWorkersThatIgnoreStdin) {
  // No watchdog: only the SIGTERM sent through the channel (OpenSSH's "signal" request) or the
  // end of the session can stop it.
  std::string marker = unique_marker();
  Capture cap;
  auto [r, took] = start_then_stop({"--mode=ignore-stdin", marker}, cap, options(cap));
  EXPECT_LT(took, 8s);
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(wait_processes(marker, 0, 5s)) << count_processes(marker) << " workers left";
}

TEST_F(SshLauncherTest, WorkersIgnoringSigtermAreKilled) {
  std::string marker = unique_marker();
  Capture cap;
  LaunchOptions o = options(cap);
  o.stop_grace = 1s;
  auto [r, took] = start_then_stop({"--mode=stubborn", marker}, cap, o);
  EXPECT_LT(took, 8s);
  EXPECT_EQ(r.status, kLaunchStoppedStatus) << cap.dump();
  for (const HostOutcome& h : r.hosts) EXPECT_EQ(h.status, 128 + SIGKILL) << cap.dump();
  EXPECT_TRUE(wait_processes(marker, 0, 5s)) << count_processes(marker) << " workers left";
}

// The pid of the process whose command line contains `marker` and whose environment has
// RENOIR_HOST_ID=`host`, or 0.
pid_t worker_pid(const std::string& marker, std::size_t host) {
  DIR* d = ::opendir("/proc");
  pid_t found = 0;
  while (dirent* e = d != nullptr ? ::readdir(d) : nullptr) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == ::getpid()) continue;
    std::string dir = "/proc/" + std::string(e->d_name);
    std::string cmdline = read_file(dir + "/cmdline");
    std::string environ = read_file(dir + "/environ");
    environ.insert(0, 1, '\0');
    if (cmdline.find(marker) != std::string::npos &&
        environ.find(std::string("\0RENOIR_HOST_ID=", 16) + std::to_string(host) + '\0') !=
            std::string::npos)
      found = static_cast<pid_t>(pid);
  }
  if (d != nullptr) ::closedir(d);
  return found;
}

pid_t parent_of(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream rest(stat.substr(paren + 2));
  char state;
  pid_t ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

TEST_F(SshLauncherTest, LostConnectionFailsTheHostAndStopsTheOthers) {
  ClusterConfig cfg = config();
  std::string marker = unique_marker();
  LaunchSpec s = spec(cfg, {"--mode=sleep", marker});
  Capture cap;
  std::atomic<bool> stop{false};
  LaunchResult r;
  std::thread launcher([&] { r = run_workers(cfg, s, stop, options(cap)); });
  EXPECT_TRUE(cap.wait_for(LaunchEvent::worker_stdout, "nhosts=2", 2, 30s)) << cap.dump();
  // Kill host 1's sshd session process (the worker's parent, a child of our sshd): its TCP
  // connection breaks.
  pid_t worker = worker_pid(marker, 1);
  pid_t session = worker != 0 ? parent_of(worker) : 0;
  ASSERT_GT(session, 1) << "cannot find the session of host 1's worker";
  std::string session_cmd = read_file("/proc/" + std::to_string(session) + "/cmdline");
  ASSERT_EQ(session_cmd.rfind("sshd", 0), 0u) << session_cmd;
  auto t0 = Clock::now();
  ::kill(session, SIGKILL);
  launcher.join();
  EXPECT_LT(Clock::now() - t0, 10s);
  EXPECT_EQ(r.status, kLaunchHostErrorStatus) << cap.dump();
  EXPECT_NE(r.hosts[1].error.find("host 1 (127.0.0.3:9500): lost the connection to 127.0.0.3"),
            std::string::npos)
      << r.hosts[1].error;
  EXPECT_TRUE(r.hosts[0].stopped);
  EXPECT_TRUE(wait_processes(marker, 0, 5s)) << count_processes(marker) << " workers left";
}

TEST_F(SshLauncherTest, LotsOfOutputArrivesComplete) {
  ClusterConfig cfg = config();
  const int n = 20000;
  LaunchSpec s = spec(cfg, {"--mode=lines:" + std::to_string(n)});
  Capture cap;
  std::atomic<bool> stop{false};
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  ASSERT_EQ(r.status, 0);
  for (int h = 0; h < 2; ++h) {
    const std::string host = " of host " + std::to_string(h);
    EXPECT_EQ(cap.count(LaunchEvent::worker_stdout, host + ": 0123456789abcdefghijklmnopqrstuvwxyz"), n);
    EXPECT_EQ(cap.count(LaunchEvent::worker_stderr, host), n + 1);  // + "stderr of host h"
    EXPECT_TRUE(cap.has(h, LaunchEvent::worker_stdout, "out " + std::to_string(n - 1) + host));
  }
}

TEST_F(SshLauncherTest, StopRequestStopsAWorkerFloodingItsOutput) {
  ClusterConfig cfg = config();
  std::string marker = unique_marker();
  LaunchSpec s = spec(cfg, {"--mode=flood", marker});
  std::atomic<bool> stop{false};
  std::atomic<long> lines{0};
  LaunchOptions o;
  o.output = [&](const HostConfig&, LaunchEvent e, std::string_view) {
    if (e == LaunchEvent::worker_stdout) ++lines;
  };
  LaunchResult r;
  std::thread launcher([&] { r = run_workers(cfg, s, stop, o); });
  auto deadline = Clock::now() + 30s;
  while (lines < 10000 && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_GE(lines.load(), 10000);
  auto t0 = Clock::now();
  stop = true;
  launcher.join();
  EXPECT_LT(Clock::now() - t0, 5s);
  EXPECT_EQ(r.status, kLaunchStoppedStatus);
  EXPECT_TRUE(wait_processes(marker, 0, 5s)) << count_processes(marker) << " workers left";
}

TEST_F(SshLauncherTest, StopRequestedBeforeTheStart) {
  ClusterConfig cfg = config();
  LaunchSpec s = spec(cfg, {"--mode=exit:0"});
  Capture cap;
  std::atomic<bool> stop{true};
  LaunchResult r = run_workers(cfg, s, stop, options(cap));
  EXPECT_EQ(r.status, kLaunchStoppedStatus) << cap.dump();
  EXPECT_FALSE(r.hosts[0].started);
  EXPECT_FALSE(r.hosts[1].started);
}

TEST_F(SshLauncherTest, WorkersDieWithTheLauncher) {
  // The launcher process is SIGKILLed: its SSH sessions end, and so do the workers.
  ClusterConfig cfg = config();
  std::string marker = unique_marker();
  LaunchSpec s = spec(cfg, {"--mode=sleep", marker});
  pid_t child = ::fork();
  if (child == 0) {
    std::atomic<bool> stop{false};
    LaunchOptions o;
    o.output = [](const HostConfig&, LaunchEvent, std::string_view) {};
    run_workers(cfg, s, stop, o);
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  bool started = wait_processes(marker, 2, 30s);
  ::kill(child, SIGKILL);
  int status;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(started);
  EXPECT_TRUE(wait_processes(marker, 0, 5s)) << count_processes(marker) << " workers left";
}

TEST_F(SshLauncherTest, DryRunPrintsTheCommandsWithoutConnecting) {
  ClusterConfig cfg = config();
  cfg.hosts[1].ssh.ssh_port = static_cast<uint16_t>(port_ + 1);  // would fail if contacted
  cfg.cleanup_binaries = true;
  LaunchSpec s = spec(cfg, {"--mode=exit:0", "it's"});
  Capture cap;
  LaunchOptions o = options(cap);
  o.dry_run = true;
  std::atomic<bool> stop{false};
  LaunchResult r = run_workers(cfg, s, stop, o);
  EXPECT_EQ(r.status, 0);
  const std::string out = cap.dump();
  EXPECT_TRUE(cap.has(0, LaunchEvent::dry_run,
                      "exec: cd '" + cfg.remote_dir + "/"))
      << out;
  EXPECT_TRUE(cap.has(1, LaunchEvent::dry_run,
                      " && exec env 'RENOIR_HOST_ID=1' 'RENOIR_NUM_HOSTS=2' "
                      "'RENOIR_STDIN_PROTOCOL=1' './renoir_fake_worker' '--mode=exit:0' "
                      "'it'\\''s'"))
      << out;
  EXPECT_TRUE(cap.has(1, LaunchEvent::dry_run, "ssh -p " + std::to_string(port_ + 1)));
  EXPECT_TRUE(cap.has(0, LaunchEvent::dry_run, "cleanup: remove"));
  EXPECT_EQ(out.find(kSecret), std::string::npos);
  EXPECT_FALSE(fs::exists(cfg.remote_dir));

  // The same through the environment variable and the default output.
  ::setenv("RENOIR_LAUNCH_DRY_RUN", "1", 1);
  ::testing::internal::CaptureStdout();
  int status = launch_workers(cfg, s, stop);
  std::string printed = ::testing::internal::GetCapturedStdout();
  ::unsetenv("RENOIR_LAUNCH_DRY_RUN");
  EXPECT_EQ(status, 0);
  EXPECT_NE(printed.find("[dry run] host 1 (127.0.0.3:9500): exec: cd '"), std::string::npos)
      << printed;
  EXPECT_EQ(printed.find(kSecret), std::string::npos);
}

TEST_F(SshLauncherTest, InvalidSpecsAreRejectedBeforeConnecting) {
  ClusterConfig cfg = config();
  std::atomic<bool> stop{false};
  Capture cap;
  LaunchSpec s = spec(cfg, {});
  s.job_secret = "two\nlines";
  EXPECT_THROW(run_workers(cfg, s, stop, options(cap)), LaunchError);
  s = spec(cfg, {});
  s.env = {{"RENOIR_HOST_ID", "7"}};
  EXPECT_THROW(run_workers(cfg, s, stop, options(cap)), LaunchError);
  s = spec(cfg, {});
  s.env = {{"BAD-NAME", "x"}};
  EXPECT_THROW(run_workers(cfg, s, stop, options(cap)), LaunchError);
  s = spec(cfg, {});
  s.local_executable = dir_ + "/no-such-binary";
  EXPECT_THROW(run_workers(cfg, s, stop, options(cap)), LaunchError);
  try {
    s = spec(cfg, {});
    s.job_secret = "secret-with\nnewline";
    run_workers(cfg, s, stop, options(cap));
  } catch (const LaunchError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret-with"), std::string::npos) << e.what();
  }
  EXPECT_EQ(cap.dump(), "");
}

}  // namespace
}  // namespace renoir::launch
