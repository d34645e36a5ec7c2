// Serialization of items crossing a process boundary: raw bytes for types whose every bit
// pattern is valid, checked built-in encodings for standard types, one customization point.
#pragma once
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace renoir::transport {

/// Received bytes that are not a valid encoding: truncated, a length larger than the bytes that
/// follow could hold, a bool byte other than 0 or 1, a repeated map key, trailing bytes... Every
/// built-in read path throws this (and nothing else) on bad input.
struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Appends bytes to a growing buffer.
class Writer {
 public:
  explicit Writer(std::vector<std::byte>& out) : out_(out) {}
  void bytes(const void* data, std::size_t n) {
    const std::size_t at = out_.size();
    out_.resize(at + n);
    if (n) std::memcpy(out_.data() + at, data, n);
  }
  template <class T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(&v, sizeof v);
  }
  void size(std::size_t n) { pod(static_cast<std::uint64_t>(n)); }

 private:
  std::vector<std::byte>& out_;
};

/// Reads bytes with bounds checks: a truncated or corrupt buffer throws DecodeError, it never
/// reads past the end, and no length read from the buffer is trusted beyond its bytes.
class Reader {
 public:
  Reader(const std::byte* data, std::size_t n) : p_(data), end_(data + n) {}
  void bytes(void* out, std::size_t n) {
    if (n) std::memcpy(out, view(n).data(), n);
  }
  /// The next `n` bytes, in place.
  std::span<const std::byte> view(std::size_t n) {
    if (remaining() < n) throw DecodeError("serialization: truncated message");
    std::span<const std::byte> s(p_, n);
    p_ += n;
    return s;
  }
  /// Raw bytes as a T: only for types whose every bit pattern is valid (see BitwiseSerializable).
  template <class T>
  T pod() {  // works for trivially copyable types without a default constructor too
    std::array<std::byte, sizeof(T)> raw;
    bytes(raw.data(), raw.size());
    return std::bit_cast<T>(raw);
  }
  /// A count of items that take at least `min_bytes` bytes each (1 if 0): throws unless the
  /// remaining bytes can hold that many, so a caller may allocate for the count.
  std::size_t size(std::size_t min_bytes = 1) {
    const auto n = pod<std::uint64_t>();
    if (n > remaining() / std::max<std::size_t>(min_bytes, 1))
      throw DecodeError("serialization: a length of " + std::to_string(n) + " items of " +
                        std::to_string(min_bytes) + "+ bytes, with " +
                        std::to_string(remaining()) + " bytes left");
    return static_cast<std::size_t>(n);
  }
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }

 private:
  const std::byte* p_;
  const std::byte* end_;
};

/// The customization point. Specialize it for your type:
/// ```cpp
/// template <> struct renoir::transport::Serializer<Point> {
///   static void write(Writer& w, const Point& p) { Serializer<double>::write(w, p.x); ... }
///   static Point read(Reader& r) { return {Serializer<double>::read(r), ...}; }
///   static constexpr std::size_t min_size = 16;  // optional: fewest bytes write() produces
/// };
/// ```
/// `read` must throw (DecodeError, ideally) on bytes `write` never produces, and never allocate
/// for a length it read without checking it against `Reader::remaining()` (Reader::size does).
/// `min_size`, when given, must be a true lower bound: containers use it to reject counts the
/// remaining bytes cannot hold (without it, 1 byte per item is assumed; so an encoding must
/// never be empty, or containers of that type cannot be read back).
/// A type with no Serializer can still be used in jobs whose items of that type never leave
/// their host (see `Serializable`).
template <class T, class = void>
struct Serializer;

/// Whether T's Serializer copies raw bytes (the one for BitwiseSerializable types, not one of
/// yours): then a vector or std::array of T is copied whole.
template <class T>
concept RawBytes = requires { requires Serializer<T>::raw_bytes; };

/// Whether every pattern of sizeof(T) bytes is a valid T, so that T is serialized as its raw
/// bytes (one memcpy for a whole vector), unless you give T a Serializer. By default: every
/// trivially copyable type but bool, std::optional, std::pair and std::tuple (whose encodings
/// check their flags and bools), and std::array of types copied as raw bytes.
///
/// So a trivially copyable struct of yours is copied as raw bytes, and it is your promise that
/// any bytes make a valid value. C++ cannot list a struct's members, so a `bool` member (or an
/// enum whose values are restricted) would be loaded from whatever the peer sent: undefined
/// behaviour. Give such a struct a Serializer (Fields below makes that one line, and checks
/// each bool); or specialize this trait to false, and the struct is refused as not
/// serializable until it has one.
template <class T>
struct BitwiseSerializable : std::is_trivially_copyable<T> {};
template <>
struct BitwiseSerializable<bool> : std::false_type {};
template <class T>
struct BitwiseSerializable<std::optional<T>> : std::false_type {};
template <class A, class B>
struct BitwiseSerializable<std::pair<A, B>> : std::false_type {};
template <class... Ts>
struct BitwiseSerializable<std::tuple<Ts...>> : std::false_type {};
template <class T, std::size_t N>
struct BitwiseSerializable<std::array<T, N>> : std::bool_constant<RawBytes<T>> {};

