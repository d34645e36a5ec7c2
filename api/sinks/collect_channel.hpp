// collect_channel: the items reach the caller through a ChannelReceiver while the job runs.
#pragma once
#include <renoir/api/stream.hpp>  // this header defines members of Stream
#include <cstddef>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include <renoir/api/channel_receiver.hpp>
#include <renoir/core/replica.hpp>

namespace renoir {
namespace ops {
/// Terminal of a one-replica block: hands the items to the channel a batch at a time.
template <class T>
struct CollectChannel {
  std::shared_ptr<detail::BatchChannel<T>> channel;
  std::size_t batch_size;
  std::vector<T> batch{};
  bool reading = true;  // false once the receiver is gone: drop the rest

  template <class X>
  void push(X&& x) {
    if (!reading) return;
    batch.push_back(std::forward<X>(x));
    if (batch.size() >= batch_size) flush();
  }
  void flush() {
    if (batch.empty() || !reading) return;
    reading = channel->send(std::exchange(batch, std::vector<T>()));
    batch.reserve(batch_size);
  }
  void watermark(core::Timestamp) {}
  void restart() { flush(); }
  void end() {
    flush();
    channel->close();
  }
};

template <class T>
struct CollectChannelFactory {
  std::shared_ptr<detail::BatchChannel<T>> channel;
  void attach(std::size_t) {}
  CollectChannel<T> make(const core::ReplicaContext& rc) const { return {channel, rc.batch_mode.size}; }
};
}  // namespace ops

template <class T, class S, class O>
ChannelReceiver<T> Stream<T, S, O>::collect_channel() const {
  auto channel = std::make_shared<detail::BatchChannel<T>>();
  gather().finish(ops::CollectChannelFactory<T>{channel});
  // Closed when the job ends on this process, whatever happened: a failed job, a host without
  // the sink's replica.
  this->job()->on_finish.push_back([channel](std::exception_ptr error) { channel->close(std::move(error)); });
  return ChannelReceiver<T>(channel);
}

}  // namespace renoir
