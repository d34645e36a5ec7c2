// core::Network over a renoir::transport::Transport (one peer per host).
#include <renoir/core/transport_network.hpp>

#include <thread>

namespace renoir::core {

void TransportNetwork::send(std::size_t host, std::uint32_t channel, std::vector<std::byte>&& bytes,
                            const RunState& run) {
  // No credit: the receiving host is behind. Back off (the caller is a replica thread, and the
  // transport returns credits as the receiver consumes) until it catches up or the job stops.
  auto backoff = std::chrono::microseconds(5);
  while (!t_.try_send(static_cast<transport::PeerId>(host), channel, 0, bytes)) {
    run.throw_if_cancelled();
    std::this_thread::sleep_for(backoff);
    if (backoff < std::chrono::microseconds(500)) backoff *= 2;
  }
}

bool TransportNetwork::try_receive(std::uint32_t& channel, std::vector<std::byte>& bytes) {
  if (next_ == batch_.size()) {
    batch_.clear();
    next_ = 0;
    if (t_.poll(batch_, 64) == 0) return false;
  }
  channel = batch_[next_].channel;
  bytes = std::move(batch_[next_].payload);
  ++next_;
  return true;
}

void TransportNetwork::wait(std::chrono::microseconds timeout) {
  if (next_ < batch_.size()) return;
  batch_.clear();
  next_ = 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout);
  t_.wait(batch_, ms, 64);
}

}  // namespace renoir::core
