// "host:port" peer addresses: parsing and printing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace renoir::transport {

/// A peer's configured address.
struct PeerAddress {
  std::string host;  ///< name or IP address, without IPv6 brackets
  std::uint16_t port = 0;

  /// Parses "host:port" or "[v6addr]:port"; throws TransportError naming the bad text.
  static PeerAddress parse(std::string_view text);
  /// "host:port", with brackets around IPv6 hosts.
  std::string to_string() const;
  bool operator==(const PeerAddress&) const = default;
};

}  // namespace renoir::transport