/// Raw bytes, for BitwiseSerializable types.
template <class T>
struct Serializer<T, std::enable_if_t<BitwiseSerializable<T>::value>> {
  static constexpr bool raw_bytes = true;
  static constexpr std::size_t min_size = sizeof(T);
  static void write(Writer& w, const T& v) { w.pod(v); }
  static T read(Reader& r) { return r.pod<T>(); }
};

/// True if items of type T can cross a process boundary.
template <class T>
concept Serializable = requires(Writer& w, Reader& r, const T& v) {
  Serializer<T>::write(w, v);
  { Serializer<T>::read(r) } -> std::same_as<T>;
};

template <class T>
void write(Writer& w, const T& v) {
  Serializer<T>::write(w, v);
}
template <class T>
T read(Reader& r) {
  return Serializer<T>::read(r);
}

/// The fewest bytes an encoded T takes: Serializer<T>::min_size, or 1 if it does not say.
template <class T>
constexpr std::size_t min_encoded_size() {
  if constexpr (requires { Serializer<T>::min_size; })
    return Serializer<T>::min_size;
  else
    return 1;
}

/// One byte, 0 or 1; any other byte is a DecodeError (loading it as a bool would be UB).
template <>
struct Serializer<bool> {
  static constexpr std::size_t min_size = 1;
  static void write(Writer& w, bool b) { w.pod(static_cast<std::uint8_t>(b)); }
  static bool read(Reader& r) {
    const auto byte = r.pod<std::uint8_t>();
    if (byte > 1)
      throw DecodeError("serialization: a bool encoded as " + std::to_string(byte) +
                        " (not 0 or 1)");
    return byte == 1;
  }
};

template <>
struct Serializer<std::string> {
  static constexpr std::size_t min_size = sizeof(std::uint64_t);
  static void write(Writer& w, const std::string& s) {
    w.size(s.size());
    w.bytes(s.data(), s.size());
  }
  static std::string read(Reader& r) {
    auto chars = r.view(r.size());
    return std::string(reinterpret_cast<const char*>(chars.data()), chars.size());
  }
};

template <class T, class A>
  requires Serializable<T>
struct Serializer<std::vector<T, A>> {
  static constexpr std::size_t min_size = sizeof(std::uint64_t);
  static void write(Writer& w, const std::vector<T, A>& v) {
    w.size(v.size());
    if constexpr (RawBytes<T>) {
      w.bytes(v.data(), v.size() * sizeof(T));  // one copy for the whole batch
    } else {
      for (const auto& x : v) renoir::transport::write(w, static_cast<const T&>(x));
    }
  }
  static std::vector<T, A> read(Reader& r) {
    const std::size_t n = r.size(min_encoded_size<T>());
    std::vector<T, A> v;
    if constexpr (RawBytes<T>) {
      v.resize(n);
      r.bytes(v.data(), n * sizeof(T));
    } else {
      // n items fit in the remaining bytes, but may be larger in memory than on the wire.
      v.reserve(std::min(n, r.remaining() / sizeof(T)));
      for (std::size_t i = 0; i < n; ++i) v.push_back(renoir::transport::read<T>(r));
    }
    return v;
  }
};

/// Element by element (std::array of types copied as raw bytes are copied whole).
template <class T, std::size_t N>
  requires(Serializable<T> && !RawBytes<T>)
struct Serializer<std::array<T, N>> {
  static constexpr std::size_t min_size = N * min_encoded_size<T>();
  static void write(Writer& w, const std::array<T, N>& a) {
    for (const T& x : a) renoir::transport::write(w, x);
  }
  static std::array<T, N> read(Reader& r) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<T, N>{((void)I, renoir::transport::read<T>(r))...};  // in order
    }(std::make_index_sequence<N>());
  }
};

template <class A, class B>
  requires(Serializable<A> && Serializable<B>)
struct Serializer<std::pair<A, B>> {
  static constexpr std::size_t min_size = min_encoded_size<A>() + min_encoded_size<B>();
  static void write(Writer& w, const std::pair<A, B>& p) {
    renoir::transport::write(w, p.first);
    renoir::transport::write(w, p.second);
  }
  static std::pair<A, B> read(Reader& r) {
    A a = renoir::transport::read<A>(r);
    B b = renoir::transport::read<B>(r);
    return {std::move(a), std::move(b)};
  }
};

/// Each element in order; the empty tuple is one 0 byte, so that every encoding has a byte
/// and a count of them can be checked against the bytes received.
template <class... Ts>
  requires(Serializable<Ts> && ...)
