// core::Network over a renoir::transport::Transport (one peer per host).
#include <renoir/core/transport_network.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <utility>

#include <renoir/core/activity.hpp>
#include <renoir/transport/serialization.hpp>

namespace renoir::core {

void TransportNetwork::prepare(std::uint32_t channels) {
  credits_.resize(channels);
  returning_.assign(t_.num_peers(), {});
}

void TransportNetwork::send(std::size_t host, std::uint32_t channel, std::vector<std::byte>&& bytes,
                            const RunState& run) {
  // No credit (of the channel, then of the link): the receiving host is behind. Back off (the
  // caller is a replica thread; credits come back as the receiver consumes) until it catches
  // up or the job stops.
  if (channel >= credits_.size()) throw std::logic_error("renoir: send on channel " + std::to_string(channel) + " of " + std::to_string(credits_.size()));
  const auto to = static_cast<transport::PeerId>(host);
  auto backoff = std::chrono::microseconds(5);
  auto back_off = [&] {
    run.throw_if_cancelled();
    std::this_thread::sleep_for(backoff);
    if (backoff < std::chrono::microseconds(500)) backoff *= 2;
  };
  if (!credits_.try_take(channel)) {
    WaitingScope waiting;  // not a stall: the receiving host is behind
    while (!credits_.try_take(channel)) back_off();
  }
  if (t_.try_send(to, channel, 0, bytes)) return;
  WaitingScope waiting;
  while (!t_.try_send(to, channel, 0, bytes)) back_off();
}

void TransportNetwork::consumed(std::size_t host, std::uint32_t channel, std::uint32_t n) {
  returning_.at(host).insert(returning_[host].end(), {channel, n});
}

void TransportNetwork::flush_consumed() {
  for (std::size_t h = 0; h < returning_.size(); ++h) {
    auto& pairs = returning_[h];
    if (pairs.empty()) continue;
    std::vector<std::byte> bytes(pairs.size() * sizeof(std::uint32_t));
    std::memcpy(bytes.data(), pairs.data(), bytes.size());  // little-endian hosts (as the wire)
    if (t_.try_send(static_cast<transport::PeerId>(h), kCreditChannel, 0, bytes)) pairs.clear();
    // else: no link credit now; they go with the next call
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
    if (m->channel == kCreditChannel) {
      std::uint32_t pair[2];
      if (m->payload.size() % sizeof pair != 0)
        throw transport::DecodeError("renoir: host " + std::to_string(m->source) + " returned credits in a message of " +
                                     std::to_string(m->payload.size()) + " bytes");
      for (std::size_t at = 0; at < m->payload.size(); at += sizeof pair) {
        std::memcpy(pair, m->payload.data() + at, sizeof pair);
        if (pair[0] >= credits_.size())
          throw transport::DecodeError("renoir: host " + std::to_string(m->source) + " returned credits of channel " +
                                       std::to_string(pair[0]) + ", which does not exist");
        credits_.grant(pair[0], pair[1]);
      }
      continue;
    }
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
