// map_memo / map_memo_by: map through a bounded per-replica cache of f's results.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/unordered/unordered_flat_map.hpp>

#include <renoir/api/traits.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {

/// At most `capacity` results, in two generations: lookups search `hot`, then `cold`; a hit
/// in `cold` moves to `hot`; when `hot` holds capacity/2 entries it becomes `cold` (the old
/// `cold`, the entries unused for a whole generation, is dropped). An approximate LRU with O(1)
/// steps and no allocation once both tables have grown: clear() keeps their buckets.
template <class K, class U>
class MemoCache {
 public:
  explicit MemoCache(std::size_t capacity) : limit_(capacity < 2 ? 1 : capacity / 2), single_(capacity < 2) {}

  /// The stored result for `key`, or `make()` stored then returned.
  template <class Make>
  const U& get_or_insert(K&& key, Make&& make) {
    if (auto it = hot_.find(key); it != hot_.end()) return it->second;
    if (auto it = cold_.find(key); it != cold_.end()) {
      U value = std::move(it->second);
      cold_.erase(it);
      return insert(std::move(key), std::move(value));
    }
    return insert(std::move(key), std::invoke(make));
  }

  std::size_t size() const { return hot_.size() + cold_.size(); }

 private:
  const U& insert(K&& key, U&& value) {
    if (hot_.size() >= limit_) {
      if (single_) {
        hot_.clear();  // capacity 1: one entry, no second generation
      } else {
        std::swap(hot_, cold_);
        hot_.clear();
      }
    }
    return hot_.emplace(std::move(key), std::move(value)).first->second;
  }

  std::size_t limit_;
  bool single_;
  boost::unordered_flat_map<K, U> hot_, cold_;
};

/// `f(item)` memoized by `key(item)`, per replica.
template <class K, class U, class F, class KeyFn, class Next>
struct MapMemo : core::Forward<Next> {
  F f;
  KeyFn key;
  MemoCache<K, U> cache;
  template <class X>
  void push(X&& x) {
    K k(std::invoke(key, std::as_const(x)));
    this->next.push(U(cache.get_or_insert(std::move(k), [&] { return U(std::invoke(f, std::forward<X>(x))); })));
  }
};

/// The item itself as its cache key.
struct SelfKey {
  template <class X>
  const X& operator()(const X& x) const {
    return x;
  }
};

inline void check_memo_capacity(std::size_t capacity, const char* verb) {
  if (capacity == 0)
    throw std::invalid_argument(std::string("renoir: ") + verb + ": capacity must be at least 1 (the number of results "
                                "each replica remembers)");
}
}  // namespace ops

template <class T, class S, class O>
template <class F, class KeyFn>
auto Stream<T, S, O>::map_memo_by(F f, KeyFn key, std::size_t capacity) const {
  static_assert(std::is_invocable_v<F&, T&&>, "renoir: map_memo_by expects f(T) -> U");
  static_assert(std::is_invocable_v<KeyFn&, const T&>, "renoir: map_memo_by expects key(const T&) -> K");
  detail::check_no_dangling_view<F>();
  detail::check_no_dangling_view<KeyFn>();
  using U = std::decay_t<std::invoke_result_t<F&, T&&>>;
  static_assert(!std::is_void_v<U>, "renoir: map_memo's callable must return a value");
  static_assert(!detail::is_view<U>::value,
                "renoir: map_memo's results are kept after the item is gone: return an owning type, not a view");
  static_assert(std::is_copy_constructible_v<U>, "renoir: map_memo's results must be copyable (one copy per hit)");
  // A std::string_view key (a view into the item) is kept as std::string.
  using K = detail::owned_key_t<std::decay_t<std::invoke_result_t<KeyFn&, const T&>>>;
  ops::check_memo_capacity(capacity, "map_memo");
  return this->template then<U>([f, key, capacity](auto next) {
    return ops::MapMemo<K, U, F, KeyFn, decltype(next)>{{std::move(next)}, f, key, ops::MemoCache<K, U>(capacity)};
  });
}

template <class T, class S, class O>
template <class F>
auto Stream<T, S, O>::map_memo(F f, std::size_t capacity) const {
  return map_memo_by(std::move(f), ops::SelfKey{}, capacity);
}

}  // namespace renoir
