// The libfabric backend: one reliable-datagram (FI_EP_RDM) endpoint per process, bound to the
// peer's configured host:port, so every peer derives everyone's fabric address from the config.
#pragma once

#include <memory>
#include <string>

#include "renoir/transport/protocol_transport.hpp"

namespace renoir::transport {

/// Backend-specific settings (from the cluster configuration's `fabric_provider`).
struct FabricOptions {
  /// libfabric provider: "tcp" (RDM over TCP, i.e. "tcp;ofi_rxm"), "shm" (one host), "verbs"
  /// (InfiniBand/RoCE hardware), or any name `fi_info -l` lists.
  std::string provider = "tcp";
  /// Receive buffers kept posted, each 16 + max_message_size bytes (pages are touched only as
  /// messages fill them). Further messages wait in the provider until one is reposted.
  std::size_t receive_buffers = 32;
  /// With "tcp", rxm sends frames up to this size eagerly, straight into the receiver's posted
  /// buffers, instead of a rendezvous round trip (about 1.5x the throughput of 64 KiB messages
  /// on loopback, no extra memory). Applied as FI_OFI_RXM_EAGER_LIMIT unless the environment
  /// sets it; libfabric reads it once, when the first transport of the process opens. 0 keeps
  /// libfabric's default (16 KiB).
  std::size_t rxm_eager_limit = 128 * 1024;
};

/// A peer talking through libfabric. The constructor opens and binds the endpoint (so peers
/// can reach it from then on) and throws TransportError naming the provider and address when
/// that fails. Call flush() before destroying it, or messages still leaving may be lost.
class FabricTransport final : public detail::ProtocolTransport {
 public:
  FabricTransport(TransportConfig config, FabricOptions options = {});
  ~FabricTransport() override;

  /// The provider libfabric picked, e.g. "tcp;ofi_rxm".
  const std::string& provider_name() const;

 private:
  struct Impl;
  WireStatus wire_send(PeerId to, const detail::FrameHeader& header,
                       std::span<const std::byte> payload) override;
  void wire_progress() override;
  void wire_release(void* token) override;
  bool wire_idle() const override;
  void wire_wait(Clock::time_point until, unsigned round) override;

  std::unique_ptr<Impl> impl_;
};

}  // namespace renoir::transport
