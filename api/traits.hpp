// Type helpers for the fluent API: result types of user callables and accumulation styles.
#pragma once
#include <concepts>
#include <cstddef>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace renoir::detail {
/// a + b, or SIZE_MAX ("no limit") if that overflows.
inline std::size_t saturating_add(std::size_t a, std::size_t b) {
  return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max() : a + b;
}


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

template <class T>
struct is_view<std::optional<T>> : is_view<T> {};

/// The key of a keyed pair, for the pair that replaces it: moved, unless the new value `U` is a
/// view that may point into the key (a moved short string keeps no bytes where they were).
template <class U, class K>
constexpr decltype(auto) pass_key(K& key) noexcept {
  if constexpr (is_view<U>::value)
    return static_cast<const K&>(key);
  else
    return std::move(key);
}

/// Owning buffers: a view into one taken by value dies with the parameter.
template <class T>
struct is_owning_buffer : std::false_type {};
template <class C, class Tr, class A>
struct is_owning_buffer<std::basic_string<C, Tr, A>> : std::true_type {};
template <class T, class A>
struct is_owning_buffer<std::vector<T, A>> : std::true_type {};

/// Result and parameters of a callable with one non-template call operator (or a function).
/// `known` is false for generic lambdas and overloaded function objects.
template <class F, class = void>
struct signature {
  static constexpr bool known = false;
};
template <class F>
struct signature<F, std::void_t<decltype(&F::operator())>> : signature<decltype(&F::operator())> {};
template <class R, class... A>
struct signature<R (*)(A...)> {
  static constexpr bool known = true;
  using result = R;
  static constexpr bool owning_by_value = (... || (!std::is_reference_v<A> && is_owning_buffer<std::remove_cv_t<A>>::value));
};
template <class R, class... A>
struct signature<R (*)(A...) noexcept> : signature<R (*)(A...)> {};
template <class R, class C, class... A>
struct signature<R (C::*)(A...)> : signature<R (*)(A...)> {};
template <class R, class C, class... A>
struct signature<R (C::*)(A...) const> : signature<R (*)(A...)> {};
template <class R, class C, class... A>
struct signature<R (C::*)(A...) noexcept> : signature<R (*)(A...)> {};
template <class R, class C, class... A>
struct signature<R (C::*)(A...) const noexcept> : signature<R (*)(A...)> {};

/// True if `F` takes a std::string or std::vector by value and returns a view (string_view,
/// span, or an optional or pair of one): the view can only point into the parameter, which
/// dies when F returns. (Generic lambdas are not checked.)
template <class F>
constexpr bool returns_view_into_by_value_param() {
  using Sig = signature<std::decay_t<F>>;
  if constexpr (!Sig::known)
    return false;
  else
    return Sig::owning_by_value && is_view<std::remove_cvref_t<typename Sig::result>>::value;
}

/// Fails to compile for the callables of returns_view_into_by_value_param (called by the verbs
/// whose callable's result stays in use: map, filter_map, flat_map, key functions).
template <class F>
constexpr void check_no_dangling_view() {
  static_assert(!returns_view_into_by_value_param<F>(),
                "renoir: this callable takes a std::string or std::vector by value and returns a view (string_view, "
                "span) into it, which dangles once the callable returns: take the parameter by const reference (the "
                "view then points into the item) or return an owning type");
}

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
