// Port bases for transport tests: random at first, then the next one, so that no address is
// used twice in one process (libfabric's shm cannot reopen an address in-process, see
// transport/shm_claim.hpp) while parallel test processes rarely meet.
#pragma once
#include <cstdint>
#include <random>

namespace renoir::transport::test {

/// A base in [20000, 60000) with `span` free ports after it (span divides 40000).
inline std::uint16_t fresh_port_base(std::uint32_t span = 10) {
  static std::uint32_t next = std::random_device{}();
  const std::uint32_t slots = 40000 / span;
  return static_cast<std::uint16_t>(20000 + span * (next++ % slots));
}

}  // namespace renoir::transport::test
