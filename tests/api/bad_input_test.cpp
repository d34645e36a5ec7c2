// Bad local input for stream_file / stream_csv (api/input_file.hpp, api/line_reader.hpp): a
// directory, a FIFO, a device, a missing or unreadable file, an empty file, binary data, one
// 200 MB line, a read error. Each gives a clear error naming the file, or the right lines.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// A threadsafe death test re-executes the test binary, and the child runs the test body again
// up to the death statement: the parent prepares the input once and passes its path to the
// child in the environment, so that the child neither prepares it again nor leaves a copy.
class ChildInput {
 public:
  template <class Make>
  ChildInput(const char* var, Make make) : var_(var) {
    if (const char* p = std::getenv(var)) {  // the child
      path_ = p;
      return;
    }
    dir_.emplace();
    path_ = make(*dir_);
    ::setenv(var, path_.c_str(), 1);
  }
  ~ChildInput() {
    if (dir_) ::unsetenv(var_);
  }
  ChildInput(const ChildInput&) = delete;
  ChildInput& operator=(const ChildInput&) = delete;
  const std::string& path() const { return path_; }
  bool in_parent() const { return dir_.has_value(); }

 private:
  const char* var_;
  std::optional<TempDir> dir_;
  std::string path_;
};

class BadInput : public ::testing::TestWithParam<std::size_t> {};
INSTANTIATE_TEST_SUITE_P(Replicas, BadInput, ::testing::Values(1, 2, 4), par_name);

// What declaring the stream throws (empty if nothing), for stream_file and stream_csv alike.
std::string declare_error(const std::string& path, bool csv) {
  StreamContext ctx(RuntimeConfig::local(2));
  try {
    if (csv)
      ctx.stream_csv<int>(path).collect_vec();
    else
      ctx.stream_file(path).collect_vec();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// Every stream_file line of `path` at `replicas`, or the error execute_blocking() threw.
std::vector<std::string> read_lines(const std::string& path, std::size_t replicas) {
  StreamContext ctx(RuntimeConfig::local(replicas));
  auto out = ctx.stream_file(path).collect_vec();
  ctx.execute_blocking();
  return take(out);
}

TEST(BadInputDeclared, DirectoryIsAnErrorNamingIt) {
  TempDir dir;
  const std::string path = dir.file("");
  for (bool csv : {false, true}) {
    const std::string msg = declare_error(path, csv);
    EXPECT_NE(msg.find("'" + path + "' is a directory"), std::string::npos) << msg;
  }
}

// A FIFO would block open() until a writer comes, and cannot be split by byte range: refused at
// once, without waiting for a writer.
TEST(BadInputDeclared, FifoIsRefusedWithoutBlocking) {
  TempDir dir;
  const std::string path = dir.file("fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  for (bool csv : {false, true}) {
    const std::string msg = declare_error(path, csv);
    EXPECT_NE(msg.find("'" + path + "' is a FIFO"), std::string::npos) << msg;
    EXPECT_NE(msg.find("needs a regular file"), std::string::npos) << msg;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// /dev/zero would be one endless line; devices are refused.
TEST(BadInputDeclared, DevicesAreRefused) {
  for (const char* path : {"/dev/null", "/dev/zero"}) {
    const std::string msg = declare_error(path, false);
    EXPECT_NE(msg.find(std::string("'") + path + "' is a character device"), std::string::npos) << msg;
  }
}

TEST(BadInputDeclared, MissingFileNamesThePath) {
  TempDir dir;
  const std::string path = dir.file("missing.txt");
  for (bool csv : {false, true}) {
    const std::string msg = declare_error(path, csv);
    EXPECT_NE(msg.find("cannot open input file '" + path + "': No such file or directory"), std::string::npos) << msg;
  }
}

// chmod 000 stops everyone but root, and the tests may run as root: the check runs in a child
// that drops to nobody (uid 65534) first when it is root.
[[noreturn]] void declare_as_unprivileged(const std::string& path) {
  if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) std::_Exit(10);
  std::fprintf(stderr, "file: %s\ncsv: %s\n", declare_error(path, false).c_str(), declare_error(path, true).c_str());
  std::_Exit(3);
}

TEST(BadInputDeclaredDeathTest, UnreadableFileNamesThePath) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ChildInput input("RENOIR_TEST_UNREADABLE", [](const TempDir& dir) {
    const std::string path = dir.write("secret.txt", "hidden\n");
    EXPECT_EQ(::chmod(dir.file("").c_str(), 0755), 0);  // nobody may look into the directory...
    EXPECT_EQ(::chmod(path.c_str(), 0), 0);              // ...but not read the file
    return path;
  });
  const std::string error = "cannot open input file '" + input.path() + "': Permission denied";
  EXPECT_EXIT(declare_as_unprivileged(input.path()), ::testing::ExitedWithCode(3), "file: " + error + "\ncsv: " + error);
}

TEST_P(BadInput, EmptyFileGivesNoLines) {
  TempDir dir;
  EXPECT_TRUE(read_lines(dir.write("empty.txt", ""), GetParam()).empty());
}

// Random bytes: NULs, invalid UTF-8, '\r', long stretches without '\n' and none at the end.
// Lines are bytes between '\n's, kept exactly, once each, whatever the cut.
TEST_P(BadInput, BinaryDataIsReadByteExact) {
  TempDir dir;
  std::mt19937 rng(12345);
  std::string content;
  for (int i = 0; i < 3 << 20; ++i) content.push_back(static_cast<char>(rng() % 4 == 0 ? rng() % 8 : rng()));
  content[1000] = '\0';
  content += std::string("\xff\xfe\xc3\x28\0tail", 9);  // invalid UTF-8 and a NUL, no final newline
  const std::string path = dir.write("binary.dat", content);
  auto got = read_lines(path, GetParam());
  const auto expected = lines_of(content);
  ASSERT_EQ(got.size(), expected.size());
  EXPECT_TRUE(multiset(got) == multiset(expected));
  std::string no_newline(5 << 20, '\0');  // 5 MB of random bytes without a '\n'
  for (auto& c : no_newline) {
    c = static_cast<char>(rng());
    if (c == '\n') c = '\0';
  }
  got = read_lines(dir.write("no_newline.dat", no_newline), GetParam());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0] == no_newline);
}

