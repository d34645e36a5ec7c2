// The comparators sorted_by and sorted_limit_by accept: a less-than, or a three-way `<=>`.
#pragma once
#include <compare>
#include <concepts>
#include <functional>
#include <type_traits>

namespace renoir::detail {

/// What `cmp(a, b)` returns for two `const T&`, or void if it cannot be called that way.
template <class Cmp, class T>
using comparator_result_t =
    typename std::conditional_t<std::is_invocable_v<const Cmp&, const T&, const T&>,
                                std::invoke_result<const Cmp&, const T&, const T&>, std::type_identity<void>>::type;

/// A less-than: `cmp(a, b)` is a bool (or a class convertible to bool), not a number.
template <class Cmp, class T>
concept LessThan = !std::is_void_v<comparator_result_t<Cmp, T>> &&
                   std::convertible_to<comparator_result_t<Cmp, T>, bool> &&
                   (std::same_as<std::remove_cvref_t<comparator_result_t<Cmp, T>>, bool> ||
                    !std::is_arithmetic_v<std::remove_cvref_t<comparator_result_t<Cmp, T>>>);

/// A three-way comparator, as Rust's `cmp`: `cmp(a, b)` is std::strong_ordering or
/// std::weak_ordering (a total order: std::partial_ordering, as `<=>` on doubles, is not).
template <class Cmp, class T>
concept ThreeWay = std::same_as<std::remove_cvref_t<comparator_result_t<Cmp, T>>, std::strong_ordering> ||
                   std::same_as<std::remove_cvref_t<comparator_result_t<Cmp, T>>, std::weak_ordering>;

template <class Cmp, class T>
concept Comparator = LessThan<Cmp, T> || ThreeWay<Cmp, T>;

/// The message of the static_assert that refuses any other callable.
#define RENOIR_COMPARATOR_MESSAGE                                                                        \
  "renoir: sorted_by / sorted_limit_by expect a comparator callable as cmp(const T&, const T&) that "   \
  "returns either bool (a less-than: a < b) or std::strong_ordering / std::weak_ordering (three-way, "   \
  "like Rust's cmp: a <=> b); for doubles, whose <=> is a std::partial_ordering, write "                 \
  "std::strong_order(a, b) or a < b"

/// A comparator turned into the less-than that std::stable_sort wants.
template <class Cmp>
struct AsLess {
  Cmp cmp;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    if constexpr (std::is_same_v<std::remove_cvref_t<std::invoke_result_t<const Cmp&, const A&, const B&>>,
                                 std::strong_ordering> ||
                  std::is_same_v<std::remove_cvref_t<std::invoke_result_t<const Cmp&, const A&, const B&>>,
                                 std::weak_ordering>)
      return std::invoke(cmp, a, b) < 0;
    else
      return static_cast<bool>(std::invoke(cmp, a, b));
  }
};

}  // namespace renoir::detail
