// Fuzzes core::decode<T> (core/wire.hpp over transport/serialization.hpp) for every built-in
// serializable item type: the first byte picks the type, the rest is the message. Decoding
// either throws DecodeError or gives a message that encodes back to the same bytes (or, for
// unordered maps, to an equal message); no allocation exceeds a small multiple of the input.
#include <renoir/core/wire.hpp>

#include <sanitizer/allocator_interface.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rt = renoir::transport;
using renoir::core::Message;

namespace {

struct Pod {  // trivially copyable, every byte pattern valid: copied as raw bytes
  std::int32_t a;
  double b;
  bool operator==(const Pod&) const = default;
};
struct Flagged {  // holds a bool: needs field-wise serialization (see serialization.hpp)
  std::int32_t id;
  bool on;
  std::uint8_t level;
  bool operator==(const Flagged&) const = default;
};
enum class Color : std::uint8_t { red, green, blue };

}  // namespace

template <>
struct renoir::transport::Serializer<Flagged>
    : renoir::transport::Fields<&Flagged::id, &Flagged::on, &Flagged::level> {};

namespace {

[[noreturn]] void fail(const char* what, const char* type) {
  std::fprintf(stderr, "wire fuzz: %s (item type %s)\n", what, type);
  std::abort();
}

// Largest allocation allowed while decoding: a claimed length never buys more memory than the
// bytes that came with it could describe (times the in-memory size of the smallest encoding).
std::size_t g_alloc_limit = 0;
void on_malloc(const volatile void*, std::size_t size) {
  if (g_alloc_limit != 0 && size > g_alloc_limit) {
    g_alloc_limit = 0;
    std::fprintf(stderr, "wire fuzz: an allocation of %zu bytes while decoding\n", size);
    std::abort();
  }
}
void on_free(const volatile void*) {}

template <class T>
constexpr bool has_unordered = false;
template <class K, class V, class H, class E, class A>
constexpr bool has_unordered<std::unordered_map<K, V, H, E, A>> = true;
template <class T, class A>
constexpr bool has_unordered<std::vector<T, A>> = has_unordered<T>;
template <class T>
constexpr bool has_unordered<std::optional<T>> = has_unordered<T>;
template <class A, class B>
constexpr bool has_unordered<std::pair<A, B>> = has_unordered<A> || has_unordered<B>;
template <class... Ts>
constexpr bool has_unordered<std::tuple<Ts...>> = (has_unordered<Ts> || ...);
template <class K, class V, class C, class A>
constexpr bool has_unordered<std::map<K, V, C, A>> = has_unordered<K> || has_unordered<V>;

// Whether decode() then encode() gives back the input bytes exactly: not with maps, whose
// keys may arrive in any order.
template <class T>
constexpr bool canonical = true;
template <class K, class V, class C, class A>
constexpr bool canonical<std::map<K, V, C, A>> = false;
template <class K, class V, class H, class E, class A>
constexpr bool canonical<std::unordered_map<K, V, H, E, A>> = false;
template <class T, class A>
constexpr bool canonical<std::vector<T, A>> = canonical<T>;
template <class T>
constexpr bool canonical<std::optional<T>> = canonical<T>;
template <class A, class B>
constexpr bool canonical<std::pair<A, B>> = canonical<A> && canonical<B>;
template <class... Ts>
constexpr bool canonical<std::tuple<Ts...>> = (canonical<Ts> && ...);

template <class T>
void check(const std::vector<std::byte>& bytes, const char* name) {
  Message<T> m;
  g_alloc_limit = 64 * bytes.size() + 4096;
  try {
    m = renoir::core::decode<T>(bytes);
  } catch (const rt::DecodeError& e) {
    g_alloc_limit = 0;
    static const bool verbose = std::getenv("RENOIR_FUZZ_VERBOSE") != nullptr;  // to check seeds
    if (verbose) std::fprintf(stderr, "%s: %s\n", name, e.what());
    return;
  }
  g_alloc_limit = 0;
  const std::vector<std::byte> again = renoir::core::encode(m);
  if constexpr (canonical<T>)
    if (again != bytes) fail("decode then encode changed the bytes", name);
  Message<T> m2;
  try {
    m2 = renoir::core::decode<T>(again);
  } catch (const rt::DecodeError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    fail("an encoded message does not decode", name);
  }
  if (m2.kind != m.kind || m2.timestamp != m.timestamp) fail("kind or timestamp changed", name);
  if constexpr (has_unordered<T>) {
    if (m2.items != m.items) fail("items changed in a round trip", name);
  } else if (renoir::core::encode(m2) != again) {
    fail("encoding is not stable", name);
  }
}

using Check = void (*)(const std::vector<std::byte>&, const char*);
struct Entry {
  Check check;
  const char* name;
};
#define RENOIR_TYPE(...) Entry{&check<__VA_ARGS__>, #__VA_ARGS__}

// Every built-in case of serialization.hpp, alone and nested. Append only: the first byte of
// each seed in corpus/wire selects an entry of this table.
const Entry kTypes[] = {
    RENOIR_TYPE(std::int32_t),
    RENOIR_TYPE(std::uint64_t),
    RENOIR_TYPE(double),
    RENOIR_TYPE(char),
    RENOIR_TYPE(bool),
    RENOIR_TYPE(Pod),
    RENOIR_TYPE(Flagged),
    RENOIR_TYPE(Color),
    RENOIR_TYPE(std::array<bool, 3>),
    RENOIR_TYPE(std::array<std::int16_t, 4>),
    RENOIR_TYPE(std::string),
    RENOIR_TYPE(std::optional<std::int32_t>),
    RENOIR_TYPE(std::optional<bool>),
    RENOIR_TYPE(std::optional<std::string>),
    RENOIR_TYPE(std::vector<std::int32_t>),
    RENOIR_TYPE(std::vector<bool>),
    RENOIR_TYPE(std::vector<std::string>),
    RENOIR_TYPE(std::vector<double>),
    RENOIR_TYPE(std::pair<std::int32_t, bool>),
    RENOIR_TYPE(std::pair<std::string, std::uint64_t>),
    RENOIR_TYPE(std::tuple<std::int32_t, bool, std::string>),
    RENOIR_TYPE(std::tuple<>),
    RENOIR_TYPE(std::tuple<bool, std::optional<double>, std::vector<bool>>),
    RENOIR_TYPE(std::map<std::string, std::int32_t>),
    RENOIR_TYPE(std::map<std::int32_t, std::vector<bool>>),
    RENOIR_TYPE(std::unordered_map<std::string, std::vector<std::int32_t>>),
    RENOIR_TYPE(std::unordered_map<std::int32_t, bool>),
    RENOIR_TYPE(std::vector<std::pair<std::string, std::optional<std::vector<bool>>>>),
    RENOIR_TYPE(std::vector<std::vector<std::string>>),
    RENOIR_TYPE(std::map<std::string, std::tuple<bool, std::int32_t, std::optional<double>>>),
    RENOIR_TYPE(std::vector<Flagged>),
    RENOIR_TYPE(std::vector<Pod>),
    RENOIR_TYPE(std::vector<std::array<bool, 2>>),
    RENOIR_TYPE(std::vector<std::optional<std::int32_t>>),
    RENOIR_TYPE(std::vector<std::tuple<>>),
    RENOIR_TYPE(std::pair<Color, std::optional<Flagged>>),
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Entry& e = kTypes[data[0] % std::size(kTypes)];
  const auto* body = reinterpret_cast<const std::byte*>(data + 1);
  e.check(std::vector<std::byte>(body, body + size - 1), e.name);
  return 0;
}
