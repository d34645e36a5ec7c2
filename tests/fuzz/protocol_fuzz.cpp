// Fuzzes the transport protocol (transport/frame.hpp, ProtocolTransport::on_frame): a script of
// frames from any claimed source (raw bytes, or well-formed hellos, proofs, credits and data
// with the fuzzer's fields), interleaved with the user's calls. A model checks that data is
// delivered exactly when its claimed sender proved the secret, in order, intact; that credits
// stay within the window; that lent receive buffers are given back once; and that nothing the
// wire sends or keeps grows without bound.
#include <fuzzer/FuzzedDataProvider.h>

#include <renoir/transport/frame.hpp>
#include <renoir/transport/handshake.hpp>
#include <renoir/transport/protocol_transport.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace rt = renoir::transport;
namespace rd = renoir::transport::detail;
using Bytes = std::vector<std::byte>;

namespace {

constexpr std::size_t kPeers = 3;
constexpr std::uint32_t kWindow = 4;
constexpr std::size_t kMaxMessage = 64;
const char* const kSecret = "fuzz-secret";

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "protocol fuzz: %s\n", what);
  std::abort();
}
void require(bool ok, const char* what) {
  if (!ok) fail(what);
}

// A backend whose wire is this harness: frames it sends are recorded, frames it receives are
// handed to on_frame() directly, possibly lending the buffer.
class FuzzTransport final : public rd::ProtocolTransport {
 public:
  explicit FuzzTransport(rt::TransportConfig config) : ProtocolTransport(std::move(config)) {}

  struct Sent {
    rt::PeerId to;
    rd::FrameHeader header;
    Bytes payload;
  };
  std::vector<Sent> sent;
  bool congested = false;  // wire_send says `again`
  std::map<void*, std::unique_ptr<Bytes>> lent;  // buffers on_frame() kept

  void receive(std::optional<rt::PeerId> wire_source, const Bytes& frame, bool lend) {
    std::lock_guard lock(mutex_);
    if (!lend) {
      on_frame(wire_source, frame);
      return;
    }
    // A heap copy per frame: if the transport touches it after giving it back (or after
    // refusing it), ASan reports a use after free.
    auto buffer = std::make_unique<Bytes>(frame);
    void* token = buffer.get();
    if (on_frame(wire_source, *buffer, token)) lent.emplace(token, std::move(buffer));
  }

 private:
  WireStatus wire_send(rt::PeerId to, const rd::FrameHeader& header,
                       std::span<const std::byte> payload) override {
    if (congested) return WireStatus::again;
    require(sent.size() < 100000, "the transport sends without end");
    sent.push_back({to, header, Bytes(payload.begin(), payload.end())});
    return WireStatus::sent;
  }
  void wire_progress() override {}
  bool wire_idle() const override { return true; }
  void wire_wait(Clock::time_point, unsigned) override {}
  void wire_release(void* token) override {
    require(lent.erase(token) == 1, "a receive buffer was released twice, or never lent");
  }
};

struct Expected {
  rt::PeerId source;
  rt::ChannelId channel;
  rt::Tag kind;
  Bytes payload;
};

enum class Auth { pending, verified, failed };

Bytes frame(rd::FrameType type, rt::PeerId source, rt::ChannelId channel, rt::Tag kind,
            std::span<const std::byte> payload) {
  rd::FrameHeader h;
  h.type = type;
  h.source = source;
  h.channel = channel;
  h.kind = kind;
  Bytes out(rd::kHeaderSize + payload.size());
  rd::encode_header(h, out.data());
  std::copy(payload.begin(), payload.end(), out.begin() + rd::kHeaderSize);
  return out;
}

class Harness {
 public:
  explicit Harness(FuzzedDataProvider& in) : in_(in) {
    self_ = in_.ConsumeIntegralInRange<rt::PeerId>(0, kPeers - 1);
    rt::TransportConfig c;
    for (std::size_t p = 0; p < kPeers; ++p) c.peers.push_back("127.0.0.1:" + std::to_string(9000 + p));
    c.self = self_;
    c.secret = kSecret;
    c.credits = kWindow;
    c.max_message_size = kMaxMessage;
    t_ = std::make_unique<FuzzTransport>(std::move(c));
    for (rt::PeerId p = 0; p < kPeers; ++p) others_.emplace_back(kSecret, p);
    try {
      t_->connect_all(std::chrono::milliseconds(0));  // sends the hellos, then times out
    } catch (const rt::TimeoutError&) {
    }
    for (const auto& s : t_->sent)
      if (s.header.type == rd::FrameType::hello) nonce_.assign(s.payload.begin(), s.payload.end());
    require(nonce_.size() == sizeof(rd::Nonce), "connect_all() sent no hello");
  }

