// StreamOutput<T>: the result of a collecting sink, available after execution.
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace renoir {

namespace detail {
template <class T>
struct OutputSlot {
  std::mutex mutex;
  std::optional<T> value;
  void set(T v) {
    std::lock_guard lock(mutex);
    value = std::move(v);
  }
};
}  // namespace detail

/// Handle to what a sink such as `collect_vec` gathered. Empty until `execute_blocking()`
/// returns, and on hosts other than the one that collects (host 0) in a distributed run.
template <class T>
class StreamOutput {
 public:
  explicit StreamOutput(std::shared_ptr<detail::OutputSlot<T>> slot) : slot_(std::move(slot)) {}

  /// Takes the result out (as Renoir's `get`): a second call returns std::nullopt.
  std::optional<T> get() {
    std::lock_guard lock(slot_->mutex);
    return std::exchange(slot_->value, std::nullopt);
  }

  /// True if a result is there to take.
  bool ready() const {
    std::lock_guard lock(slot_->mutex);
    return slot_->value.has_value();
  }

 private:
  std::shared_ptr<detail::OutputSlot<T>> slot_;
};

}  // namespace renoir
