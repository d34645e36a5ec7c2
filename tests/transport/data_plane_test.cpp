// Bad data on the data plane: raw sockets and a rogue libfabric endpoint hit a peer's port while
// two real peers exchange messages. The real exchange must be unchanged; the intruders are
// refused (by libfabric for what is not libfabric, by us for frames from outside the job) and
// say so in one line each.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <random>
#include <renoir/transport/fabric_resources.hpp>
#include <renoir/transport/fabric_transport.hpp>
#include <renoir/transport/frame.hpp>
#include <renoir/transport/handshake.hpp>
#include <thread>

#include "ports.hpp"

namespace renoir::transport {
namespace {

using namespace std::chrono_literals;
constexpr const char* kSecret = "data-plane-secret";

// A TCP connection to 127.0.0.1:port that sends `bytes`, waits `hold`, then closes.
void raw_connection(std::uint16_t port, const std::vector<unsigned char>& bytes,
                    std::chrono::milliseconds hold) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    if (!bytes.empty()) (void)!::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    std::this_thread::sleep_for(hold);
  }
  ::close(fd);
}

// A libfabric RDM endpoint that is not a peer of the job but sends well-formed frames to one,
// with any header it likes: the strongest intruder that does not hold the secret.
class RogueEndpoint {
 public:
  RogueEndpoint(std::uint16_t own_port, std::uint16_t target_port) {
    using namespace detail;
    auto hints = make_rdm_hints("tcp", false);
    info_ = get_info(*hints, "127.0.0.1", std::to_string(own_port), FI_SOURCE);
    fabric_ = open_fabric(*info_);
    domain_ = open_domain(*fabric_, *info_);
    cq_ = open_cq(*domain_, 64);
    av_ = open_av(*domain_, 1);
    ep_ = open_endpoint(*domain_, *info_);
    check_fabric(fi_ep_bind(ep_.get(), &cq_->fid, FI_TRANSMIT | FI_RECV), "bind cq");
    check_fabric(fi_ep_bind(ep_.get(), &av_->fid, 0), "bind av");
    check_fabric(fi_enable(ep_.get()), "enable");
    auto dest = get_info(*hints, "127.0.0.1", std::to_string(target_port), 0);
    if (fi_av_insert(av_.get(), dest->dest_addr, 1, &target_, 0, nullptr) != 1)
      throw TransportError("rogue: fi_av_insert failed");
  }

  // Sends one frame claiming to come from `claimed` and waits for its completion.
  void send(detail::FrameType type, PeerId claimed, std::span<const std::byte> payload) {
    detail::FrameHeader h;
    h.type = type;
    h.source = claimed;
    h.channel = 5;
    std::vector<std::byte> frame(detail::kHeaderSize + payload.size());
    detail::encode_header(h, frame.data());
    if (!payload.empty()) std::memcpy(frame.data() + detail::kHeaderSize, payload.data(), payload.size());
    detail::FidPtr<fid_mr> mr;
    void* desc = nullptr;
    if (info_->domain_attr->mr_mode & FI_MR_LOCAL) {
      mr = detail::register_memory(*domain_, frame.data(), frame.size(), FI_SEND, next_key_++);
      desc = fi_mr_desc(mr.get());
    }
    fi_context2 ctx{};
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    ssize_t rc;
    while ((rc = fi_send(ep_.get(), frame.data(), frame.size(), desc, target_, &ctx)) == -FI_EAGAIN &&
           std::chrono::steady_clock::now() < deadline)
      drain();
    ASSERT_EQ(rc, 0) << "rogue fi_send: " << fi_strerror(static_cast<int>(-rc));
    for (bool done = false; !done && std::chrono::steady_clock::now() < deadline;) done = drain() > 0;
  }

 private:
  int drain() {
    fi_cq_msg_entry e[4];
    ssize_t n = fi_cq_read(cq_.get(), e, 4);
    if (n == -FI_EAVAIL) {
      fi_cq_err_entry err{};
      fi_cq_readerr(cq_.get(), &err, 0);
      return 1;
    }
    return n > 0 ? static_cast<int>(n) : 0;
  }
  detail::InfoPtr info_;
  detail::FidPtr<fid_fabric> fabric_;
  detail::FidPtr<fid_domain> domain_;
  detail::FidPtr<fid_cq> cq_;
  detail::FidPtr<fid_av> av_;
  detail::FidPtr<fid_ep> ep_;
  fi_addr_t target_ = FI_ADDR_NOTAVAIL;
  std::uint64_t next_key_ = 1;
};

