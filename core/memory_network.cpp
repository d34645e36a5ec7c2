// An in-memory network between simulated hosts of one process (tests, RuntimeConfig::simulated).
#include <renoir/core/memory_network.hpp>

#include <stdexcept>
#include <thread>

#include <renoir/core/channel_credits.hpp>

namespace renoir::core {

class MemoryNetwork::Endpoint final : public Network {
 public:
  Endpoint(MemoryNetwork& net, std::size_t host) : net_(net), host_(host) {}

  void prepare(std::uint32_t channels) override { credits_.resize(channels); }

  void send(std::size_t to, std::uint32_t channel, std::vector<std::byte>&& bytes, const RunState& run) override {
    if (channel >= credits_.size()) throw std::logic_error("renoir: send on a channel that does not exist");
    while (!credits_.try_take(channel)) {  // the receiver's ring of this channel is full
      if (run.cancelled()) throw Cancelled{};
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    std::unique_lock lock(net_.mutex_);
    auto& n = net_.in_flight_[host_ * net_.boxes_.size() + to];
    while (n >= net_.credits_) {  // out of credit: the receiving host is behind
      if (run.cancelled()) throw Cancelled{};
      net_.cv_.wait_for(lock, std::chrono::milliseconds(1));
    }
    ++n;
    ++net_.sent_;
    net_.boxes_[to].push_back({host_, channel, std::move(bytes)});
    net_.cv_.notify_all();
  }

  bool try_receive(std::uint32_t& channel, std::vector<std::byte>& bytes) override {
    std::lock_guard lock(net_.mutex_);
    auto& box = net_.boxes_[host_];
    if (box.empty()) return false;
    channel = box.front().channel;
    bytes = std::move(box.front().bytes);
    --net_.in_flight_[box.front().from * net_.boxes_.size() + host_];  // the credit goes back
    box.pop_front();
    net_.cv_.notify_all();
    return true;
  }

  // In one process the credits go back directly (a MemoryNetwork's hosts run the same graph,
  // so channel ids agree).
  void consumed(std::size_t host, std::uint32_t channel, std::uint32_t n) override {
    static_cast<Endpoint&>(*net_.endpoints_.at(host)).credits_.grant(channel, n);
  }

  void wait(std::chrono::microseconds timeout) override {
    std::unique_lock lock(net_.mutex_);
    net_.cv_.wait_for(lock, timeout, [&] { return !net_.boxes_[host_].empty(); });
  }

 private:
  MemoryNetwork& net_;
  std::size_t host_;
  ChannelCredits credits_;
};

MemoryNetwork::MemoryNetwork(std::size_t hosts, std::size_t credits)
    : boxes_(hosts), in_flight_(hosts * hosts, 0), credits_(credits) {
  for (std::size_t h = 0; h < hosts; ++h) endpoints_.push_back(std::make_unique<Endpoint>(*this, h));
}

std::size_t MemoryNetwork::sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

}  // namespace renoir::core
