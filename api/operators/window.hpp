// window / window_all: per-key (or whole-stream) windows and their aggregators.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <renoir/api/windows/aggregators.hpp>
#include <renoir/api/windows/descriptions.hpp>
#include <renoir/api/windows/managers.hpp>
#include <renoir/core/event_time.hpp>
#include <renoir/core/op_base.hpp>
#include <renoir/core/ticker.hpp>

namespace renoir {
namespace windows {
/// What moves a window kind's state on: the watermark (event time, and transaction commits),
/// the replica's clock, or nothing but items and the end.
enum class Axis { event, clock, items };

template <class K, class V, class Agg>
auto make_manager(const CountWindow& d, Agg agg, bool) {
  return std::pair{CountWindows<K, V, Agg>{std::move(agg), d.size, d.slide}, Axis::items};
}
template <class K, class V, class Agg>
auto make_manager(const EventTimeWindow& d, Agg agg, bool timestamped) {
  if (!timestamped)
    throw std::logic_error(
        "renoir: an EventTimeWindow needs a timestamped stream: call add_timestamps(ts_fn, watermark_fn) upstream");
  return std::pair{time_windows<K, V>(std::move(agg), d.size, d.slide), Axis::event};
}
template <class K, class V, class Agg>
auto make_manager(const ProcessingTimeWindow& d, Agg agg, bool) {
  return std::pair{time_windows<K, V>(std::move(agg), d.size_ms, d.slide_ms), Axis::clock};
}
template <class K, class V, class Agg>
auto make_manager(const SessionWindow& d, Agg agg, bool timestamped) {
  return std::pair{SessionWindows<K, V, Agg>{std::move(agg), d.gap, timestamped}, timestamped ? Axis::event : Axis::clock};
}
template <class K, class V, class Agg, class F>
auto make_manager(const TransactionWindow<F>& d, Agg agg, bool) {
  return std::pair{TransactionWindows<K, V, Agg, F>{std::move(agg), d.logic}, Axis::items};
}

/// The window operator: feeds items to the manager, moves it on with the watermark or the
/// clock, emits closed windows as (key, result) (or the result alone for window_all), each
/// stamped with its window's event time, before passing the watermark on.
template <class K, class Manager, bool keyed, class Next>
struct WindowOp : core::Forward<Next> {
  using Out = typename Manager::Out;
  Manager m;
  Axis axis;
  bool timestamped;
  core::LateItems late;
  core::Timestamp wm = core::no_watermark;
  Position seq = 0;
  std::uint64_t now = 0;
  bool timer = false;

  WindowOp(Next next, Manager manager, Axis a, bool ts, std::shared_ptr<std::atomic<std::uint64_t>> late_items)
      : core::Forward<Next>{std::move(next)}, m(std::move(manager)), axis(a), timestamped(ts),
        late{std::move(late_items)} {}
  WindowOp(WindowOp&& o) noexcept(std::is_nothrow_move_constructible_v<Manager> && std::is_nothrow_move_constructible_v<Next>)
      : core::Forward<Next>{std::move(o.next)}, m(std::move(o.m)), axis(o.axis), timestamped(o.timestamped),
        late(std::move(o.late)), wm(o.wm), seq(o.seq), now(o.now) {}  // never registered yet
  WindowOp& operator=(WindowOp&&) = delete;
  ~WindowOp() {
    if (timer) core::remove_replica_timer(this);
  }

  template <class X>
  void push(X&& x) {
    if constexpr (keyed) {
      add(x.first, x.second);
    } else {
      add(All{}, x);
    }
  }
  void watermark(core::Timestamp t) {
    wm = t;
    if (axis != Axis::clock) m.advance(t, emitter());
    this->next.watermark(t);
  }
  void flush() {
    if (axis == Axis::clock) tick();
    this->next.flush();
  }
  void restart() {
    m.end(emitter());
    wm = core::no_watermark;
    this->next.restart();
  }
  void end() {
    m.end(emitter());
    late.report("a window");
    if (timer) core::remove_replica_timer(this), timer = false;
    this->next.end();
  }

