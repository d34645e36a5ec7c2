// Port bases for transport tests: random at first, then the next one, so that no address is
// used twice in one process (libfabric's shm cannot reopen an address in-process, see
// transport/shm_claim.hpp) while parallel test processes rarely meet.
#pragma once
#include <cstdint>
#include <random>

namespace renoir::transport::test {

/// A base in [10000, 32000) with `span` free ports after it (span divides 22000). Test ports
/// stay below Linux's ephemeral range (32768-60999 by default): a port in it can be taken at
/// any moment by an outgoing connection of a parallel test (ssh, libfabric), which made
/// fi_endpoint fail with "Address already in use".
inline std::uint16_t fresh_port_base(std::uint32_t span = 10) {
  static std::uint32_t next = std::random_device{}();
  const std::uint32_t slots = 22000 / span;
  return static_cast<std::uint16_t>(10000 + span * (next++ % slots));
}

}  // namespace renoir::transport::test
