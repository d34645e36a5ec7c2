// The engine's link to the other hosts of a job, over a renoir::transport::Transport.
#include <renoir/core/network.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <utility>

#include <renoir/core/activity.hpp>
#include <renoir/transport/serialization.hpp>

namespace renoir::core {

void Network::prepare(std::uint32_t channels) {
  credits_.resize(channels);
  returning_.assign(t_.num_peers(), {});
}

void Network::send(std::size_t host, std::uint32_t channel, std::span<const std::byte> bytes,
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
  // A message larger than the transport takes goes in parts; the channel's credit covers them
  // all, each part spends a credit of the link.
  const std::size_t part = t_.max_message_size();
  for (;;) {
    const bool last = bytes.size() <= part;
    const auto piece = bytes.first(last ? bytes.size() : part);
    const Tag tag = last ? kData : kDataPart;
    if (!t_.try_send(to, channel, tag, piece)) {
      WaitingScope waiting;
      while (!t_.try_send(to, channel, tag, piece)) back_off();
    }
    if (last) break;
    bytes = bytes.subspan(part);
  }
  sent_.fetch_add(1, std::memory_order_relaxed);
}

void Network::consumed(std::size_t host, std::uint32_t channel, std::uint32_t n) {
  returning_.at(host).insert(returning_[host].end(), {channel, n});
}

void Network::flush_consumed() {
  // At most max_message_size() bytes of pairs per message (with rxm that is 16 k pairs: a big
  // job can return more channels' credits at once).
  const std::size_t per_message = t_.max_message_size() / sizeof(std::uint32_t) / 2 * 2;
  std::vector<std::byte> bytes;
  for (std::size_t h = 0; h < returning_.size(); ++h) {
    auto& pairs = returning_[h];
    std::size_t sent = 0;
    while (sent < pairs.size()) {
      const std::size_t n = std::min(per_message, pairs.size() - sent);
      bytes.resize(n * sizeof(std::uint32_t));
      std::memcpy(bytes.data(), pairs.data() + sent, bytes.size());  // little-endian hosts (as the wire)
      if (!t_.try_send(static_cast<transport::PeerId>(h), 0, kCredits, bytes)) break;
      sent += n;  // else: no link credit now; the rest go with the next call
    }
    pairs.erase(pairs.begin(), pairs.begin() + static_cast<std::ptrdiff_t>(sent));
  }
}

void Network::tick(std::string_view status) {
  t_.set_status(status);
  log_errors();
}

void Network::log_errors() {
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

std::optional<std::span<const std::byte>> Network::take_data(const transport::DeliveryView& m) {
  switch (m.kind) {
    case kData: {
      const auto partial = parts_.find(std::uint64_t{m.source} << 32 | m.channel);
      if (partial == parts_.end()) return m.payload;  // the common case: no copy
      joined_ = std::move(partial->second);
      parts_.erase(partial);
      joined_.insert(joined_.end(), m.payload.begin(), m.payload.end());
      return std::span<const std::byte>(joined_);
    }
    case kDataPart: {
      auto& joined = parts_[std::uint64_t{m.source} << 32 | m.channel];
      joined.insert(joined.end(), m.payload.begin(), m.payload.end());
      return std::nullopt;
    }
    case kCredits: {
      std::uint32_t pair[2];
      if (m.payload.size() % sizeof pair != 0)
        throw transport::DecodeError("renoir: host " + std::to_string(m.source) + " returned credits in a message of " +
                                     std::to_string(m.payload.size()) + " bytes");
      for (std::size_t at = 0; at < m.payload.size(); at += sizeof pair) {
        std::memcpy(pair, m.payload.data() + at, sizeof pair);
        if (pair[0] >= credits_.size())
          throw transport::DecodeError("renoir: host " + std::to_string(m.source) + " returned credits of channel " +
                                       std::to_string(pair[0]) + ", which does not exist");
        credits_.grant(pair[0], pair[1]);
      }
      return std::nullopt;
    }
    case kFinished:
      if (finished_.size() <= m.source) finished_.resize(m.source + 1, false);
      if (!finished_[m.source]) {
        finished_[m.source] = true;
        ++finished_count_;
        t_.release(m.source);  // it may stop talking to us now: not a lost peer
      }
      return std::nullopt;
    default:
      throw transport::DecodeError("renoir: host " + std::to_string(m.source) + " sent a message of unknown kind " +
                                   std::to_string(m.kind));
  }
}

void Network::finish(std::size_t hosts, std::size_t self, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  t_.set_status("finished, waiting for the other hosts");
  for (std::size_t h = 0; h < hosts; ++h)
    if (h != self) t_.send(static_cast<transport::PeerId>(h), 0, kFinished, {}, timeout);
  auto late = [](std::uint32_t channel, std::span<const std::byte>) {
    throw std::runtime_error("renoir worker: data on channel " + std::to_string(channel) +
                             " arrived after this host finished");
  };
  while (finished_count_ < hosts - 1) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("renoir worker: the other hosts did not finish within " +
                               std::to_string(timeout.count() / 1000) + " s");
    receive(late, std::chrono::milliseconds(1));
  }
  // Keep reading for a moment: a socket closed with unread data (late credits) is reset, and a
  // reset can drop what the peer has not read yet, such as our own "finished".
  const auto linger = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  while (std::chrono::steady_clock::now() < linger) {
    while (receive(late) > 0) {
    }
    t_.flush(std::chrono::milliseconds(5));
  }
  log_errors();
  if (!t_.flush(std::chrono::milliseconds(std::max<long>(1000, timeout.count()))))
    throw std::runtime_error("renoir worker: messages to other hosts were still in flight at the end");
}

}  // namespace renoir::core
