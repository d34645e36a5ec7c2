// An input file that changes while a job reads it (api/input_file.hpp, api/line_reader.hpp):
// truncated (an error naming the file, never fewer lines or garbage), appended to, unlinked,
// renamed over or made unreadable (the lines of the file as it was when the job started).
// The change happens while every replica is held inside the pipeline by a gate: no timing.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

class InputChanges : public ::testing::TestWithParam<std::size_t> {};
INSTANTIATE_TEST_SUITE_P(Replicas, InputChanges, ::testing::Values(1, 2, 4), par_name);

/// Holds every replica at its first item until the test has changed the file.
class Gate {
 public:
  void arrive_and_wait() {
    std::unique_lock lock(mutex_);
    ++arrived_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
  }
  /// Waits until `n` replicas arrived; false after a generous safety timeout (then the test fails
  /// rather than hangs; the timeout is no part of the expected behaviour).
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return arrived_ >= n; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t arrived_ = 0;
  bool open_ = false;
};

// 16 MB of numbered lines: every replica's share (4 MB or more) is larger than the reader's
// 1 MB buffer, so each one still has to read after the change.
std::string numbered_lines(std::vector<std::string>& lines) {
  std::string content;
  for (int i = 0; content.size() < (16u << 20); ++i) {
    lines.push_back(cat("line ", i, " ", std::string(static_cast<std::size_t>(40 + i % 50), 'a' + i % 26)));
    content += lines.back() + "\n";
  }
  return content;
}

struct Outcome {
  std::vector<std::string> lines;
  std::string error;  // what execute_blocking() threw, if it did
  bool arrived = true;
};

// Runs stream_file(path) at `replicas`, every replica held at its first line until `change`
// (made once all of them are there) has run.
Outcome run_with_change(const std::string& path, std::size_t replicas, const std::function<void()>& change) {
  Gate gate;
  StreamContext ctx(RuntimeConfig::local(replicas));
  auto out = ctx.stream_file(path)
                 .rich_map([&gate, first = true](std::string line) mutable {  // one copy per replica
                   if (first) {
                     first = false;
                     gate.arrive_and_wait();
                   }
                   return line;
                 })
                 .collect_vec();
  Outcome run;
  std::thread changer([&] {
    run.arrived = gate.wait_for(replicas);
    change();
    gate.open();
  });
  try {
    ctx.execute_blocking();
    run.lines = take(out);
  } catch (const std::exception& e) {
    run.error = e.what();
  }
  changer.join();
  return run;
}

// Truncated below what the replicas planned to read: an error naming the file, at every cut.
TEST_P(InputChanges, TruncatedWhileReadIsAnErrorNamingTheFile) {
  TempDir dir;
  std::vector<std::string> lines;
  const std::string content = numbered_lines(lines);
  for (std::size_t keep : {content.size() / 2, std::size_t{0}, content.size() - 1}) {
    const std::string path = dir.write("shrinking.txt", content);
    const Outcome run = run_with_change(path, GetParam(), [&] { ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(keep)), 0); });
    EXPECT_TRUE(run.arrived);
    EXPECT_NE(run.error.find("input file '" + path + "' shrank while being read"), std::string::npos)
        << "kept " << keep << " bytes: " << (run.error.empty() ? cat(run.lines.size(), " lines, no error") : run.error);
  }
}

// Lines appended after the job started are not read, and a last line without '\n' is not
// extended: the job reads the file as it was.
TEST_P(InputChanges, AppendedWhileReadGivesTheFileAsItWas) {
  TempDir dir;
  std::vector<std::string> lines;
  std::string content = numbered_lines(lines);
  content += "last line without newline";
  lines.push_back("last line without newline");
  const std::string path = dir.write("growing.txt", content);
  const Outcome run = run_with_change(path, GetParam(), [&] {
    std::ofstream(path, std::ios::binary | std::ios::app) << " continued\nappended line\n";
  });
  EXPECT_EQ(run.error, "");
  EXPECT_EQ(run.lines.size(), lines.size());
  EXPECT_TRUE(multiset(run.lines) == multiset(lines));
}

// The file is opened once, when the stream is declared, and every replica reads that open
// file: unlinking it, renaming another file over it or taking away its permissions meanwhile
// changes nothing.
TEST_P(InputChanges, UnlinkedReplacedOrChmodedWhileReadGivesTheOriginalLines) {
  TempDir dir;
  std::vector<std::string> lines;
  const std::string content = numbered_lines(lines);
  const std::string other = dir.write("other.txt", "other\nfile\n");
  const std::vector<std::pair<const char*, std::function<void(const std::string&)>>> changes = {
      {"unlink", [](const std::string& p) { ASSERT_EQ(::unlink(p.c_str()), 0); }},
      {"rename over", [&](const std::string& p) {
         const std::string copy = dir.write("copy.txt", read_file(other));
         ASSERT_EQ(::rename(copy.c_str(), p.c_str()), 0);
       }},
      {"chmod 000", [](const std::string& p) { ASSERT_EQ(::chmod(p.c_str(), 0), 0); }},
  };
  for (const auto& [what, change] : changes) {
    const std::string path = dir.write("input.txt", content);
    const Outcome run = run_with_change(path, GetParam(), [&] { change(path); });
    EXPECT_EQ(run.error, "") << what;
    EXPECT_EQ(run.lines.size(), lines.size()) << what;
    EXPECT_TRUE(multiset(run.lines) == multiset(lines)) << what;
    ::unlink(path.c_str());
  }
  // Between declaring the stream and running the job: the declared file is read.
  const std::string path = dir.write("declared.txt", content);
  StreamContext ctx(RuntimeConfig::local(GetParam()));
  auto out = ctx.stream_file(path).collect_count();
  ASSERT_EQ(::unlink(path.c_str()), 0);
  ctx.execute_blocking();
  EXPECT_EQ(take(out), lines.size());
}

}  // namespace
}  // namespace renoir::test