bool contains(const std::vector<std::string>& v, const std::string& needle) {
  for (auto& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

TEST(DataPlane, IntrudersAreRefusedAndTheRealExchangeIsUnchanged) {
  const std::uint16_t base = test::fresh_port_base();
  const std::vector<std::string> peers{"127.0.0.1:" + std::to_string(base),
                                       "127.0.0.1:" + std::to_string(base + 1)};
  const bool routed = std::getenv("FI_LOG_LEVEL") == nullptr;
  testing::internal::CaptureStderr();
  FabricTransport a({peers, 0, kSecret}), b({peers, 1, kSecret});

  constexpr std::uint64_t kCount = 3000;
  std::atomic<bool> attacks_done{false};
  std::vector<std::string> errors_a;
  auto run = [&](Transport& t, std::vector<std::string>* errors) {
    t.connect_all(10s);
    std::uint64_t sent = 0, next_expected = 0;
    std::vector<Delivery> in;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    // Keep exchanging until the attacks are over, so that they hit a running exchange.
    while ((sent < kCount || next_expected < kCount || !attacks_done) &&
           std::chrono::steady_clock::now() < deadline) {
      if (sent < kCount) {
        std::uint64_t payload[4] = {sent, sent * 7, ~sent, 0x5eed};
        if (t.try_send(1 - t.self(), 9, 2, std::as_bytes(std::span(payload)))) ++sent;
      }
      in.clear();
      t.wait(in, 1ms);
      for (auto& m : in) {
        ASSERT_EQ(m.payload.size(), 32u) << "peer " << t.self() << " got a foreign message";
        std::uint64_t p[4];
        std::memcpy(p, m.payload.data(), 32);
        EXPECT_EQ(p[0], next_expected) << "peer " << t.self();
        EXPECT_TRUE(p[1] == p[0] * 7 && p[2] == ~p[0] && p[3] == 0x5eed) << "corrupt message " << p[0];
        EXPECT_EQ(m.source, 1 - t.self());
        EXPECT_EQ(m.channel, 9u);
        ++next_expected;
      }
      if (errors)
        for (auto& e : t.take_errors()) errors->push_back(e);
    }
    EXPECT_EQ(sent, kCount) << "peer " << t.self();
    EXPECT_EQ(next_expected, kCount) << "peer " << t.self();
    EXPECT_TRUE(t.flush(5s));
    std::this_thread::sleep_for(200ms);
    t.wait(in, 1ms);
    if (errors)
      for (auto& e : t.take_errors()) errors->push_back(e);
  };
  std::thread ta([&] { run(a, &errors_a); });
  std::thread tb([&] { run(b, nullptr); });

  std::thread attacker([&] {
    std::this_thread::sleep_for(100ms);
    std::mt19937 rng(42);
    std::vector<unsigned char> garbage(4096);
    for (auto& c : garbage) c = static_cast<unsigned char>(rng());
    std::thread silent([&] { raw_connection(base, {}, 1500ms); });  // opens and never speaks
    raw_connection(base, garbage, 100ms);
    raw_connection(base, std::vector<unsigned char>(4096, 0), 100ms);
    raw_connection(base, std::vector<unsigned char>(64, 0xff), 100ms);  // a huge length prefix
    raw_connection(base, {0x01, 0x00, 0x00}, 100ms);                     // a truncated header
    try {
      RogueEndpoint rogue(static_cast<std::uint16_t>(base + 2), base);
      const detail::Nonce nonce{};
      rogue.send(detail::FrameType::hello, 1, nonce);
      // A proof recorded from another run (another nonce): must not count, nor fail peer 1.
      const detail::Digest old_proof = detail::Authenticator(kSecret, 1).prove(nonce, 0);
      rogue.send(detail::FrameType::proof, 1, old_proof);
      const std::byte forged[32] = {};
      for (int i = 0; i < 3; ++i) rogue.send(detail::FrameType::data, 1, forged);
      rogue.send(detail::FrameType::credit, 1, std::as_bytes(std::span("\xff\xff\xff\x7f", 4)));
      rogue.send(detail::FrameType::hello, 1, std::span<const std::byte>());  // truncated hello
    } catch (const std::exception& e) {
      ADD_FAILURE() << "rogue endpoint: " << e.what();
    }
    silent.join();
    attacks_done = true;
  });
  attacker.join();
  ta.join();
  tb.join();
  const std::string err = testing::internal::GetCapturedStderr();

  EXPECT_TRUE(contains(errors_a, "not a peer of this job"))
      << "peer 0 reported: " << (errors_a.empty() ? "nothing" : errors_a.front());
  EXPECT_FALSE(contains(errors_a, "failed authentication")) << "an old proof failed a real peer";
  if (routed) {
    EXPECT_NE(err.find("renoir: libfabric tcp: "), std::string::npos) << "stderr: " << err;
    EXPECT_EQ(err.find("libfabric:"), std::string::npos) << "libfabric's own format leaked: " << err;
  }
  EXPECT_EQ(err.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace renoir::transport
