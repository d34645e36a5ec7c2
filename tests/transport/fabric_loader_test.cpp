// Tests transport/fabric_loader.cpp: loading libfabric leaves the process's signal handling
// alone, so a crash stays a crash and writes no PSM backtrace file (*.btr) in the directory.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <renoir/transport/fabric_transport.hpp>

namespace renoir::transport {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> btr_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".btr") out.push_back(e.path().filename());
  return out;
}

void open_fabric() {
  TransportConfig c{{"127.0.0.1:" + std::to_string(10000 + ::getpid() % 22000)}, 0, "secret"};
  FabricTransport t(c);
}

TEST(FabricLoader, SignalHandlersSurviveLoadingLibfabric) {
  struct sigaction before[3], after[3];
  const int sigs[] = {SIGSEGV, SIGABRT, SIGINT};
  for (int i = 0; i < 3; ++i) sigaction(sigs[i], nullptr, &before[i]);
  open_fabric();
  for (int i = 0; i < 3; ++i) {
    sigaction(sigs[i], nullptr, &after[i]);
    EXPECT_EQ(after[i].sa_handler, before[i].sa_handler) << "signal " << sigs[i];
  }
  EXPECT_NE(std::getenv("HFI_NO_BACKTRACE"), nullptr);
}

TEST(FabricLoader, CrashAfterLoadingIsACrashAndLeavesNoBacktraceFile) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const fs::path dir = fs::temp_directory_path() / ("renoir-btr-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path old = fs::current_path();
  fs::current_path(dir);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizer's own handler reports the crash and exits (ASan with 1, TSan with 66): it
  // must still be the one in place.
#if defined(__SANITIZE_ADDRESS__)
  const char* const report = "AddressSanitizer: SEGV";
#else
  const char* const report = "ThreadSanitizer: SEGV";
#endif
  EXPECT_EXIT(
      {
        open_fabric();
        std::raise(SIGSEGV);
      },
      [](int status) { return WIFEXITED(status) && WEXITSTATUS(status) != 0; }, report);
#else
  EXPECT_EXIT(
      {
        open_fabric();
        std::raise(SIGSEGV);
      },
      ::testing::KilledBySignal(SIGSEGV), "");
#endif
  EXPECT_EXIT(
      {
        open_fabric();
        std::abort();
      },
      ::testing::KilledBySignal(SIGABRT), "");
  fs::current_path(old);
  EXPECT_EQ(btr_files(dir), std::vector<std::string>{});
  fs::remove_all(dir);
}

}  // namespace
}  // namespace renoir::transport
