// core::Network over a renoir::transport::Transport (one peer per host).
#pragma once
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include <renoir/core/channel_credits.hpp>
#include <renoir/core/network.hpp>
#include <renoir/transport/transport.hpp>

namespace renoir::core {

class TransportNetwork final : public Network {
 public:
  explicit TransportNetwork(transport::Transport& t) : t_(t) {}

  void prepare(std::uint32_t channels) override;
  void send(std::size_t host, std::uint32_t channel, std::vector<std::byte>&& bytes, const RunState& run) override;
  void consumed(std::size_t host, std::uint32_t channel, std::uint32_t n) override;
  void flush_consumed() override;
  bool try_receive(std::uint32_t& channel, std::vector<std::byte>& bytes) override;
  void wait(std::chrono::microseconds timeout) override;
  void tick(std::string_view status) override;

  /// End of this process's part of the job: tells every other host, then waits until every
  /// other host said the same, and until what we sent has left. A host's last batches reach
  /// their receivers before its "finished" (order is kept per pair), so no process exits while
  /// another may still need data from it. Throws std::runtime_error after `timeout`.
  void finish(std::size_t hosts, std::size_t self, std::chrono::milliseconds timeout);

 private:
  /// Channel of the end-of-job messages; data channels are allocated from 0 upwards.
  static constexpr std::uint32_t kFinishedChannel = 0xffffffffu;
  /// Channel of returned channel credits: (channel, count) pairs of little-endian u32.
  static constexpr std::uint32_t kCreditChannel = 0xfffffffeu;

  bool next_message(transport::Message*& m);
  /// Prints the transport's errors to stderr, one line per distinct message.
  void log_errors();
  transport::Transport& t_;
  std::vector<transport::Message> batch_;  // received, not yet handed out (network thread only)
  std::size_t next_ = 0;
  std::vector<bool> finished_;  // hosts that told us they finished
  std::size_t finished_count_ = 0;
  ChannelCredits credits_;                                      // of the channels we send on
  std::vector<std::vector<std::uint32_t>> returning_;           // [host]: (channel, n) pairs to send
};

}  // namespace renoir::core
