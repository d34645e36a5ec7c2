// Tests transport/sha256.hpp and transport/handshake.hpp: known vectors, proofs.
#include <gtest/gtest.h>

#include <renoir/transport/handshake.hpp>
#include <renoir/transport/sha256.hpp>
#include <string>

namespace renoir::transport::detail {
namespace {

std::span<const std::byte> bytes(std::string_view s) { return std::as_bytes(std::span(s)); }

std::string hex(const Digest& d) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::byte b : d) {
    out += digits[std::to_integer<int>(b) >> 4];
    out += digits[std::to_integer<int>(b) & 15];
  }
  return out;
}

std::string sha256(std::string_view s) {
  Sha256 h;
  h.update(bytes(s));
  return hex(h.finish());
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  std::string text(300, 'x');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  Sha256 h;
  for (std::size_t i = 0; i < text.size(); i += 7)
    h.update(bytes(std::string_view(text).substr(i, 7)));
  EXPECT_EQ(hex(h.finish()), sha256(text));
}

TEST(HmacSha256, Rfc4231Vectors) {
  // Test case 2 and test case 6 (a key longer than the block).
  EXPECT_EQ(hex(hmac_sha256(bytes("Jefe"), {bytes("what do ya want "), bytes("for nothing?")})),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  std::string key(131, '\xaa');
  EXPECT_EQ(hex(hmac_sha256(bytes(key),
                            {bytes("Test Using Larger Than Block-Size Key - Hash Key First")})),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Authenticator, ProofVerifiesOnlyWithTheSameSecretNonceAndIds) {
  Authenticator alice("s3cret", 0), bob("s3cret", 1), mallory("guess", 1);
  EXPECT_TRUE(alice.verify(bob.prove(alice.nonce(), 0), 1));
  EXPECT_FALSE(alice.verify(mallory.prove(alice.nonce(), 0), 1)) << "wrong secret";
  EXPECT_FALSE(alice.verify(bob.prove(bob.nonce(), 0), 1)) << "answers another nonce";
  EXPECT_FALSE(alice.verify(bob.prove(alice.nonce(), 0), 2)) << "claims another prover";
  Authenticator alice_again("s3cret", 0);
  EXPECT_NE(alice.nonce(), alice_again.nonce()) << "nonces are fresh: old proofs don't replay";
  EXPECT_FALSE(alice_again.verify(bob.prove(alice.nonce(), 0), 1));
}

}  // namespace
}  // namespace renoir::transport::detail