 private:
  template <class KK, class V>
  void add(const KK& k, const V& v) {
    switch (axis) {
      case Axis::event: {
        const core::Timestamp t = core::current_timestamp();
        if (t < wm) {
          ++late.count;
          return;
        }
        m.push(k, v, t, t, emitter());
        return;
      }
      case Axis::clock:
        if (!timer) {
          timer = true;
          core::add_replica_timer({this, [](void* self) { static_cast<WindowOp*>(self)->tick(); }});
        }
        if (core::ticks().load(std::memory_order_relaxed) != now) tick();
        m.push(k, v, static_cast<core::Timestamp>(now), seq++, emitter());
        return;
      case Axis::items:
        m.push(k, v, timestamped ? core::current_timestamp() : 0, seq++, emitter());
        return;
    }
  }
  void tick() {
    now = core::ticks().load(std::memory_order_relaxed);
    m.advance(static_cast<core::Timestamp>(now), emitter());
  }
  auto emitter() {
    return [this](const K& k, Out&& out, core::Timestamp stamp) {
      core::set_current_timestamp(stamp);
      if constexpr (keyed) {
        this->next.push(std::pair<K, Out>(k, std::move(out)));
      } else {
        this->next.push(std::move(out));
      }
    };
  }
};
}  // namespace windows

/// A keyed (or whole) stream with a window description: pick what each window computes.
/// Keyed: `keyed.window(d).count()` is a KeyedStream of (key, count), one pair per key and
/// window. Whole: `stream.window_all(d).count()` is a Stream of counts, one per window, in one
/// replica. Windows with no item emit nothing.
namespace windows {
template <class Base, bool keyed>
struct Types {
  using K = typename Base::key_type;
  using V = typename Base::mapped_type;
};
template <class Base>
struct Types<Base, false> {
  using K = All;
  using V = typename Base::value_type;
};
}  // namespace windows

template <class Base, class Descr, bool keyed>
class WindowedStream {
 public:
  using K = typename windows::Types<Base, keyed>::K;
  using V = typename windows::Types<Base, keyed>::V;

  WindowedStream(Base base, Descr descr) : base_(std::move(base)), descr_(std::move(descr)) {}

  /// Folds the window's items in arrival order: f(Acc&, const V&) or f(Acc, V) -> Acc.
  template <class Acc, class F> auto fold(Acc init, F f) const { return build(windows::Fold<V, Acc, F>{std::move(init), std::move(f)}); }
  /// Reduces the window's items in arrival order: f(V&, const V&) or f(V, V) -> V.
  template <class F> auto reduce(F f) const { return build(windows::Reduce<V, F>{std::move(f)}); }
  /// The number of items (std::size_t).
  auto count() const { return build(windows::Count<V>{}); }
  /// The sum of the items (V{} += item).
  auto sum() const { return build(windows::Sum<V, V, windows::Self>{}); }
  /// The sum of value(item), as `Acc` (default: what value returns).
  template <class Acc = void, class ValueFn> auto sum(ValueFn value) const {
    using R = std::conditional_t<std::is_void_v<Acc>, std::decay_t<std::invoke_result_t<ValueFn&, const V&>>, Acc>;
    return build(windows::Sum<V, R, ValueFn>{std::move(value)});
  }
  /// The mean of the items (double).
  auto avg() const { return build(windows::Avg<V, windows::Self>{}); }
  /// The mean of value(item) (double).
  template <class ValueFn> auto avg(ValueFn value) const { return build(windows::Avg<V, ValueFn>{std::move(value)}); }
  /// The smallest item (operator<); among equals the first in window order.
  auto min() const { return build(windows::Extreme<V, windows::Self, false>{}); }
  /// The largest item; among equals the first in window order.
  auto max() const { return build(windows::Extreme<V, windows::Self, true>{}); }
  /// The item with the smallest key(item).
  template <class KeyFn> auto min_by(KeyFn key) const { return build(windows::Extreme<V, KeyFn, false>{std::move(key)}); }
  /// The item with the largest key(item).
  template <class KeyFn> auto max_by(KeyFn key) const { return build(windows::Extreme<V, KeyFn, true>{std::move(key)}); }
  /// The first item in window order: the earliest timestamp on event time, else the first to arrive.
  auto first() const { return build(windows::Nth<V, false>{}); }
  /// The last item in window order.
  auto last() const { return build(windows::Nth<V, true>{}); }
  /// Every item of the window, in window order (std::vector<V>).
  auto collect_vec() const { return build(windows::CollectVec<V>{}); }

 private:
  Base base_;
  Descr descr_;

  template <class Agg>
  auto build(Agg agg) const {
    const bool timestamped = stream().options().timestamped;
    auto [manager, axis] = windows::make_manager<K, V>(descr_, std::move(agg), timestamped);
    using M = decltype(manager);
    using Out = typename M::Out;
    auto make = [manager = std::move(manager), axis = axis, timestamped, late = stream().job()->late_items](auto next) {
      return windows::WindowOp<K, M, keyed, decltype(next)>(std::move(next), manager, axis, timestamped, late);
    };
    if constexpr (keyed) {
      return detail::keyed(stream().template then<std::pair<K, Out>>(std::move(make)));
    } else {
      return stream().template then<Out>(std::move(make));
    }
  }
  decltype(auto) stream() const {
    if constexpr (keyed) return base_.unkey();
    else return (base_);
  }
};

template <class K, class V, class S, class O>
template <class Descr>
auto KeyedStream<K, V, S, O>::window(Descr descr) const {
  return WindowedStream<KeyedStream, Descr, true>(*this, std::move(descr));
}

template <class T, class S, class O>
template <class Descr>
auto Stream<T, S, O>::window_all(Descr descr) const {
  auto one = gather();
  return WindowedStream<decltype(one), Descr, false>(std::move(one), std::move(descr));
}

}  // namespace renoir
