// Type helpers for the fluent API: result types of user callables and accumulation styles.
#pragma once
#include <concepts>
#include <functional>
#include <iterator>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace renoir::detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

/// Non-owning types, which must not cross a block boundary.
template <class T>
struct is_view : std::false_type {};
template <class C, class Tr>
struct is_view<std::basic_string_view<C, Tr>> : std::true_type {};
template <class T, std::size_t N>
struct is_view<std::span<T, N>> : std::true_type {};
template <class A, class B>
struct is_view<std::pair<A, B>> : std::bool_constant<is_view<A>::value || is_view<B>::value> {};

/// How a grouping key is stored: a std::string_view key (a view into the item) is stored as a
/// std::string, and looked up without building one (see KeyMap).
template <class K>
struct owned_key {
  using type = K;
};
template <>
struct owned_key<std::string_view> {
  using type = std::string;
};
template <class K>
using owned_key_t = typename owned_key<K>::type;

/// Anything a range-for can walk (vector, list, generator-like ranges).
template <class R>
concept Iterable = requires(R& r) {
  std::begin(r);
  std::end(r);
};

/// The element type of a range: the iterator's value_type where it has one (std::vector<bool>
/// dereferences to a proxy, yet holds bool), else what dereferencing gives.
template <class It>
struct iter_value {
  using type = std::remove_cvref_t<decltype(*std::declval<It&>())>;
};
template <class It>
  requires requires { typename std::iter_value_t<It>; }
struct iter_value<It> {
  using type = std::iter_value_t<It>;
};

template <class R>
using iter_value_t = typename iter_value<decltype(std::begin(std::declval<R&>()))>::type;

/// Folds `item` into `acc`: with `f(acc&, item)` in place, or `acc = f(acc, item)`.
template <class F, class Acc, class X>
inline void accumulate(F& f, Acc& acc, X&& item) {
  if constexpr (std::is_invocable_r_v<void, F&, Acc&, X&&> &&
                std::is_void_v<std::invoke_result_t<F&, Acc&, X&&>>) {
    std::invoke(f, acc, std::forward<X>(item));
  } else {
    static_assert(std::is_invocable_v<F&, Acc&&, X&&>,
                  "renoir: a fold function must be callable as f(Acc&, T) -> void or f(Acc, T) -> Acc");
    acc = std::invoke(f, std::move(acc), std::forward<X>(item));
  }
}

/// Calls a keyed function with `(key, value)` if it takes two arguments, else with the pair.
template <class F, class K, class V>
inline decltype(auto) invoke_kv(F& f, const K& key, V&& value) {
  if constexpr (std::is_invocable_v<F&, const K&, V&&>) {
    return std::invoke(f, key, std::forward<V>(value));
  } else {
    return std::invoke(f, std::pair<const K&, V&&>(key, std::forward<V>(value)));
  }
}

template <class F, class K, class V>
using kv_result_t = std::remove_cvref_t<decltype(invoke_kv(std::declval<F&>(), std::declval<const K&>(),
                                                           std::declval<V&&>()))>;

}  // namespace renoir::detail