  // The script: see make_seeds.py for its encoding (what FuzzedDataProvider reads where).
  void run() {
    while (in_.remaining_bytes() > 0) step();
    check_credits();
  }

 private:
  rt::PeerId peer() { return in_.ConsumeIntegralInRange<rt::PeerId>(0, kPeers); }  // kPeers: none
  Bytes bytes(std::size_t max) { return in_.ConsumeBytes<std::byte>(in_.ConsumeIntegralInRange<std::size_t>(0, max)); }

  // What the fabric reports as the sender: unknown, the claimed source, or another one.
  std::optional<rt::PeerId> wire_source(rt::PeerId claimed) {
    switch (in_.ConsumeIntegralInRange(0, 2)) {
      case 0: return std::nullopt;
      case 1: return claimed < kPeers ? std::optional(claimed) : std::nullopt;
      default: return in_.ConsumeIntegralInRange<rt::PeerId>(0, kPeers - 1);
    }
  }

  void deliver(std::optional<rt::PeerId> wire, const Bytes& f) {
    model(wire, f);
    const bool lend = in_.ConsumeBool();
    t_->receive(wire, f, lend);
  }

  // What the transport must do with `f`, independently of its code.
  void model(std::optional<rt::PeerId> wire, const Bytes& f) {
    if (f.size() < rd::kHeaderSize) return;
    rd::FrameHeader h;
    std::memcpy(&h, f.data(), rd::kHeaderSize);
    if (h.magic != rd::FrameHeader::kMagic || h.version != rd::FrameHeader::kVersion) return;
    if (h.source >= kPeers || h.source == self_ || (wire && *wire != h.source)) return;
    const std::span<const std::byte> payload(f.data() + rd::kHeaderSize, f.size() - rd::kHeaderSize);
    if (h.type == rd::FrameType::proof && auth_[h.source] == Auth::pending) {
      const auto proof = others_[h.source].prove(nonce_, self_);
      auth_[h.source] = std::equal(payload.begin(), payload.end(), proof.begin(), proof.end())
                            ? Auth::verified
                            : Auth::failed;
    } else if (h.type == rd::FrameType::data && auth_[h.source] == Auth::verified &&
               in_flight_[h.source] < kWindow) {  // a peer never has more than its window
      ++in_flight_[h.source];
      expected_.push_back({h.source, h.channel, h.kind, Bytes(payload.begin(), payload.end())});
    }
  }

  void check(const rt::PeerId source, rt::ChannelId channel, rt::Tag kind,
             std::span<const std::byte> payload) {
    // The window is 4, so every consumed message's credit goes back at the end of the call.
    if (source != self_) --in_flight_[source];
    require(!expected_.empty(), "delivered a message that should have been dropped");
    const Expected& e = expected_.front();
    require(source == e.source, "delivered a message from the wrong source");
    require(auth_[source] == Auth::verified || source == self_, "delivered unauthenticated data");
    require(channel == e.channel && kind == e.kind, "a message's channel or kind changed");
    require(std::equal(payload.begin(), payload.end(), e.payload.begin(), e.payload.end()),
            "a message's payload changed");
    expected_.pop_front();
    ++delivered_;
  }

  void check_credits() {
    for (rt::PeerId p = 0; p < kPeers; ++p) require(t_->available_credits(p) <= kWindow, "credits above the window");
  }

  // Control frames (hellos, proofs, credits) wait while the wire is congested: a bounded
  // number of them per peer, however many frames came in meanwhile.
  void step() {
    const std::size_t before = t_->sent.size();
    const std::size_t delivered = delivered_;
    op();
    if (verbose())
      std::fprintf(stderr, "op %d: %zu delivered, %zu frames sent, auth %d %d %d\n", last_op_,
                   delivered_ - delivered, t_->sent.size() - before, int(auth_[0]), int(auth_[1]),
                   int(auth_[2]));
    std::size_t control = 0;
    for (std::size_t i = before; i < t_->sent.size(); ++i) control += t_->sent[i].header.type != rd::FrameType::data;
    require(control <= 3 * kPeers, "control frames pile up while the wire is congested");
    check_credits();
  }

