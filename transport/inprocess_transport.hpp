// The in-process backend: every peer of the job lives in this process (threads), frames move
// through a shared hub. Same protocol as the fabric backend, for fast tests.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "renoir/transport/protocol_transport.hpp"

namespace renoir::transport {

namespace detail {
struct Mailbox;
}

/// Where in-process transports "listen": maps an address to the mailbox of the transport bound
/// to it. One hub plays the role of the network for the peers that share it.
class InProcessHub {
 public:
  /// Binds `address`; throws TransportError if another transport holds it.
  std::shared_ptr<detail::Mailbox> bind(const std::string& address);
  void unbind(const std::string& address);
  /// The mailbox bound to `address`, or null if nobody listens there.
  std::shared_ptr<detail::Mailbox> lookup(const std::string& address) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<detail::Mailbox>> mailboxes_;
};

/// A peer whose network is an InProcessHub.
class InProcessTransport final : public detail::ProtocolTransport {
 public:
  /// Binds the configured address of `config.self` in `hub`.
  InProcessTransport(std::shared_ptr<InProcessHub> hub, TransportConfig config);
  ~InProcessTransport() override;

 private:
  WireStatus wire_send(PeerId to, const detail::FrameHeader& header,
                       std::span<const std::byte> payload) override;
  void wire_progress() override;
  bool wire_idle() const override { return true; }
  void wire_wait(Clock::time_point until, unsigned round) override;

  std::shared_ptr<InProcessHub> hub_;
  std::string bound_;  // our normalized address
  std::shared_ptr<detail::Mailbox> mailbox_;
  std::unordered_map<std::string, PeerId> by_address_;
};

}  // namespace renoir::transport
