// The backend-independent half of every transport: handshake, credits, delivery queue and
// errors, on top of a minimal "wire" (send one frame, progress, wait) that each backend provides.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "renoir/transport/address.hpp"
#include "renoir/transport/credit.hpp"
#include "renoir/transport/frame.hpp"
#include "renoir/transport/handshake.hpp"
#include "renoir/transport/transport.hpp"

namespace renoir::transport::detail {

/// Implements Transport; backends derive from it and implement the wire_* hooks.
class ProtocolTransport : public Transport {
 public:
  PeerId self() const override { return self_; }
  std::size_t num_peers() const override { return addresses_.size(); }
  const std::string& address(PeerId peer) const override { return addresses_.at(peer); }

  void connect_all(std::chrono::milliseconds timeout) override;
  bool try_send(PeerId to, ChannelId channel, Tag kind,
                std::span<const std::byte> payload) override;
  void send(PeerId to, ChannelId channel, Tag kind, std::span<const std::byte> payload,
            std::chrono::milliseconds timeout) override;
  std::size_t poll(std::vector<Delivery>& out, std::size_t max = SIZE_MAX) override;
  std::size_t wait(std::vector<Delivery>& out, std::chrono::milliseconds timeout,
                   std::size_t max = SIZE_MAX) override;
  std::size_t poll_views(DeliveryVisitor visitor, std::size_t max) override;
  std::size_t wait_views(DeliveryVisitor visitor, std::chrono::milliseconds timeout, std::size_t max) override;
  bool flush(std::chrono::milliseconds timeout) override;
  void release(PeerId peer) override;
  void set_status(std::string_view status) override;
  std::vector<std::string> take_errors() override;
  std::uint32_t available_credits(PeerId peer) const override;
  std::size_t max_message_size() const override { return max_message_size_; }

 protected:
  using Clock = std::chrono::steady_clock;
  enum class WireStatus { sent, again };

  /// Validates `config` (throws TransportError); the secret moves into the Authenticator.
  explicit ProtocolTransport(TransportConfig config);

  // Hooks. All but wire_wait() run with mutex_ held.
  /// Queues one frame (header + payload, copied) to `to`; `again` if out of resources for now.
  /// Failures to deliver are reported through on_send_error(), now or later.
  virtual WireStatus wire_send(PeerId to, const FrameHeader& header,
                               std::span<const std::byte> payload) = 0;
  /// Reads what arrived and completed; calls on_frame() / on_send_error().
  virtual void wire_progress() = 0;
  /// Whether no frame handed to wire_send() is still on its way out of this process.
  virtual bool wire_idle() const = 0;
  /// Called without the lock: sleeps until something may have arrived, or `until`. `round`
  /// counts the calls of the current wait, so a backend can spin first and sleep later.
  virtual void wire_wait(Clock::time_point until, unsigned round) = 0;

  /// Gives back a receive buffer lent through on_frame(); called with mutex_ held.
  virtual void wire_release(void* /*token*/) {}

  /// Backends call this for every received frame. `wire_source` is the sender as the fabric
  /// reports it, when it can; a frame claiming another source is dropped. With a `token`, the
  /// backend offers to lend the buffer: true means a data frame now references it, and the
  /// backend must keep it intact until wire_release(token); false means it is free again.
  bool on_frame(std::optional<PeerId> wire_source, std::span<const std::byte> frame,
                void* token = nullptr);
  /// Backends call this when a frame of `type` to `to` could not be delivered.
  void on_send_error(PeerId to, FrameType type, const std::string& what);

  /// Records an error for take_errors().
  void add_error(std::string text);
  /// "peer 1 (127.0.0.1:9000)".
  std::string describe(PeerId peer) const;
  const std::vector<PeerAddress>& peer_addresses() const { return parsed_; }
  /// Lowers max_message_size() to `n` (a backend whose larger messages would break an
  /// guarantee); before connect_all().
  void limit_max_message_size(std::size_t n) { max_message_size_ = std::min(max_message_size_, n); }

 private:
  enum class Auth { pending, verified, failed };
  struct PeerState {
    Auth auth = Auth::pending;
    bool answered_hello = false;  // we sent our proof to it
    bool released = false;        // see release()
    std::uint32_t in_flight = 0;  // its data frames we accepted and have not returned credit for
    Clock::time_point next_hello{};
    bool heard = false;              // it sent us at least one well-formed frame
    Clock::time_point last_heard{};  // when it last did
    Clock::time_point last_sent{};   // last frame we handed the wire for it
    std::string last_error;  // why it could not be reached, for connect_all's message
    std::string status;      // what its last heartbeat said it was doing
  };
  struct ControlFrame {
    PeerId to;
    FrameType type;
    std::uint8_t size;
    std::array<std::byte, 64> payload;
  };

  // A delivered data frame: its payload is `owned`, or borrowed (`view`) when token is set.
  struct Ready {
    PeerId source;
    ChannelId channel;
    Tag kind;
    std::vector<std::byte> owned;
    std::span<const std::byte> view;
    void* token = nullptr;
  };

  void progress_locked();
  /// Heartbeats to quiet peers; marks silent peers lost.
  void keep_alive_locked(Clock::time_point now);
  /// Throws PeerLostError once a peer is lost (sticky).
  void throw_if_lost_locked() const;
  WireStatus send_frame_locked(PeerId to, const FrameHeader& h, std::span<const std::byte> payload);
  void consumed_locked(Ready& r);
  void return_credits_locked();
  bool flush_control_locked();
  void enqueue_control(PeerId to, FrameType type, std::span<const std::byte> payload);
  std::size_t take_ready_locked(std::vector<Delivery>& out, std::size_t max);
  /// Calls `poll_once()` until it returns a non-zero count or `timeout` passed (wait, wait_views).
  template <class Poll>
  std::size_t wait_until_some(Poll poll_once, std::chrono::milliseconds timeout);
  void reject(PeerId from, const char* what);
  std::string unreached_peers_locked() const;

  PeerId self_;
  std::size_t max_message_size_;
  std::vector<std::string> addresses_;
  std::vector<PeerAddress> parsed_;

 protected:
  /// Serializes every public call and every wire_* hook but wire_wait().
  mutable std::mutex mutex_;

 private:
  Authenticator auth_;
  CreditLedger credits_;
  std::vector<PeerState> peers_;
  std::deque<ControlFrame> control_;
  std::deque<Ready> ready_;
  std::vector<std::string> errors_;
  std::size_t dropped_errors_ = 0;
  bool connect_called_ = false;
  unsigned sends_since_progress_ = 0;
  std::chrono::milliseconds heartbeat_interval_;
  std::chrono::milliseconds peer_timeout_;
  std::string status_ = "connecting";  // ours, for heartbeats
  std::string lost_;                   // why a peer was declared lost; empty while none is
};

}  // namespace renoir::transport::detail
