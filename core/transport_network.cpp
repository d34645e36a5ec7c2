// core::Network over a renoir::transport::Transport (one peer per host).
#include <renoir/core/transport_network.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

#include <renoir/core/activity.hpp>

namespace renoir::core {

void TransportNetwork::send(std::size_t host, std::uint32_t channel, std::vector<std::byte>&& bytes,
                            const RunState& run) {
  // No credit: the receiving host is behind. Back off (the caller is a replica thread, and the
  // transport returns credits as the receiver consumes) until it catches up or the job stops.
  const auto to = static_cast<transport::PeerId>(host);
  if (t_.try_send(to, channel, 0, bytes)) return;
  WaitingScope waiting;  // not a stall: the receiving host is behind
  auto backoff = std::chrono::microseconds(5);
  while (!t_.try_send(to, channel, 0, bytes)) {
    run.throw_if_cancelled();
    std::this_thread::sleep_for(backoff);
    if (backoff < std::chrono::microseconds(500)) backoff *= 2;
  }
}

void TransportNetwork::tick(std::string_view status) {
  t_.set_status(status);
  log_errors();
}

void TransportNetwork::log_errors() {
  std::vector<std::pair<std::string, std::size_t>> distinct;
  for (auto& e : t_.take_errors()) {
    auto it = std::find_if(distinct.begin(), distinct.end(), [&](const auto& d) { return d.first == e; });
    if (it == distinct.end())
      distinct.emplace_back(std::move(e), 1);
    else
      ++it->second;
  }
  for (const auto& [text, n] : distinct)
    std::fprintf(stderr, "renoir: host %u: %s%s\n", static_cast<unsigned>(t_.self()), text.c_str(),
                 n > 1 ? (" (" + std::to_string(n) + " times)").c_str() : "");
}

bool TransportNetwork::next_message(transport::Message*& m) {
  for (;;) {
    if (next_ == batch_.size()) {
      batch_.clear();
      next_ = 0;
      if (t_.poll(batch_, 64) == 0) return false;
    }
    m = &batch_[next_++];
    if (m->channel != kFinishedChannel) return true;
    if (finished_.size() <= m->source) finished_.resize(m->source + 1, false);
    if (!finished_[m->source]) {
      finished_[m->source] = true;
      ++finished_count_;
      t_.release(m->source);  // it may stop talking to us now: not a lost peer
    }
  }
}

bool TransportNetwork::try_receive(std::uint32_t& channel, std::vector<std::byte>& bytes) {
  transport::Message* m = nullptr;
  if (!next_message(m)) return false;
  channel = m->channel;
  bytes = std::move(m->payload);
  return true;
}

void TransportNetwork::wait(std::chrono::microseconds timeout) {
  if (next_ < batch_.size()) return;
  batch_.clear();
  next_ = 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout);
  t_.wait(batch_, ms, 64);
}

void TransportNetwork::finish(std::size_t hosts, std::size_t self, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  t_.set_status("finished, waiting for the other hosts");
  for (std::size_t h = 0; h < hosts; ++h)
    if (h != self) t_.send(static_cast<transport::PeerId>(h), kFinishedChannel, 0, {}, timeout);
  transport::Message* m = nullptr;
  while (finished_count_ < hosts - 1) {
    if (next_message(m))
      throw std::runtime_error("renoir worker: data on channel " + std::to_string(m->channel) +
                               " arrived after this host finished");
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("renoir worker: the other hosts did not finish within " +
                               std::to_string(timeout.count() / 1000) + " s");
    wait(std::chrono::milliseconds(1));
  }
  // Keep reading for a moment: a socket closed with unread data (late credits) is reset, and a
  // reset can drop what the peer has not read yet, such as our own "finished".
  const auto linger = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  while (std::chrono::steady_clock::now() < linger) {
    while (next_message(m)) {
    }
    t_.flush(std::chrono::milliseconds(5));
  }
  log_errors();
  if (!t_.flush(std::chrono::milliseconds(std::max<long>(1000, timeout.count()))))
    throw std::runtime_error("renoir worker: messages to other hosts were still in flight at the end");
}

}  // namespace renoir::core