struct Serializer<std::tuple<Ts...>> {
  static constexpr std::size_t min_size = sizeof...(Ts) == 0 ? 1 : (min_encoded_size<Ts>() + ... + 0);
  static void write(Writer& w, const std::tuple<Ts...>& t) {
    if constexpr (sizeof...(Ts) == 0) w.pod(std::uint8_t{0});
    std::apply([&](const auto&... x) { (renoir::transport::write(w, x), ...); }, t);
  }
  static std::tuple<Ts...> read(Reader& r) {
    if constexpr (sizeof...(Ts) == 0) {
      if (r.pod<std::uint8_t>() != 0) throw DecodeError("serialization: a corrupt empty tuple");
      return {};
    } else {
      return std::tuple<Ts...>{renoir::transport::read<Ts>(r)...};  // braces: in order
    }
  }
};

/// A flag byte (0 or 1, anything else is a DecodeError), then the value if there is one.
template <class T>
  requires Serializable<T>
struct Serializer<std::optional<T>> {
  static constexpr std::size_t min_size = 1;
  static void write(Writer& w, const std::optional<T>& o) {
    renoir::transport::write(w, o.has_value());
    if (o) renoir::transport::write(w, *o);
  }
  static std::optional<T> read(Reader& r) {
    if (!renoir::transport::read<bool>(r)) return std::nullopt;
    return renoir::transport::read<T>(r);
  }
};

/// A shared immutable value (what a loop broadcasts): a flag byte, then the value if not null.
/// Read back as a new object owned by the receiver.
template <class T>
  requires Serializable<T>
struct Serializer<std::shared_ptr<const T>> {
  static constexpr std::size_t min_size = 1;
  static void write(Writer& w, const std::shared_ptr<const T>& p) {
    renoir::transport::write(w, p != nullptr);
    if (p) renoir::transport::write(w, *p);
  }
  static std::shared_ptr<const T> read(Reader& r) {
    if (!renoir::transport::read<bool>(r)) return nullptr;
    return std::make_shared<const T>(renoir::transport::read<T>(r));
  }
};

namespace detail {
template <class M>
struct MapSerializer {
  using K = typename M::key_type;
  using V = typename M::mapped_type;
  static constexpr std::size_t min_size = sizeof(std::uint64_t);
  static void write(Writer& w, const M& m) {
    w.size(m.size());
    for (const auto& [k, v] : m) {
      renoir::transport::write(w, k);
      renoir::transport::write(w, v);
    }
  }
  static M read(Reader& r) {
    M m;
    const std::size_t n = r.size(min_encoded_size<K>() + min_encoded_size<V>());
    for (std::size_t i = 0; i < n; ++i) {
      auto k = renoir::transport::read<K>(r);
      auto v = renoir::transport::read<V>(r);
      if (!m.emplace(std::move(k), std::move(v)).second)
        throw DecodeError("serialization: a map with a repeated key");
    }
    return m;
  }
};

template <class M>
struct MemberPointer;
template <class C, class F>
struct MemberPointer<F C::*> {
  using Class = C;
  using Field = F;
};
}  // namespace detail

template <class K, class V, class C, class A>
  requires(Serializable<K> && Serializable<V>)
struct Serializer<std::map<K, V, C, A>> : detail::MapSerializer<std::map<K, V, C, A>> {};
template <class K, class V, class H, class E, class A>
  requires(Serializable<K> && Serializable<V>)
struct Serializer<std::unordered_map<K, V, H, E, A>> : detail::MapSerializer<std::unordered_map<K, V, H, E, A>> {};

/// A Serializer for a struct that writes the listed fields in order, each with its own
/// Serializer (so bools and optionals are checked on the way in). The struct must be default
/// constructible:
/// ```cpp
/// struct Row { int id; bool valid; };
/// template <> struct renoir::transport::Serializer<Row>
///     : renoir::transport::Fields<&Row::id, &Row::valid> {};
/// ```
template <auto First, auto... Rest>
struct Fields {
  using Class = typename detail::MemberPointer<decltype(First)>::Class;
  static constexpr std::size_t min_size =
      (min_encoded_size<typename detail::MemberPointer<decltype(First)>::Field>() + ... +
       min_encoded_size<typename detail::MemberPointer<decltype(Rest)>::Field>());
  static void write(Writer& w, const Class& v) {
    renoir::transport::write(w, v.*First);
    (renoir::transport::write(w, v.*Rest), ...);
  }
  static Class read(Reader& r) {
    Class v{};
    v.*First = renoir::transport::read<typename detail::MemberPointer<decltype(First)>::Field>(r);
    ((v.*Rest = renoir::transport::read<typename detail::MemberPointer<decltype(Rest)>::Field>(r)), ...);
    return v;
  }
};

}  // namespace renoir::transport
