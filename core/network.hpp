// What the executor needs from the transport to run a job over several processes.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <renoir/core/run_state.hpp>

namespace renoir::core {

/// Message passing between the processes of one job, one process per host. A channel is one
/// (sender replica, receiver replica) edge of a gate; ids are assigned identically by every
/// process (see Deployment). Implemented over renoir::transport.
class Network {
 public:
  virtual ~Network() = default;
  /// Before the job runs: the number of channels (ids [0, channels)).
  virtual void prepare(std::uint32_t channels) = 0;
  /// Sends `bytes` on `channel` to `host`. Waits while the channel or the link has no credit
  /// left (the receiver is slow); throws Cancelled if `run` gets cancelled meanwhile.
  virtual void send(std::size_t host, std::uint32_t channel, std::vector<std::byte>&& bytes, const RunState& run) = 0;
  /// Receiving side, network thread: `n` messages of `channel`, sent by `host`, are in their
  /// ring; their channel credits go back (batched, by flush_consumed()).
  virtual void consumed(std::size_t host, std::uint32_t channel, std::uint32_t n) = 0;
  /// Sends the credits consumed() collected. Never blocks: what cannot leave now stays queued.
  virtual void flush_consumed() {}
  /// One received message, if any.
  virtual bool try_receive(std::uint32_t& channel, std::vector<std::byte>& bytes) = 0;
  /// Waits up to `timeout` for a message to arrive.
  virtual void wait(std::chrono::microseconds timeout) = 0;
  /// Called by the network thread a few times per second: `status` says what this host is
  /// doing, for the other hosts (see Transport::set_status); the network also logs what went
  /// wrong since the last call (rejected frames, lost messages).
  virtual void tick(std::string_view /*status*/) {}
};

}  // namespace renoir::core
