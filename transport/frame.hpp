// The wire format: a 16-byte header in front of every frame (host byte order: the peers of a
// job are assumed to share endianness, which a static_assert below pins to little-endian).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

#include "renoir/transport/transport.hpp"

namespace renoir::transport::detail {

static_assert(std::endian::native == std::endian::little, "the wire format is little-endian");

/// What a frame carries. Only `data` frames count against credits and reach the user.
enum class FrameType : std::uint8_t {
  hello = 1,   ///< payload: the sender's 16-byte nonce (a challenge to answer with `proof`)
  proof = 2,   ///< payload: HMAC over the receiver's nonce (see handshake.hpp)
  data = 3,    ///< payload: the user's bytes
  credit = 4,  ///< payload: uint32 number of consumed data frames returned to the receiver
  heartbeat = 5,  ///< payload: the sender's status text (at most kMaxStatus bytes); "I am alive"
};

/// Longest status text a heartbeat carries.
inline constexpr std::size_t kMaxStatus = 48;

struct FrameHeader {
  static constexpr std::uint16_t kMagic = 0x4e52;  // "RN"
  static constexpr std::uint8_t kVersion = 1;

  std::uint16_t magic = kMagic;
  std::uint8_t version = kVersion;
  FrameType type = FrameType::data;
  PeerId source = 0;      ///< claimed sender; checked against the fabric source when known
  ChannelId channel = 0;  ///< data frames only
  Tag kind = 0;   ///< data frames only
  std::uint16_t reserved = 0;
};
static_assert(sizeof(FrameHeader) == 16);

inline constexpr std::size_t kHeaderSize = sizeof(FrameHeader);

/// Writes `h` at the start of `out` (which has room for kHeaderSize bytes).
inline void encode_header(const FrameHeader& h, std::byte* out) {
  std::memcpy(out, &h, kHeaderSize);
}

/// Reads a header from the start of `frame`; nullopt if too short or not ours.
inline std::optional<FrameHeader> decode_header(std::span<const std::byte> frame) {
  if (frame.size() < kHeaderSize) return std::nullopt;
  FrameHeader h;
  std::memcpy(&h, frame.data(), kHeaderSize);
  if (h.magic != FrameHeader::kMagic || h.version != FrameHeader::kVersion) return std::nullopt;
  return h;
}

}  // namespace renoir::transport::detail
