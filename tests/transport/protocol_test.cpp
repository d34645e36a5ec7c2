// The backend-independent protocol (transport/protocol_transport.hpp) on a scripted wire: what
// a peer's frames can make a transport queue or deliver. Regression tests for what
// tests/fuzz/protocol_fuzz.cpp found.
#include <renoir/transport/handshake.hpp>
#include <renoir/transport/inprocess_transport.hpp>
#include <renoir/transport/protocol_transport.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace renoir::transport::detail {
namespace {

using Bytes = std::vector<std::byte>;
constexpr std::uint32_t kWindow = 8;

// A transport whose wire is the test: sent frames are recorded, received ones injected.
class ScriptedTransport final : public ProtocolTransport {
 public:
  ScriptedTransport() : ProtocolTransport(config()) {
    try {
      connect_all(std::chrono::milliseconds(0));  // sends its hellos, then times out
    } catch (const TimeoutError&) {
    }
  }
  struct Sent {
    PeerId to;
    FrameType type;
    Bytes payload;
  };
  std::vector<Sent> sent;
  bool congested = false;

  void receive(PeerId from, FrameType type, std::span<const std::byte> payload) {
    FrameHeader h;
    h.type = type;
    h.source = from;
    Bytes frame(kHeaderSize + payload.size());
    encode_header(h, frame.data());
    std::copy(payload.begin(), payload.end(), frame.begin() + kHeaderSize);
    std::lock_guard lock(mutex_);
    on_frame(from, frame);
  }
  std::size_t count(PeerId to, FrameType type) const {
    std::size_t n = 0;
    for (const Sent& s : sent) n += s.to == to && s.type == type;
    return n;
  }
  Bytes nonce() const {
    for (const Sent& s : sent)
      if (s.type == FrameType::hello) return s.payload;
    return {};
  }

 private:
  static TransportConfig config() {
    TransportConfig c;
    c.peers = {"127.0.0.1:9000", "127.0.0.1:9001"};
    c.self = 0;
    c.secret = "s3cret";
    c.credits = kWindow;
    return c;
  }
  WireStatus wire_send(PeerId to, const FrameHeader& h, std::span<const std::byte> p) override {
    if (congested) return WireStatus::again;
    sent.push_back({to, h.type, Bytes(p.begin(), p.end())});
    return WireStatus::sent;
  }
  void wire_progress() override {}
  bool wire_idle() const override { return true; }
  void wire_wait(Clock::time_point, unsigned) override {}
};

// Peer 1 proves the secret to `t`.
void authenticate(ScriptedTransport& t) {
  Authenticator peer("s3cret", 1);
  t.receive(1, FrameType::proof, peer.prove(t.nonce(), 0));
}

TEST(Protocol, ControlFramesStayFewWhileTheWireIsCongested) {
  ScriptedTransport t;
  authenticate(t);
  Authenticator peer("s3cret", 1);
  t.congested = true;
  for (int i = 0; i < 1000; ++i) t.receive(1, FrameType::hello, peer.nonce());  // a retrying peer
  for (std::uint32_t i = 0; i < kWindow; ++i) {
    t.receive(1, FrameType::data, Bytes(3, std::byte{1}));
    std::vector<Delivery> out;
    EXPECT_EQ(t.poll(out), 1u);  // each consumed message returns its credit
  }
  EXPECT_FALSE(t.flush(std::chrono::milliseconds(0)));
  t.congested = false;
  ASSERT_TRUE(t.flush(std::chrono::milliseconds(0)));
  // One proof, and one credit frame returning them all: not a frame per hello or per batch.
  EXPECT_EQ(t.count(1, FrameType::proof), 1u);
  ASSERT_EQ(t.count(1, FrameType::credit), 1u);
  std::uint32_t credits = 0;
  for (const auto& s : t.sent)
    if (s.type == FrameType::credit) std::memcpy(&credits, s.payload.data(), sizeof credits);
  EXPECT_EQ(credits, kWindow);
}

TEST(Protocol, DataBeyondTheCreditWindowIsDropped) {
  ScriptedTransport t;
  authenticate(t);
  for (std::uint32_t i = 0; i < kWindow + 5; ++i) t.receive(1, FrameType::data, Bytes(1, std::byte(i)));
  std::vector<Delivery> out;
  EXPECT_EQ(t.poll(out), kWindow) << "a peer may have only its window in flight";
  auto errors = t.take_errors();
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_NE(errors[0].find("sent more than its 8 credits allow"), std::string::npos) << errors[0];
  // Once the credits went back, the peer may send again.
  t.receive(1, FrameType::data, Bytes(1, std::byte{42}));
  EXPECT_EQ(t.poll(out), 1u);
  EXPECT_EQ(out.back().payload, Bytes(1, std::byte{42}));
}

TEST(Protocol, NothingFromAPeerBeforeItsProof) {
  ScriptedTransport t;
  t.receive(1, FrameType::data, Bytes(1, std::byte{1}));
  t.receive(1, FrameType::proof, Bytes(32, std::byte{0}));  // wrong
  authenticate(t);                                          // too late: it failed
  t.receive(1, FrameType::data, Bytes(1, std::byte{2}));
  std::vector<Delivery> out;
  EXPECT_EQ(t.poll(out), 0u);
  EXPECT_EQ(t.take_errors().size(), 3u);
}

// A process at an address outside the peer list used to be believed about who it is: with the
// in-process hub (which knows every sender), it could pass its data off as a verified peer's.
TEST(InProcessTransport, FramesFromOutsideThePeerListAreDropped) {
  auto hub = std::make_shared<InProcessHub>();
  auto config = [](PeerId self, std::vector<std::string> peers) {
    TransportConfig c;
    c.peers = std::move(peers);
    c.self = self;
    c.secret = "s3cret";
    return c;
  };
  const std::vector<std::string> peers{"127.0.0.1:9000", "127.0.0.1:9001"};
  InProcessTransport a(hub, config(0, peers)), b(hub, config(1, peers));
  std::thread connecting([&] { b.connect_all(std::chrono::seconds(10)); });
  a.connect_all(std::chrono::seconds(10));
  connecting.join();
  // Peer 1 of its own list, at another address.
  InProcessTransport rogue(hub, config(1, {"127.0.0.1:9000", "127.0.0.1:9999"}));
  EXPECT_THROW(rogue.connect_all(std::chrono::milliseconds(0)), TimeoutError);
  ASSERT_TRUE(rogue.try_send(0, 1, 0, std::as_bytes(std::span("forged", 6))));
  ASSERT_TRUE(b.try_send(0, 1, 0, std::as_bytes(std::span("real", 4))));
  std::vector<Delivery> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (got.empty() && std::chrono::steady_clock::now() < deadline) a.wait(got, std::chrono::milliseconds(10));
  a.wait(got, std::chrono::milliseconds(50));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload.size(), 4u) << "the forged message was delivered";
  auto errors = a.take_errors();
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].find("dropped a frame from 127.0.0.1:9999, which is not a peer"), std::string::npos)
      << errors[0];
}

}  // namespace
}  // namespace renoir::transport::detail
