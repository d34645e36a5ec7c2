// RuntimeConfig (api/config.hpp): local(n) and from_args. The failure paths of from_args exit
// the process, so they run as death tests.
#include <unistd.h>

#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

/// argv for from_args: owns the strings, argv[argc] is nullptr.
class Args {
 public:
  Args(std::initializer_list<std::string> args) : storage_(args) {
    for (auto& s : storage_) ptrs_.push_back(s.data());
    ptrs_.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(storage_.size()); }
  char** argv() { return ptrs_.data(); }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> ptrs_;
};

std::pair<RuntimeConfig, std::vector<std::string>> parse(std::initializer_list<std::string> args) {
  Args a(args);
  return RuntimeConfig::from_args(a.argc(), a.argv());
}

using Strings = std::vector<std::string>;

TEST(RuntimeConfigLocal, LocalN) {
  for (std::size_t n : {1, 2, 3, 64}) {
    auto c = RuntimeConfig::local(n);
    EXPECT_TRUE(c.is_local());
    EXPECT_EQ(c.local_parallelism(), n);
  }
  EXPECT_THROW(RuntimeConfig::local(0), std::invalid_argument);
}

TEST(RuntimeConfigLocal, LocalAllCoresMatchesTheMachine) {
  auto c = RuntimeConfig::local_all_cores();
  EXPECT_TRUE(c.is_local());
  EXPECT_GE(c.local_parallelism(), 1u);
  const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  EXPECT_LE(c.local_parallelism(), static_cast<std::size_t>(online));
}

TEST(RuntimeConfigFromArgs, LocalLongShortAndInline) {
  for (auto args : {std::initializer_list<std::string>{"prog", "--local", "4"}, {"prog", "-l", "4"}, {"prog", "--local=4"}}) {
    auto [config, rest] = parse(args);
    EXPECT_TRUE(config.is_local());
    EXPECT_EQ(config.local_parallelism(), 4u);
    EXPECT_EQ(rest, Strings{"prog"});
  }
}

TEST(RuntimeConfigFromArgs, RemainingArgumentsKeepTheirOrderAfterArgv0) {
  auto [config, rest] = parse({"./wordcount", "input.txt", "--local", "3", "--top", "10", "-x"});
  EXPECT_EQ(config.local_parallelism(), 3u);
  EXPECT_EQ(rest, (Strings{"./wordcount", "input.txt", "--top", "10", "-x"}));
}

TEST(RuntimeConfigFromArgs, UnknownInlineOptionPassesThroughUnchanged) {
  auto [config, rest] = parse({"p", "--threshold=0.5", "-l", "2"});
  EXPECT_EQ(config.local_parallelism(), 2u);
  EXPECT_EQ(rest, (Strings{"p", "--threshold=0.5"}));
}

TEST(RuntimeConfigFromArgs, DoubleDashPassesTheRestThrough) {
  auto [config, rest] = parse({"p", "-l", "2", "a", "--", "--local", "9", "--help", "-r", "x", "--"});
  EXPECT_EQ(config.local_parallelism(), 2u);
  EXPECT_EQ(rest, (Strings{"p", "a", "--local", "9", "--help", "-r", "x", "--"}));
}

TEST(RuntimeConfigFromArgs, RemoteWithAnExistingFile) {
  TempDir dir;
  const std::string path = dir.write("cluster.toml", "[[host]]\naddress = \"127.0.0.1\"\nbase_port = 9500\nnum_cores = 1\n");
  for (auto args : {std::initializer_list<std::string>{"prog", "--remote", path, "data"},
                    {"prog", "-r", path, "data"},
                    {"prog", "--remote=" + path, "data"}}) {
    auto [config, rest] = parse(args);
    EXPECT_FALSE(config.is_local());
    EXPECT_EQ(rest, (Strings{"prog", "data"}));
  }
}

// ---- failure paths: exit status 2 and a message on stderr; --help exits 0 ----

