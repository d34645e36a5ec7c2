// add_timestamps / drop_timestamps: give a stream event time and watermarks, or take them away.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include <renoir/core/event_time.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
/// Stamps each item with ts(item) and, after it, passes on wm(item, ts) when that is a watermark
/// larger than the last one (watermarks only grow). Both callables are per-replica copies.
///
/// An item behind this replica's last watermark is late: counted and dropped here, where that
/// is decided by this replica's own order, whatever the timing. Downstream no item can then be
/// late: a receiver's watermark is the minimum over its senders of watermarks each sent before
/// its later items, and the operators that emit items of their own stamp them at or after the
/// watermark they have seen. (Watermarks may travel later than the items that followed them,
/// riding on the next batch, which never makes an item late.)
template <class TsFn, class WmFn, class Next>
struct AddTimestamps : core::Forward<Next> {
  TsFn ts;
  WmFn wm;
  core::LateItems late;
  core::Timestamp last = core::no_watermark;

  template <class X>
  void push(X&& x) {
    const core::Timestamp t = std::invoke(ts, std::as_const(x));
    if (t < last) {
      ++late.count;
      return;
    }
    std::optional<core::Timestamp> w = std::invoke(wm, std::as_const(x), t);
    core::set_current_timestamp(t);
    this->next.push(std::forward<X>(x));
    if (w && *w > last) {
      last = *w;
      this->next.watermark(*w);
    }
  }
  /// Upstream watermarks mean nothing for the new timestamps.
  void watermark(core::Timestamp) {}
  void end() {
    late.report("add_timestamps");
    this->next.end();
  }
};

/// Drops watermarks (the stream's items no longer carry event time).
template <class Next>
struct DropTimestamps : core::Forward<Next> {
  template <class X>
  void push(X&& x) {
    this->next.push(std::forward<X>(x));
  }
  void watermark(core::Timestamp) {}
};
}  // namespace ops

/// A watermark generator for add_timestamps: every `every` items (per replica), the largest
/// timestamp seen minus `max_delay` (items at most `max_delay` out of order are not late).
struct BoundedOutOfOrder {
  Timestamp max_delay = 0;
  std::size_t every = 1;
  std::size_t seen = 0;
  Timestamp latest = core::no_watermark;

  std::optional<Timestamp> operator()(const auto&, Timestamp t) {
    latest = std::max(latest, t);
    if (++seen < every) return std::nullopt;
    seen = 0;
    return latest - max_delay;
  }
};

template <class T, class S, class O>
template <class TsFn, class WmFn>
auto Stream<T, S, O>::add_timestamps(TsFn ts, WmFn wm) const {
  static_assert(std::is_convertible_v<std::invoke_result_t<TsFn&, const T&>, Timestamp>,
                "renoir: add_timestamps expects ts(const T&) -> renoir::Timestamp");
  static_assert(std::is_convertible_v<std::invoke_result_t<WmFn&, const T&, Timestamp>, std::optional<Timestamp>>,
                "renoir: add_timestamps expects watermark(const T&, Timestamp) -> std::optional<renoir::Timestamp>");
  auto s = this->template then<T>([ts, wm, late = job_->late_items](auto next) {
    return ops::AddTimestamps<TsFn, WmFn, decltype(next)>{{std::move(next)}, ts, wm, {late}};
  });
  return s.with_timestamps(true);
}

template <class T, class S, class O>
auto Stream<T, S, O>::drop_timestamps() const {
  auto s = this->template then<T>([](auto next) { return ops::DropTimestamps<decltype(next)>{{std::move(next)}}; });
  return s.with_timestamps(false);
}

}  // namespace renoir
