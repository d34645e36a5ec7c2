// "host:port" peer addresses: parsing and printing.
#include "renoir/transport/address.hpp"

#include <charconv>

#include "renoir/transport/transport.hpp"

namespace renoir::transport {

PeerAddress PeerAddress::parse(std::string_view text) {
  auto fail = [&](const char* why) -> PeerAddress {
    throw TransportError("invalid peer address \"" + std::string(text) + "\": " + why);
  };
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return fail("expected [ipv6]:port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("expected host:port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return fail("IPv6 hosts need brackets");
  }
  if (host.empty()) return fail("empty host");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
    return fail("port must be 1..65535");
  return PeerAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

std::string PeerAddress::to_string() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

}  // namespace renoir::transport