// The limit: 8 replicas per core, at least 256 (each replica a thread, n x n rings per exchange).
TEST(RuntimeConfigLocal, LimitOnReplicas) {
  const std::size_t max = RuntimeConfig::max_local_replicas();
  EXPECT_GE(max, 256u);
  EXPECT_EQ(RuntimeConfig::local(max).local_parallelism(), max);
  for (std::size_t n : {max + 1, std::size_t{100000}, std::size_t{1} << 31, ~std::size_t{0}}) {
    try {
      RuntimeConfig::local(n);
      ADD_FAILURE() << "local(" << n << ") accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(cat("at most ", max, " replicas")), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(RuntimeConfig::simulated({max, 1}), std::invalid_argument);
  EXPECT_THROW(RuntimeConfig::simulated({~std::size_t{0}, ~std::size_t{0}}), std::invalid_argument);
  EXPECT_NO_THROW(RuntimeConfig::simulated({max - 1, 1}));
}

class RuntimeConfigFromArgsDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(RuntimeConfigFromArgsDeathTest, LocalZero) {
  EXPECT_EXIT(parse({"prog", "--local", "0"}), ::testing::ExitedWithCode(2), "--local 0.*at least one replica");
  EXPECT_EXIT(parse({"prog", "-l", "0"}), ::testing::ExitedWithCode(2), "at least one replica");
  EXPECT_EXIT(parse({"prog", "--local=0"}), ::testing::ExitedWithCode(2), "at least one replica");
}

TEST_F(RuntimeConfigFromArgsDeathTest, LocalNotANumber) {
  EXPECT_EXIT(parse({"prog", "--local", "x"}), ::testing::ExitedWithCode(2), "positive integer, got 'x'");
  EXPECT_EXIT(parse({"prog", "--local", "-3"}), ::testing::ExitedWithCode(2), "positive integer, got '-3'");
  EXPECT_EXIT(parse({"prog", "--local", "4x"}), ::testing::ExitedWithCode(2), "positive integer, got '4x'");
  EXPECT_EXIT(parse({"prog", "--local="}), ::testing::ExitedWithCode(2), "positive integer, got ''");
}

// Huge N: a clear usage error before any thread or ring is made (2^31 used to spend minutes
// allocating, 100000 ended in std::bad_alloc).
TEST_F(RuntimeConfigFromArgsDeathTest, LocalTooLarge) {
  const std::string max = std::to_string(RuntimeConfig::max_local_replicas());
  const std::string over = std::to_string(RuntimeConfig::max_local_replicas() + 1);
  for (const std::string& n : {over, std::string("100000"), std::string("2147483648"), std::string("18446744073709551615"),
                               std::string("18446744073709551616"), std::string("99999999999999999999999999")})
    EXPECT_EXIT(parse({"prog", "--local", n}), ::testing::ExitedWithCode(2), "--local " + n + ": at most " + max + " replicas")
        << n;
  EXPECT_EXIT(parse({"prog", "--local=-1"}), ::testing::ExitedWithCode(2), "positive integer, got '-1'");
}

TEST_F(RuntimeConfigFromArgsDeathTest, BothFlags) {
  // Refused before the file is read, so none is needed (a TempDir made here would be made again,
  // and left behind, by every re-executed death-test child).
  const std::string path = "/nonexistent/c.toml";
  EXPECT_EXIT(parse({"prog", "--local", "2", "--remote", path}), ::testing::ExitedWithCode(2), "exactly one of --local and --remote");
  EXPECT_EXIT(parse({"prog", "-r", path, "-l", "2"}), ::testing::ExitedWithCode(2), "exactly one of --local and --remote");
  EXPECT_EXIT(parse({"prog", "-l", "2", "-l", "3"}), ::testing::ExitedWithCode(2), "exactly one of --local and --remote");
}

TEST_F(RuntimeConfigFromArgsDeathTest, Neither) {
  EXPECT_EXIT(parse({"prog"}), ::testing::ExitedWithCode(2), "missing --local N or --remote");
  EXPECT_EXIT(parse({"prog", "input.txt"}), ::testing::ExitedWithCode(2), "missing --local N or --remote.*\nusage: prog");
  EXPECT_EXIT(parse({"prog", "--", "--local", "2"}), ::testing::ExitedWithCode(2), "missing --local N or --remote");
}

TEST_F(RuntimeConfigFromArgsDeathTest, MissingValue) {
  EXPECT_EXIT(parse({"prog", "--local"}), ::testing::ExitedWithCode(2), "--local needs a value");
  EXPECT_EXIT(parse({"prog", "-l"}), ::testing::ExitedWithCode(2), "--local needs a value");
  EXPECT_EXIT(parse({"prog", "--remote"}), ::testing::ExitedWithCode(2), "--remote needs a value");
}

TEST_F(RuntimeConfigFromArgsDeathTest, RemoteFileMissing) {
  EXPECT_EXIT(parse({"prog", "--remote", "/nonexistent/renoir-cluster.toml"}), ::testing::ExitedWithCode(2),
              "/nonexistent/renoir-cluster.toml");
}

TEST_F(RuntimeConfigFromArgsDeathTest, HelpPrintsUsageAndExitsZero) {
  // The usage goes to stdout: send stdout to stderr in the child so the regex can see it.
  auto help = [](std::initializer_list<std::string> args) {
    std::fflush(stdout);
    ::dup2(2, 1);
    parse(args);
  };
  EXPECT_EXIT(help({"prog", "--help"}), ::testing::ExitedWithCode(0), "usage: prog \\(--local N \\| --remote");
  EXPECT_EXIT(help({"prog", "-h"}), ::testing::ExitedWithCode(0), "-l, --local N");
  EXPECT_EXIT(help({"prog", "-l", "2", "-h"}), ::testing::ExitedWithCode(0), "usage:");
}

}  // namespace
}  // namespace renoir::test
