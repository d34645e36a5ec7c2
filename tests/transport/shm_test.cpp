// Tests the libfabric shm backend against the ways libfabric 1.17's shm crashed or hung us:
// peers starting late, a second process on an address, regions left by dead processes, regions
// not initialized yet (see transport/shm_claim.hpp).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <random>
#include <renoir/transport/fabric_transport.hpp>
#include <thread>

#include "ports.hpp"

namespace renoir::transport {
namespace {

using namespace std::chrono_literals;
constexpr const char* kSecret = "shm-test-secret";

class Shm : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = test::fresh_port_base(4);
    peers_ = {"127.0.0.1:" + std::to_string(base_), "127.0.0.1:" + std::to_string(base_ + 1)};
    try {  // a third address, only to see whether shm works here
      FabricTransport probe({{"127.0.0.1:" + std::to_string(base_ + 2)}, 0, kSecret}, {"shm"});
    } catch (const TransportError& e) {
      GTEST_SKIP() << "shm unavailable here: " << e.what();
    }
  }
  void TearDown() override {  // what a killed process may have left
    for (auto& p : peers_) {
      ::shm_unlink(p.c_str());
      ::unlink(("/dev/shm/" + p + ".renoir-lock").c_str());
    }
  }

  // Starts tests/transport/shm_peer.cpp as peer `self` of peers_.
  pid_t spawn_peer(PeerId self, const char* mode) {
    const std::string id = std::to_string(self);
    const char* argv[] = {RENOIR_SHM_PEER, id.c_str(), peers_[0].c_str(), peers_[1].c_str(), mode,
                          nullptr};
    pid_t pid = -1;
    EXPECT_EQ(::posix_spawn(&pid, RENOIR_SHM_PEER, nullptr, nullptr, const_cast<char**>(argv),
                            environ),
              0);
    return pid;
  }
  static std::string wait_status(pid_t pid) {
    int status = 0;
    if (pid <= 0 || ::waitpid(pid, &status, 0) != pid) return "not started";
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "exited with " + std::to_string(WEXITSTATUS(status));
  }

  std::unique_ptr<FabricTransport> make(PeerId self) {
    return std::make_unique<FabricTransport>(TransportConfig{peers_, self, kSecret},
                                             FabricOptions{"shm", 8});
  }

  // Connects both peers (each on its own thread) and sends one message each way.
  static void connect_and_exchange(Transport& a, Transport& b) {
    auto run = [](Transport& t) {
      try {
        t.connect_all(5s);
        const std::byte hello[] = {std::byte(0x42), std::byte(t.self())};
        t.send(1 - t.self(), 7, 1, hello, 5s);
        std::vector<Delivery> got;
        t.wait(got, 5s);
        ASSERT_EQ(got.size(), 1u) << "peer " << t.self();
        EXPECT_EQ(got[0].payload.size(), 2u);
        EXPECT_EQ(got[0].payload[1], std::byte(1 - t.self()));
        EXPECT_TRUE(t.flush(5s));
        // Keep driving progress a little: the other side may still need ours.
        std::vector<Delivery> extra;
        t.wait(extra, 100ms);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "peer " << t.self() << ": " << e.what();
      }
    };
    std::thread ta([&] { run(a); });
    std::thread tb([&] { run(b); });
    ta.join();
    tb.join();
  }

  std::uint16_t base_ = 0;
  std::vector<std::string> peers_;
};

// Eagerly inserting a peer that does not exist yet crashed libfabric (SIGSEGV in its progress
// engine) as soon as that peer connected: 10 crashes in 10 runs.
TEST_F(Shm, PeerStartingLateIsReachedWithoutCrash) {
  auto a = make(0);
  std::unique_ptr<FabricTransport> b;
  std::thread early([&] {
    try {
      a->connect_all(200ms);  // b does not exist: a's hellos fail, nothing may crash
      ADD_FAILURE() << "connected to a peer that does not exist";
    } catch (const TimeoutError& e) {
      EXPECT_NE(std::string(e.what()).find(peers_[1]), std::string::npos) << e.what();
    }
  });
  early.join();
  b = make(1);
  connect_and_exchange(*a, *b);
}

