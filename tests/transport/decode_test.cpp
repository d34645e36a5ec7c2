// Decoding untrusted bytes (transport/serialization.hpp): every invalid byte is a DecodeError,
// and no length read from the bytes buys an allocation larger than the bytes that came with it.
// Regression tests for what tests/fuzz/wire_fuzz.cpp found. This binary replaces operator new
// to measure allocations.
#include <renoir/transport/serialization.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdlib>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace {
thread_local bool g_measuring = false;
thread_local std::size_t g_largest = 0;
}  // namespace

// Not inlined, or GCC sees free() on what it takes for the built-in operator new's memory.
[[gnu::noinline]] void* operator new(std::size_t n) {
  if (g_measuring && n > g_largest) g_largest = n;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace rt = renoir::transport;
using Bytes = std::vector<std::byte>;

namespace {

struct Flagged {  // trivially copyable, but a bool must not be loaded from any byte
  int id = 0;
  bool on = false;
  unsigned char level = 0;
  bool operator==(const Flagged&) const = default;
};
struct Pod {
  int a;
  double b;
};

}  // namespace

template <>
struct renoir::transport::Serializer<Flagged> : Fields<&Flagged::id, &Flagged::on, &Flagged::level> {};

namespace {

template <class T>
Bytes encode(const T& value) {
  Bytes out;
  rt::Writer w(out);
  rt::write(w, value);
  return out;
}

template <class T>
T decode(const Bytes& bytes) {
  rt::Reader r(bytes.data(), bytes.size());
  T value = rt::read<T>(r);
  EXPECT_EQ(r.remaining(), 0u);
  return value;
}

// `bytes` with the byte at `at` replaced.
Bytes patched(Bytes bytes, std::size_t at, unsigned char value) {
  bytes.at(at) = std::byte{value};
  return bytes;
}

// The largest single allocation made while decoding `bytes` as a T (which must fail).
template <class T>
std::size_t largest_allocation_refusing(const Bytes& bytes) {
  g_largest = 0;
  g_measuring = true;
  try {
    decode<T>(bytes);
    ADD_FAILURE() << "decoded a corrupt length";
  } catch (const rt::DecodeError&) {
  }
  g_measuring = false;
  return g_largest;
}

// A length prefix claiming `n`, then `payload` bytes.
Bytes claiming(std::uint64_t n, std::size_t payload) {
  Bytes out(sizeof n + payload, std::byte{'x'});
  std::memcpy(out.data(), &n, sizeof n);
  return out;
}

TEST(Decode, BoolsAreZeroOrOne) {
  for (unsigned char b : {2, 110, 255}) {
    EXPECT_THROW(decode<bool>(patched(encode(true), 0, b)), rt::DecodeError) << int(b);
    EXPECT_THROW(decode<std::vector<bool>>(patched(encode(std::vector<bool>{true}), 8, b)), rt::DecodeError);
    EXPECT_THROW((decode<std::pair<int, bool>>(patched(encode(std::pair(1, true)), 4, b))), rt::DecodeError);
    EXPECT_THROW((decode<std::tuple<bool, std::string>>(patched(encode(std::tuple(true, std::string("x"))), 0, b))),
                 rt::DecodeError);
    EXPECT_THROW((decode<std::array<bool, 3>>(patched(encode(std::array{true, false, true}), 1, b))),
                 rt::DecodeError);
    EXPECT_THROW(decode<Flagged>(patched(encode(Flagged{1, true, 2}), 4, b)), rt::DecodeError);
    // std::optional<int> is trivially copyable: its flag was memcpy'd into its bool.
    EXPECT_THROW(decode<std::optional<int>>(patched(encode(std::optional<int>(5)), 0, b)), rt::DecodeError);
  }
  try {
    decode<bool>(patched(encode(true), 0, 110));
  } catch (const rt::DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("110"), std::string::npos) << e.what();
  }
}

TEST(Decode, OnlyTypesWithoutInvalidBytesAreCopiedRaw) {
  static_assert(rt::RawBytes<int> && rt::RawBytes<Pod> && rt::RawBytes<std::array<double, 3>>);
  static_assert(!rt::RawBytes<bool> && !rt::RawBytes<std::optional<int>>);
  static_assert(!rt::RawBytes<std::array<bool, 2>> && !rt::RawBytes<std::array<Flagged, 2>>);
  static_assert(!rt::RawBytes<Flagged>, "a Serializer of yours wins over raw bytes");
  // ... also inside vectors: field by field, 4 + 1 + 1 bytes each, not sizeof(Flagged).
  std::vector<Flagged> v{{1, true, 2}, {3, false, 4}};
  EXPECT_EQ(encode(v).size(), 8 + 2 * 6u);
  EXPECT_EQ(decode<std::vector<Flagged>>(encode(v)), v);
  EXPECT_THROW(decode<std::vector<Flagged>>(patched(encode(v), 8 + 6 + 4, 7)), rt::DecodeError);
  std::array<std::optional<int>, 2> a{std::nullopt, 4};
  EXPECT_EQ(decode<decltype(a)>(encode(a)), a);
  std::array<std::string, 2> s{"a", "bc"};
  EXPECT_EQ(decode<decltype(s)>(encode(s)), s);
}

TEST(Decode, LengthsNeverBuyMoreThanTheBytesReceived) {
  constexpr std::size_t kHave = 64 * 1024;
  // Strings were allocated at the claimed size before reading (up to 8 x the bytes left).
  EXPECT_LE(largest_allocation_refusing<std::string>(claiming(8 * kHave, kHave)), kHave);
  EXPECT_LE(largest_allocation_refusing<std::string>(claiming(kHave + 1, kHave)), kHave);
  // Vectors reserved the claimed count, up to the bytes left, times the item's size in memory.
  EXPECT_LE(largest_allocation_refusing<std::vector<std::string>>(claiming(kHave, kHave)), kHave);
  EXPECT_LE(largest_allocation_refusing<std::vector<std::vector<int>>>(claiming(kHave / 8 + 1, kHave)), kHave);
  EXPECT_LE(largest_allocation_refusing<std::vector<std::int64_t>>(claiming(kHave / 8 + 1, kHave)), kHave);
  EXPECT_LE((largest_allocation_refusing<std::map<int, int>>(claiming(kHave / 8 + 1, kHave))), kHave);
  EXPECT_LE(largest_allocation_refusing<std::vector<std::string>>(claiming(~std::uint64_t{0}, 16)), 256u);
  // A count that fits the bytes is fine, and reserves no more than them.
  Bytes nones = claiming(kHave, kHave);
  std::fill(nones.begin() + 8, nones.end(), std::byte{0});
  g_largest = 0;
  g_measuring = true;
  auto decoded = decode<std::vector<std::optional<std::string>>>(nones);
  g_measuring = false;
  EXPECT_EQ(decoded.size(), kHave);
  EXPECT_LE(g_largest, 2 * kHave * sizeof(std::optional<std::string>));  // vector growth only
}

TEST(Decode, RepeatedMapKeysAreCorrupt) {
  std::vector<std::pair<int, std::string>> twice{{1, "a"}, {1, "b"}};
  EXPECT_THROW((decode<std::map<int, std::string>>(encode(twice))), rt::DecodeError);
  EXPECT_THROW((decode<std::unordered_map<int, std::string>>(encode(twice))), rt::DecodeError);
  std::map<int, std::string> m{{1, "a"}, {2, "b"}};
  EXPECT_EQ((decode<std::map<int, std::string>>(encode(m))), m);
}

TEST(Decode, EmptyTuplesTakeOneByte) {
  std::vector<std::tuple<>> v(1000);
  EXPECT_EQ(encode(v).size(), 8 + 1000u);
  EXPECT_EQ(decode<std::vector<std::tuple<>>>(encode(v)).size(), 1000u);
  EXPECT_THROW(decode<std::tuple<>>(Bytes{std::byte{1}}), rt::DecodeError);
}

TEST(Decode, EveryErrorIsADecodeError) {
  const Bytes good = encode(std::vector<std::pair<std::string, std::optional<bool>>>{{"k", true}, {"", {}}});
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    Bytes bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_THROW((decode<std::vector<std::pair<std::string, std::optional<bool>>>>(bytes)), rt::DecodeError);
  }
}

}  // namespace