// A /proc file reports size 0 but has content: the first replica reads it to its end.
TEST_P(BadInput, ProcFileWithUnknownSizeIsReadWhole) {
  std::ifstream in("/proc/version");
  std::string first;
  if (!std::getline(in, first)) GTEST_SKIP() << "no /proc/version";
  EXPECT_EQ(read_lines("/proc/version", GetParam()), std::vector<std::string>{first});
}

// /proc/self/mem opens, but reading its offset 0 (never mapped) fails with EIO: a read error in
// the middle of the job, reported with the file's name.
TEST_P(BadInput, ReadErrorNamesTheFile) {
  StreamContext ctx(RuntimeConfig::local(GetParam()));
  auto out = ctx.stream_file("/proc/self/mem").collect_count();
  try {
    ctx.execute_blocking();
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read input file '/proc/self/mem': Input/output error");
  }
}

// The 200 MB line is checked in a child process, whose peak RSS is the job's alone: it reads
// the line into one string (no growing read buffer holding a second copy). Peak RSS was 474 MB
// at every --local before; it is about 1.3 times the line now. The bound is not checked under
// sanitizers (their shadow memory and quarantine).
constexpr std::size_t kLongLine = 200u << 20;

// Writes the line in chunks (no 200 MB string in the test process); returns its checksum.
std::uint64_t write_long_line(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937 rng(7);
  std::uint64_t sum = 0;
  std::string chunk;
  for (std::size_t at = 0; at < kLongLine;) {
    chunk.clear();
    for (; chunk.size() < (1 << 20) && at < kLongLine; ++at)
      chunk.push_back(at == 0 ? '<' : at + 1 == kLongLine ? '>' : rng() % 6 ? static_cast<char>('a' + rng() % 26) : ' ');
    for (unsigned char c : chunk) sum = sum * 31 + c;
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  }
  if (!out) ADD_FAILURE() << "cannot write " << path;
  return sum;
}

[[noreturn]] void read_long_line(const std::string& path, std::size_t replicas) {
  StreamContext ctx(RuntimeConfig::local(replicas));
  // In the source's block: the size, the ends and a checksum, so the line is not collected.
  auto out = ctx.stream_file(path)
                 .map([](std::string s) {
                   std::uint64_t sum = 0;
                   for (unsigned char c : s) sum = sum * 31 + c;
                   return cat(s.size(), " ", s.front(), s.back(), " ", sum);
                 })
                 .collect_vec();
  ctx.execute_blocking();
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto lines = *out.get();
  std::fprintf(stderr, "lines %zu: %s\npeak %ld MB\n", lines.size(), lines.empty() ? "" : lines[0].c_str(),
               usage.ru_maxrss / 1024);
  std::_Exit(lines.size() == 1 && (kSanitized || static_cast<std::size_t>(usage.ru_maxrss) * 1024 < kLongLine * 7 / 4) ? 3 : 4);
}

TEST(BadInputDeathTest, OneLineOf200MegabytesAtOneTwoAndFourReplicas) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::uint64_t sum = 0;
  ChildInput input("RENOIR_TEST_LONG_LINE", [&](const TempDir& dir) {
    const std::string path = dir.file("long.txt");
    sum = write_long_line(path);
    return path;
  });
  const std::string expected = cat("lines 1: ", kLongLine, " <> ", sum, "\n");
  for (std::size_t n : {1, 2, 4})
    EXPECT_EXIT(read_long_line(input.path(), n), ::testing::ExitedWithCode(3), expected) << "at local(" << n << ")";
}

}  // namespace
}  // namespace renoir::test