// A second process on an address in use used to fail in fi_enable and unlink the owner's
// region on its way out; the owner's peers in other processes then crashed (SIGSEGV) when the
// owner connected to them. The second owner must be refused without touching the first.
TEST_F(Shm, SecondOwnerOfAnAddressIsRefusedAndPeersDoNotCrash) {
  auto a = make(0);
  try {
    auto dup = make(0);
    FAIL() << "two transports own " << peers_[0];
  } catch (const TransportError& e) {
    EXPECT_NE(std::string(e.what()).find("already in use"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(::getpid())), std::string::npos)
        << e.what();
  }
  // Peer 1 in a process of its own.
  const pid_t child = spawn_peer(1, "echo");
  std::vector<Delivery> got;
  try {
    a->connect_all(5s);
    const std::byte ping[] = {std::byte(7)};
    a->send(1, 7, 1, ping, 5s);
    a->wait(got, 5s);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
  EXPECT_EQ(got.size(), 1u) << "no echo from the peer process";
  EXPECT_EQ(wait_status(child), "exited with 0");
}

// A process killed while it owned an address leaves its region behind: the next owner of the
// address takes it over (it used to fail with EBUSY), and peers never map the dead region.
TEST_F(Shm, RegionOfAKilledProcessIsTakenOver) {
  ASSERT_EQ(wait_status(spawn_peer(1, "die")), "killed by signal 9");
  ASSERT_TRUE(std::filesystem::exists("/dev/shm/" + peers_[1])) << "the killed process left no region";
  auto a = make(0);
  EXPECT_THROW(a->connect_all(200ms), TimeoutError);  // the dead region is not a peer
  auto b = make(1);
  connect_and_exchange(*a, *b);
}

// A region that exists but is not initialized yet (its owner is still creating it) must not go
// into the address vector: libfabric would keep it as a NULL region and crash on connect.
TEST_F(Shm, RegionNotInitializedYetIsNotInserted) {
  {
    const int fd = ::shm_open(peers_[1].c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    ASSERT_EQ(::ftruncate(fd, 4096), 0);
    ::close(fd);
  }
  auto a = make(0);
  EXPECT_THROW(a->connect_all(200ms), TimeoutError);
  auto b = make(1);
  connect_and_exchange(*a, *b);
}

// Closing a transport removes its region and its lock file.
TEST_F(Shm, CloseRemovesRegionAndLockFile) {
  {
    auto a = make(0);
    auto b = make(1);
    connect_and_exchange(*a, *b);
    EXPECT_TRUE(std::filesystem::exists("/dev/shm/" + peers_[0] + ".renoir-lock"));
  }
  EXPECT_FALSE(std::filesystem::exists("/dev/shm/" + peers_[0]));
  EXPECT_FALSE(std::filesystem::exists("/dev/shm/" + peers_[0] + ".renoir-lock"));
}

// libfabric's shm keeps a dangling region for an address closed in this process; an endpoint
// of the same process that looked it up again spun forever on unmapped memory (the 80 s hang
// of the looped conformance suite). It must fail, quickly and saying why.
TEST_F(Shm, AddressReopenedInTheSameProcessFailsClearlyInsteadOfHanging) {
  {
    auto a = make(0);
    auto b = make(1);
    connect_and_exchange(*a, *b);
  }
  auto a = make(0);
  auto b = make(1);
  const auto start = std::chrono::steady_clock::now();
  try {
    b->connect_all(500ms);
    FAIL() << "connected to an address reopened in the same process";
  } catch (const TimeoutError& e) {
    EXPECT_NE(std::string(e.what()).find("used that shm address before"), std::string::npos)
        << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

}  // namespace
}  // namespace renoir::transport
