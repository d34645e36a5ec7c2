// The transport interface: peers of a job exchange small-header byte messages, with
// authentication at connect time and credit-based flow control per (sender, receiver) pair.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace renoir::transport {

/// A process of the job: an index into TransportConfig::peers.
using PeerId = std::uint32_t;
/// Destination endpoint of a message, chosen by the upper layer (e.g. one (block, replica) edge).
using ChannelId = std::uint32_t;
/// The upper layer's tag of a message, opaque to the transport (the engine tells its data from
/// its control messages, credits and end of job, by it).
using Tag = std::uint16_t;

/// Every error the transport throws. Messages name peers by index and address, never the secret.
struct TransportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// connect_all() could not reach some peer, or a blocking call ran out of time.
struct TimeoutError : TransportError {
  using TransportError::TransportError;
};
/// A peer failed to prove that it holds the job secret (or we failed to prove it to the peer).
struct AuthError : TransportError {
  using TransportError::TransportError;
};
/// A peer that had talked to us sent nothing, not even a heartbeat, for TransportConfig::peer_timeout:
/// it is stopped, hung, crashed without closing, or cut off from the network.
struct PeerLostError : TransportError {
  using TransportError::TransportError;
};

/// One received message.
struct Delivery {
  PeerId source = 0;
  ChannelId channel = 0;
  Tag kind = 0;
  std::vector<std::byte> payload;
};

/// A received message whose payload is borrowed from the transport's receive buffer: valid
/// only until the handler given to poll_each() returns (no copy, for deserializing in place).
struct DeliveryView {
  PeerId source = 0;
  ChannelId channel = 0;
  Tag kind = 0;
  std::span<const std::byte> payload;
};

/// A non-owning callback for poll_each(): fn(ctx, view) per message.
struct DeliveryVisitor {
  void* ctx;
  void (*fn)(void* ctx, const DeliveryView& view);
};

/// What every peer of a job agrees on, plus which peer this process is.
struct TransportConfig {
  /// "host:port" of every peer, in the same order on every peer ("[::1]:9000" for IPv6).
  std::vector<std::string> peers;
  /// Index of this process in `peers`.
  PeerId self = 0;
  /// The job secret every peer must prove it holds. Never logged nor put in a message.
  std::string secret;
  /// Messages a sender may have in flight to one receiver before it must wait for credits.
  std::uint32_t credits = 64;
  /// Largest payload accepted by send(); larger ones are rejected with std::invalid_argument.
  std::size_t max_message_size = std::size_t{1} << 20;
  /// A heartbeat goes to every authenticated peer that got nothing else from us for this long
  /// (while this process calls into the transport; the engine's network thread always does).
  std::chrono::milliseconds heartbeat_interval{500};
  /// A peer that sent us anything, is not released, and then sent nothing at all for this long
  /// is lost (also while connecting): every later call throws PeerLostError naming it. Zero
  /// disables the check.
  std::chrono::milliseconds peer_timeout{5000};
};

/// A connection of this process to all the peers of a job. Every method may be called from any
/// thread (calls are serialized internally). Call connect_all() before sending.
///
/// Progress is manual: bytes move, credits come back and peers' handshakes are answered only
/// inside calls to this object. A process must keep calling poll()/wait() (its receive loop
/// does), and flush() before it stops, or its last messages may never leave.
class Transport {
 public:
  virtual ~Transport() = default;

  /// This process's index.
  virtual PeerId self() const = 0;
  /// Number of peers of the job (including this one).
  virtual std::size_t num_peers() const = 0;
  /// "host:port" of `peer`, as configured.
  virtual const std::string& address(PeerId peer) const = 0;

  /// Authenticates with every other peer (both directions). Returns when all did; throws
  /// TimeoutError naming the addresses not reached within `timeout`, or AuthError naming a
  /// peer whose proof of the secret did not match.
  virtual void connect_all(std::chrono::milliseconds timeout) = 0;

