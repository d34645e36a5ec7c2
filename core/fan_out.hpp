// The control half of a terminal that feeds several emitters (split, route): each call goes to
// every output; the operator adds its own push().
#pragma once
#include <renoir/core/event_time.hpp>

namespace renoir::core {

/// `Outs` is a range of emitters (std::vector or std::array). Aggregate: the first initializer
/// of a derived aggregate is this base, `{outs}`.
template <class Outs>
struct FanOut {
  Outs outs;

  void flush() {
    for (auto& o : outs) o.flush();
  }
  void watermark(Timestamp t) {
    for (auto& o : outs) o.watermark(t);
  }
  void restart() {
    for (auto& o : outs) o.restart();
  }
  void end() {
    for (auto& o : outs) o.end();
  }
};

}  // namespace renoir::core
