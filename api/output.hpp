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

/// Thrown when an empty Taken<T> is dereferenced: the result was already taken, the job has not
/// run, or this host does not collect. A std::bad_optional_access with a message that says so.
class NoOutput : public std::bad_optional_access {
 public:
  const char* what() const noexcept override {
    return "renoir: no result in this StreamOutput (get() takes it: was it taken already, has the job run, "
           "is this the collecting host?)";
  }
};

/// What StreamOutput<T>::get() returns: a std::optional<T> that owns the result and can be
/// dereferenced safely where it is a temporary. On a temporary, `*` and `value()` give the T
/// itself (moved out), so that the natural forms keep the data alive:
/// ```cpp
/// for (auto& x : *out.get()) ...                       // the range is a T, not a reference into a dead optional
/// if (auto r = out.get()) for (auto& [w, n] : *r) ...  // on a named one, `*` and `->` give references
/// auto v = *out.get();                                 // a T
/// const auto& c = *out.get();                          // a T, lifetime-extended
/// ```
/// (`out.get()->member` is fine within one expression; a reference to a member of a temporary
/// still dies with it.) Unlike std::optional, `*` and `->` on an empty one throw NoOutput
/// instead of being undefined.
template <class T>
class Taken : public std::optional<T> {
  using Base = std::optional<T>;

 public:
  using Base::Base;
  using Base::operator=;
  Taken(Base value) : Base(std::move(value)) {}

  T& operator*() & { return checked(); }
  const T& operator*() const& { return checked(); }
  /// On a temporary: the value itself (moved out of it), not a reference into it.
  T operator*() && { return std::move(checked()); }
  T operator*() const&& { return checked(); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &checked(); }

  T& value() & { return checked(); }
  const T& value() const& { return checked(); }
  /// On a temporary: the value itself (moved out of it), not a reference into it.
  T value() && { return std::move(checked()); }
  T value() const&& { return checked(); }

 private:
  T& checked() {
    if (!this->has_value()) throw NoOutput();
    return Base::operator*();
  }
  const T& checked() const {
    if (!this->has_value()) throw NoOutput();
    return Base::operator*();
  }
};

/// Handle to what a sink such as `collect_vec` gathered. Empty until `execute_blocking()`
/// returns, and on hosts other than the one that collects (host 0) in a distributed run.
template <class T>
class StreamOutput {
 public:
  explicit StreamOutput(std::shared_ptr<detail::OutputSlot<T>> slot) : slot_(std::move(slot)) {}

  /// Takes the result out (as Renoir's `get`): a second call returns an empty Taken. The
  /// result is safe to dereference in place: `for (auto& x : *out.get())` (see Taken).
  Taken<T> get() {
    std::lock_guard lock(slot_->mutex);
    return Taken<T>(std::exchange(slot_->value, std::nullopt));
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