  static bool verbose() {  // RENOIR_FUZZ_VERBOSE=1: trace a script (seeds, crashes)
    static const bool on = std::getenv("RENOIR_FUZZ_VERBOSE") != nullptr;
    return on;
  }

  void op() {
    switch (last_op_ = in_.ConsumeIntegralInRange(0, 12)) {
      case 0: {  // raw bytes
        const rt::PeerId claimed = peer();
        const auto wire = wire_source(claimed);
        deliver(wire, bytes(48));
        break;
      }
      case 1: {  // a header with the fuzzer's fields
        const auto type = static_cast<rd::FrameType>(in_.ConsumeIntegralInRange(0, 5));
        const rt::PeerId source = peer();
        const auto channel = in_.ConsumeIntegral<rt::ChannelId>();
        const auto kind = in_.ConsumeIntegral<rt::Tag>();
        const auto wire = wire_source(source);
        deliver(wire, frame(type, source, channel, kind, bytes(40)));
        break;
      }
      case 2: {  // the right proof of a peer
        const rt::PeerId p = peer() % kPeers;
        const auto wire = wire_source(p);
        deliver(wire, frame(rd::FrameType::proof, p, 0, 0, others_[p].prove(nonce_, self_)));
        break;
      }
      case 3: {  // the hello of a peer
        const rt::PeerId p = peer() % kPeers;
        const auto wire = wire_source(p);
        deliver(wire, frame(rd::FrameType::hello, p, 0, 0, others_[p].nonce()));
        break;
      }
      case 4: {  // credits
        const rt::PeerId p = peer() % kPeers;
        const auto n = in_.ConsumeIntegral<std::uint32_t>();
        const auto wire = wire_source(p);
        deliver(wire, frame(rd::FrameType::credit, p, 0, 0, std::as_bytes(std::span(&n, 1))));
        break;
      }
      case 5: {  // data
        const rt::PeerId p = peer() % kPeers;
        const auto channel = in_.ConsumeIntegralInRange<rt::ChannelId>(0, 3);
        const auto wire = wire_source(p);
        deliver(wire, frame(rd::FrameType::data, p, channel, 7, bytes(kMaxMessage)));
        break;
      }
      case 6: {
        std::vector<rt::Delivery> out;
        t_->poll(out, in_.ConsumeIntegralInRange<std::size_t>(0, 8));
        for (const auto& m : out) check(m.source, m.channel, m.kind, m.payload);
        break;
      }
      case 7: {  // poll_each, with a handler that may throw
        const std::size_t max = in_.ConsumeIntegralInRange<std::size_t>(0, 8);
        const std::size_t throw_at = in_.ConsumeIntegralInRange<std::size_t>(0, 9);
        std::size_t seen = 0;
        try {
          t_->poll_each([&](const rt::DeliveryView& v) {
            if (seen == throw_at) throw std::runtime_error("handler");
            check(v.source, v.channel, v.kind, v.payload);
            ++seen;
          }, max);
        } catch (const std::runtime_error&) {
        }
        break;
      }
      case 8: {
        const rt::PeerId to = peer() % kPeers;
        const auto channel = in_.ConsumeIntegralInRange<rt::ChannelId>(0, 3);
        const Bytes payload = bytes(kMaxMessage);
        if (t_->try_send(to, channel, 5, payload) && to == self_)
          expected_.push_back({self_, channel, 5, payload});
        break;
      }
      case 9:
        require(t_->take_errors().size() <= 257, "errors pile up");
        break;
      case 10:
        t_->congested = !t_->congested;
        break;
      case 11:
        t_->flush(std::chrono::milliseconds(0));
        break;
      default:
        try {
          t_->connect_all(std::chrono::milliseconds(0));
        } catch (const rt::TransportError&) {
        }
        break;
    }
  }

  FuzzedDataProvider& in_;
  rt::PeerId self_ = 0;
  std::unique_ptr<FuzzTransport> t_;
  std::vector<rd::Authenticator> others_;  // every peer's side of the handshake
  Bytes nonce_;                            // the transport's challenge
  Auth auth_[kPeers] = {};
  std::uint32_t in_flight_[kPeers] = {};  // data accepted from a peer, credit not returned
  std::deque<Expected> expected_;
  std::size_t delivered_ = 0;
  int last_op_ = -1;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  Harness(in).run();
  return 0;
}
