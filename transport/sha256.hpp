// SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104), for the connect-time handshake.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace renoir::transport::detail {

using Digest = std::array<std::byte, 32>;

/// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::byte> data);
  Digest finish();

 private:
  void block(const std::byte* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::byte, 64> buf_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_ = 0;
};

/// HMAC-SHA256 of the concatenation of `parts` under `key`.
Digest hmac_sha256(std::span<const std::byte> key,
                   std::initializer_list<std::span<const std::byte>> parts);

/// Compares without an early exit, so timing does not tell how many bytes matched.
bool equal_constant_time(std::span<const std::byte> a, std::span<const std::byte> b);

}  // namespace renoir::transport::detail
