// Connect-time authentication: challenge-response proving possession of the job secret.
#include "renoir/transport/handshake.hpp"

#include <random>

namespace renoir::transport::detail {

Authenticator::Authenticator(std::string secret, PeerId self)
    : secret_(std::move(secret)), self_(self) {
  std::random_device rd;
  for (std::size_t i = 0; i < nonce_.size(); i += 4) {
    auto r = rd();
    for (std::size_t j = 0; j < 4; ++j) nonce_[i + j] = std::byte(r >> (8 * j));
  }
}

Digest Authenticator::compute(std::span<const std::byte> nonce, PeerId prover,
                              PeerId verifier) const {
  static constexpr char kLabel[] = "renoir-auth-v1";
  auto key = std::as_bytes(std::span(secret_.data(), secret_.size()));
  auto label = std::as_bytes(std::span(kLabel, sizeof(kLabel) - 1));
  return hmac_sha256(key, {label, nonce, std::as_bytes(std::span(&prover, 1)),
                           std::as_bytes(std::span(&verifier, 1))});
}

Digest Authenticator::prove(std::span<const std::byte> verifier_nonce, PeerId verifier) const {
  return compute(verifier_nonce, self_, verifier);
}

bool Authenticator::verify(std::span<const std::byte> proof, PeerId prover) const {
  Digest expected = compute(nonce_, prover, self_);
  return equal_constant_time(proof, expected);
}

}  // namespace renoir::transport::detail