  /// Sends one message to `to` (which may be self) without blocking. Returns false when `to`
  /// has not returned enough credits yet (it is not consuming) or the backend is out of
  /// resources; retry later. Throws std::invalid_argument above max_message_size,
  /// std::logic_error before connect_all(). The payload is copied before returning.
  virtual bool try_send(PeerId to, ChannelId channel, Tag kind,
                        std::span<const std::byte> payload) = 0;
  /// As try_send(), but waits up to `timeout` for credits; throws TimeoutError after that.
  virtual void send(PeerId to, ChannelId channel, Tag kind,
                    std::span<const std::byte> payload, std::chrono::milliseconds timeout) = 0;

  /// Appends up to `max` received messages to `out` without blocking; returns how many. Order
  /// is preserved per sender. Consuming a message gives its credit back to the sender.
  virtual std::size_t poll(std::vector<Delivery>& out, std::size_t max = SIZE_MAX) = 0;
  /// As poll(), but waits up to `timeout` for at least one message. Returns 0 on timeout.
  virtual std::size_t wait(std::vector<Delivery>& out, std::chrono::milliseconds timeout,
                           std::size_t max = SIZE_MAX) = 0;
  /// As poll(), but calls `handler(const DeliveryView&)` for each message instead of copying
  /// its payload out; the credit goes back once the handler returned. The handler runs without
  /// the transport's lock (it may send). If it throws, the messages not yet handled stay queued.
  /// Per-sender order holds when one thread at a time consumes.
  template <class Handler>
  std::size_t poll_each(Handler&& handler, std::size_t max = SIZE_MAX) {
    using H = std::remove_reference_t<Handler>;
    auto call = [](void* ctx, const DeliveryView& view) { (*static_cast<H*>(ctx))(view); };
    void* ctx = const_cast<void*>(static_cast<const void*>(std::addressof(handler)));
    return poll_views(DeliveryVisitor{ctx, call}, max);
  }
  /// As poll_each(), but waits up to `timeout` for at least one message. Returns 0 on timeout.
  template <class Handler>
  std::size_t wait_each(Handler&& handler, std::chrono::milliseconds timeout, std::size_t max = SIZE_MAX) {
    using H = std::remove_reference_t<Handler>;
    auto call = [](void* ctx, const DeliveryView& view) { (*static_cast<H*>(ctx))(view); };
    void* ctx = const_cast<void*>(static_cast<const void*>(std::addressof(handler)));
    return wait_views(DeliveryVisitor{ctx, call}, timeout, max);
  }
  /// poll_each() and wait_each() behind a function pointer: what backends implement.
  virtual std::size_t poll_views(DeliveryVisitor visitor, std::size_t max) = 0;
  virtual std::size_t wait_views(DeliveryVisitor visitor, std::chrono::milliseconds timeout, std::size_t max) = 0;

  /// Drives progress until every message sent so far has left this process (call it before
  /// destroying the transport). Returns false if that took longer than `timeout`.
  virtual bool flush(std::chrono::milliseconds timeout) = 0;

  /// The upper layer expects nothing more from `peer` (it said it finished): from now on its
  /// silence, or its going away, is not an error.
  virtual void release(PeerId peer) = 0;
  /// What this process is doing, in a few words (at most 48 bytes are kept): heartbeats carry
  /// it, so that peers can say what we were doing if we go silent.
  virtual void set_status(std::string_view status) = 0;

  /// Errors seen since the last call: rejected data from unauthenticated peers, failed sends.
  virtual std::vector<std::string> take_errors() = 0;
  /// The largest payload try_send() and send() accept: TransportConfig::max_message_size, or
  /// less where the backend delivers larger messages out of order (libfabric's rxm above its
  /// eager limit).
  virtual std::size_t max_message_size() const = 0;
  /// Credits left for sending to `peer` (for tests and metrics).
  virtual std::uint32_t available_credits(PeerId peer) const = 0;
};

}  // namespace renoir::transport
