#include "renoir/launch/ssh_command.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "renoir/launch/ssh_launcher.hpp"

namespace renoir::launch {
namespace {

TEST(ShellQuote, WrapsInSingleQuotes) {
  EXPECT_EQ(shell_quote("abc"), "'abc'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("$HOME `x` \"y\""), "'$HOME `x` \"y\"'");
}

// Runs `command` through /bin/sh and returns its stdout.
std::string sh_output(const std::string& command) {
  std::string quoted = "/bin/sh -c " + shell_quote(command);
  std::FILE* p = ::popen(quoted.c_str(), "r");
  if (p == nullptr) return "<popen failed>";
  std::string out;
  std::array<char, 256> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

TEST(ShellQuote, EveryWordReachesTheProgramUnchanged) {
  const std::vector<std::string> words = {
      "plain", "with space", "it's", "'", "''", "a\"b", "$(echo no)", "`echo no`", "*", "~",
      "semi;colon", "back\\slash", "new\nline", "-n", ""};
  std::string command = "printf '<%s>'";
  std::string expected;
  for (const std::string& w : words) {
    command.append(" ").append(shell_quote(w));
    expected.append("<").append(w).append(">");
  }
  EXPECT_EQ(sh_output(command), expected);
}

TEST(ValidEnvName, AcceptsShellNames) {
  EXPECT_TRUE(valid_env_name("RENOIR_HOST_ID"));
  EXPECT_TRUE(valid_env_name("_x1"));
  EXPECT_FALSE(valid_env_name(""));
  EXPECT_FALSE(valid_env_name("1X"));
  EXPECT_FALSE(valid_env_name("A-B"));
  EXPECT_FALSE(valid_env_name("A=B"));
}

TEST(Fnv1a64, KnownVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
  EXPECT_EQ(fnv1a64("bar", fnv1a64("foo")), fnv1a64("foobar"));
  EXPECT_EQ(hex64(0xaf63dc4c8601ec8cULL), "af63dc4c8601ec8c");
  EXPECT_EQ(hex64(1), "0000000000000001");
}

TEST(RemoteWorkerCommand, QuotesEveryPiece) {
  EXPECT_EQ(remote_worker_command("/tmp/renoir/00ff", "my prog",
                                  {{"RENOIR_HOST_ID", "1"}, {"X", "a'b"}},
                                  {"--remote", "it's here"}),
            "cd '/tmp/renoir/00ff' && echo renoir-worker-pid $$ && exec env 'RENOIR_HOST_ID=1' "
            "'X=a'\\''b' './my prog' "
            "'--remote' 'it'\\''s here'");
}

TEST(RemoteWorkerCommand, UnderPerfWithAPerfPath) {
  EXPECT_EQ(remote_worker_command("/tmp/renoir/00ff", "prog", {{"A", "1"}}, {"x"}, "/tmp/my perf.data"),
            "cd '/tmp/renoir/00ff' && echo renoir-worker-pid $$ && exec perf record --call-graph dwarf -o "
            "'/tmp/my perf.data' -- env 'A=1' './prog' 'x'");
  // No perf_path: the plain command.
  EXPECT_EQ(remote_worker_command("/d", "p", {}, {}, ""), "cd '/d' && echo renoir-worker-pid $$ && exec env './p'");
}

TEST(RemoteWorkerCommand, RunsThroughAShell) {
  // /usr/bin/printf stands in for the worker (cd /usr/bin; ./printf).
  std::string cmd = remote_worker_command("/usr/bin", "printf", {{"V", "x y"}},
                                          {"<%s>", "a b", "c'd", "$V"});
  std::string out = sh_output(cmd);
  // First the shell's pid line, then the program's output.
  std::size_t nl = out.find('\n');
  ASSERT_NE(nl, std::string::npos) << out;
  EXPECT_GT(parse_worker_pid_line(out.substr(0, nl)), 1) << out;
  EXPECT_EQ(out.substr(nl + 1), "<a b><c'd><$V>");
}

TEST(WorkerPidLine, ParsesOnlyTheExactForm) {
  EXPECT_EQ(parse_worker_pid_line("renoir-worker-pid 1234"), 1234);
  EXPECT_EQ(parse_worker_pid_line("renoir-worker-pid "), 0);
  EXPECT_EQ(parse_worker_pid_line("renoir-worker-pid 12x"), 0);
  EXPECT_EQ(parse_worker_pid_line("renoir-worker-pid 1"), 0);
  EXPECT_EQ(parse_worker_pid_line("hello"), 0);
  EXPECT_EQ(remote_kill_command(1234, "TERM"),
            "kill -s TERM -- -1234 2>/dev/null; kill -s CONT -- -1234 2>/dev/null");
  EXPECT_EQ(remote_kill_command(1234, "KILL"), "kill -s KILL -- -1234 2>/dev/null");
}

ClusterConfig two_hosts(const std::string& a, const std::string& b) {
  return ClusterConfig::parse_string("[[host]]\naddress = \"" + a +
                                         "\"\nbase_port = 9500\nnum_cores = 1\n"
                                         "[[host]]\naddress = \"" + b +
                                         "\"\nbase_port = 9600\nnum_cores = 1\n",
                                     "t.toml");
}

TEST(OutputPrefix, AddressOrAddressAndPort) {
  ClusterConfig distinct = two_hosts("10.0.0.1", "10.0.0.2");
  EXPECT_EQ(output_prefix(distinct, distinct.hosts[0]), "10.0.0.1");
  EXPECT_EQ(output_prefix(distinct, distinct.hosts[1]), "10.0.0.2");
  ClusterConfig shared = two_hosts("10.0.0.1", "10.0.0.1");
  EXPECT_EQ(output_prefix(shared, shared.hosts[0]), "10.0.0.1:9500");
  EXPECT_EQ(output_prefix(shared, shared.hosts[1]), "10.0.0.1:9600");
}

}  // namespace
}  // namespace renoir::launch
