// Tests transport/address.hpp: host:port parsing and printing.
#include <gtest/gtest.h>

#include <renoir/transport/address.hpp>
#include <renoir/transport/transport.hpp>

namespace renoir::transport {
namespace {

TEST(PeerAddress, ParsesHostAndPort) {
  EXPECT_EQ(PeerAddress::parse("127.0.0.1:9000"), (PeerAddress{"127.0.0.1", 9000}));
  EXPECT_EQ(PeerAddress::parse("node-3.lan:1"), (PeerAddress{"node-3.lan", 1}));
  EXPECT_EQ(PeerAddress::parse("[::1]:65535"), (PeerAddress{"::1", 65535}));
  EXPECT_EQ(PeerAddress::parse("[::1]:80").to_string(), "[::1]:80");
  EXPECT_EQ(PeerAddress::parse("h:80").to_string(), "h:80");
}

TEST(PeerAddress, RejectsMalformedText) {
  for (const char* bad : {"", "host", "host:", ":80", "host:0", "host:65536", "host:8x", "::1:80",
                          "[::1]80", "[::1"}) {
    EXPECT_THROW(PeerAddress::parse(bad), TransportError) << bad;
  }
}

}  // namespace
}  // namespace renoir::transport
