// reorder: emits a timestamped stream's items in timestamp order, as the watermark passes them.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <renoir/core/event_time.hpp>
#include <renoir/core/op_base.hpp>

namespace renoir {
namespace ops {
/// Holds items in a min-heap by (timestamp, arrival) until a watermark passes them, then emits
/// them in order before the watermark; at the end, all that is left. Late items (behind the
/// last watermark) are counted and dropped: emitting them would break the order.
template <class T, class Next>
struct Reorder : core::Forward<Next> {
  struct Held {
    core::Timestamp ts;
    std::uint64_t seq;
    T item;
  };
  core::LateItems late;
  std::vector<Held> heap{};
  core::Timestamp wm = core::no_watermark;
  std::uint64_t seq = 0;

  static bool after(const Held& a, const Held& b) { return a.ts != b.ts ? a.ts > b.ts : a.seq > b.seq; }

  template <class X>
  void push(X&& x) {
    const core::Timestamp t = core::current_timestamp();
    if (t < wm) {
      ++late.count;
      return;
    }
    heap.push_back(Held{t, seq++, T(std::forward<X>(x))});
    std::push_heap(heap.begin(), heap.end(), after);
  }
  void watermark(core::Timestamp t) {
    wm = t;
    release(t);
    this->next.watermark(t);
  }
  void restart() {
    release(core::final_watermark);
    wm = core::no_watermark;
    this->next.restart();
  }
  void end() {
    release(core::final_watermark);
    late.report("reorder");
    this->next.end();
  }

 private:
  /// Emits the items with a timestamp below `t` (all of them for the final watermark).
  void release(core::Timestamp t) {
    while (!heap.empty() && (heap.front().ts < t || t == core::final_watermark)) {
      std::pop_heap(heap.begin(), heap.end(), after);
      core::set_current_timestamp(heap.back().ts);
      this->next.push(std::move(heap.back().item));
      heap.pop_back();
    }
  }
};
}  // namespace ops

template <class T, class S, class O>
auto Stream<T, S, O>::reorder() const {
  if (!options_.timestamped)
    throw std::logic_error("renoir: reorder() needs a timestamped stream: call add_timestamps upstream");
  return this->template then<T>([late = job_->late_items](auto next) {
    return ops::Reorder<T, decltype(next)>{{std::move(next)}, {late}};
  });
}

}  // namespace renoir
