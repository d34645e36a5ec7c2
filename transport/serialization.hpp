// Serialization of items crossing a process boundary: memcpy for trivially copyable types,
// built-in support for standard containers, one customization point for user types.
#pragma once
#include <cstddef>
#include <cstdint>
#include <array>
#include <bit>
#include <concepts>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace renoir::transport {

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

/// Reads bytes with bounds checks: a truncated or corrupt buffer throws, it never reads past
/// the end.
class Reader {
 public:
  Reader(const std::byte* data, std::size_t n) : p_(data), end_(data + n) {}
  void bytes(void* out, std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) throw std::runtime_error("serialization: truncated message");
    if (n) std::memcpy(out, p_, n);
    p_ += n;
  }
  template <class T>
  T pod() {  // works for trivially copyable types without a default constructor too
    std::array<std::byte, sizeof(T)> raw;
    bytes(raw.data(), raw.size());
    return std::bit_cast<T>(raw);
  }
  std::size_t size() {
    const auto n = pod<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(end_ - p_) * 8 + 1024)  // a count no buffer this size can hold
      throw std::runtime_error("serialization: corrupt length");
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
/// };
/// ```
/// Trivially copyable types (integers, floats, PODs, std::array of them) are memcpy'd.
/// A type with no Serializer can still be used in jobs whose items of that type never leave
/// their host (see `Serializable`).
template <class T, class = void>
struct Serializer;

template <class T>
struct Serializer<T, std::enable_if_t<std::is_trivially_copyable_v<T>>> {
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

template <>
struct Serializer<std::string> {
  static void write(Writer& w, const std::string& s) {
    w.size(s.size());
    w.bytes(s.data(), s.size());
  }
  static std::string read(Reader& r) {
    std::string s(r.size(), '\0');
    r.bytes(s.data(), s.size());
    return s;
  }
};

template <class T, class A>
  requires Serializable<T>
struct Serializer<std::vector<T, A>> {
  static void write(Writer& w, const std::vector<T, A>& v) {
    w.size(v.size());
    if constexpr (std::is_trivially_copyable_v<T> && !std::is_same_v<T, bool>) {
      w.bytes(v.data(), v.size() * sizeof(T));  // one copy for the whole batch
    } else {
      for (const auto& x : v) renoir::transport::write(w, static_cast<const T&>(x));
    }
  }
  static std::vector<T, A> read(Reader& r) {
    const std::size_t n = r.size();
    std::vector<T, A> v;
    if constexpr (std::is_trivially_copyable_v<T> && !std::is_same_v<T, bool>) {
      if (n > r.remaining() / (sizeof(T) ? sizeof(T) : 1)) throw std::runtime_error("serialization: truncated vector");
      v.resize(n);
      r.bytes(v.data(), n * sizeof(T));
    } else {
      v.reserve(std::min<std::size_t>(n, r.remaining()));
      for (std::size_t i = 0; i < n; ++i) v.push_back(renoir::transport::read<T>(r));
    }
    return v;
  }
};

template <class A, class B>
  requires(Serializable<A> && Serializable<B> && !std::is_trivially_copyable_v<std::pair<A, B>>)
struct Serializer<std::pair<A, B>> {
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

template <class... Ts>
  requires((Serializable<Ts> && ...) && !std::is_trivially_copyable_v<std::tuple<Ts...>>)
struct Serializer<std::tuple<Ts...>> {
  static void write(Writer& w, const std::tuple<Ts...>& t) {
    std::apply([&](const auto&... x) { (renoir::transport::write(w, x), ...); }, t);
  }
  static std::tuple<Ts...> read(Reader& r) { return std::tuple<Ts...>{renoir::transport::read<Ts>(r)...}; }
};

template <class T>
  requires(Serializable<T> && !std::is_trivially_copyable_v<std::optional<T>>)
struct Serializer<std::optional<T>> {
  static void write(Writer& w, const std::optional<T>& o) {
    w.pod(static_cast<std::uint8_t>(o.has_value()));
    if (o) renoir::transport::write(w, *o);
  }
  static std::optional<T> read(Reader& r) {
    if (!r.pod<std::uint8_t>()) return std::nullopt;
    return renoir::transport::read<T>(r);
  }
};

namespace detail {
template <class M>
struct MapSerializer {
  static void write(Writer& w, const M& m) {
    w.size(m.size());
    for (const auto& [k, v] : m) {
      renoir::transport::write(w, k);
      renoir::transport::write(w, v);
    }
  }
  static M read(Reader& r) {
    M m;
    const std::size_t n = r.size();
    for (std::size_t i = 0; i < n; ++i) {
      auto k = renoir::transport::read<typename M::key_type>(r);
      auto v = renoir::transport::read<typename M::mapped_type>(r);
      m.emplace(std::move(k), std::move(v));
    }
    return m;
  }
};
}  // namespace detail

template <class K, class V, class C, class A>
  requires(Serializable<K> && Serializable<V>)
struct Serializer<std::map<K, V, C, A>> : detail::MapSerializer<std::map<K, V, C, A>> {};
template <class K, class V, class H, class E, class A>
  requires(Serializable<K> && Serializable<V>)
struct Serializer<std::unordered_map<K, V, H, E, A>> : detail::MapSerializer<std::unordered_map<K, V, H, E, A>> {};

}  // namespace renoir::transport
