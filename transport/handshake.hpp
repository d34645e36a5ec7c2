// Connect-time authentication: challenge-response proving possession of the job secret.
//
// Each peer draws a fresh random 16-byte nonce per Transport and sends it to every other peer
// in a `hello`. A peer answers a hello from V with proof = HMAC-SHA256(secret, "renoir-auth-v1"
// || nonce_V || prover id || verifier id). V recomputes it with its own secret. The nonce makes
// a recorded proof useless against a later run (no replay); binding both ids stops reflecting a
// challenge back or relaying it to a third peer. The secret itself never goes on the wire.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>

#include "renoir/transport/sha256.hpp"
#include "renoir/transport/transport.hpp"

namespace renoir::transport::detail {

using Nonce = std::array<std::byte, 16>;

/// Holds the secret and this peer's nonce; computes and checks proofs.
class Authenticator {
 public:
  /// Draws the nonce from std::random_device.
  Authenticator(std::string secret, PeerId self);

  const Nonce& nonce() const { return nonce_; }
  /// The proof this peer sends to `verifier`, which challenged it with `verifier_nonce`.
  Digest prove(std::span<const std::byte> verifier_nonce, PeerId verifier) const;
  /// Whether `proof` shows that `prover` holds our secret and answered our nonce.
  bool verify(std::span<const std::byte> proof, PeerId prover) const;

 private:
  Digest compute(std::span<const std::byte> nonce, PeerId prover, PeerId verifier) const;
  std::string secret_;
  PeerId self_;
  Nonce nonce_;
};

}  // namespace renoir::transport::detail
