// core::Network over a renoir::transport::Transport (one peer per host).
#pragma once
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include <renoir/core/network.hpp>
#include <renoir/transport/transport.hpp>

namespace renoir::core {

class TransportNetwork final : public Network {
 public:
  explicit TransportNetwork(transport::Transport& t) : t_(t) {}

  void send(std::size_t host, std::uint32_t channel, std::vector<std::byte>&& bytes, const RunState& run) override;
  bool try_receive(std::uint32_t& channel, std::vector<std::byte>& bytes) override;
  void wait(std::chrono::microseconds timeout) override;

 private:
  transport::Transport& t_;
  std::vector<transport::Message> batch_;  // received, not yet handed out (network thread only)
  std::size_t next_ = 0;
};

}  // namespace renoir::core
