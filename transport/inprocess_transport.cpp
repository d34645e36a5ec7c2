// The in-process backend: frames move between transports of one process through a hub.
#include "renoir/transport/inprocess_transport.hpp"

#include <condition_variable>
#include <deque>

namespace renoir::transport {
namespace detail {

struct Mailbox {
  struct Frame {
    std::string from;  // the sender's bound address: what a network would tell us
    std::vector<std::byte> bytes;
  };
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<Frame> frames;
};

}  // namespace detail

std::shared_ptr<detail::Mailbox> InProcessHub::bind(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = mailboxes_.try_emplace(address, nullptr);
  if (!inserted) throw TransportError("in-process transport: address " + address + " is in use");
  it->second = std::make_shared<detail::Mailbox>();
  return it->second;
}

void InProcessHub::unbind(const std::string& address) {
  std::lock_guard lock(mutex_);
  mailboxes_.erase(address);
}

std::shared_ptr<detail::Mailbox> InProcessHub::lookup(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = mailboxes_.find(address);
  return it == mailboxes_.end() ? nullptr : it->second;
}

InProcessTransport::InProcessTransport(std::shared_ptr<InProcessHub> hub, TransportConfig config)
    : ProtocolTransport(std::move(config)), hub_(std::move(hub)) {
  for (PeerId p = 0; p < num_peers(); ++p) by_address_[peer_addresses()[p].to_string()] = p;
  bound_ = peer_addresses()[self()].to_string();
  mailbox_ = hub_->bind(bound_);
}

InProcessTransport::~InProcessTransport() { hub_->unbind(bound_); }

auto InProcessTransport::wire_send(PeerId to, const detail::FrameHeader& header,
                                   std::span<const std::byte> payload) -> WireStatus {
  const std::string target = peer_addresses()[to].to_string();
  auto mailbox = hub_->lookup(target);
  if (!mailbox) {
    on_send_error(to, header.type, "nobody is listening at " + target);
    return WireStatus::sent;
  }
  detail::Mailbox::Frame f{bound_, std::vector<std::byte>(detail::kHeaderSize + payload.size())};
  detail::encode_header(header, f.bytes.data());
  std::copy(payload.begin(), payload.end(), f.bytes.begin() + detail::kHeaderSize);
  {
    std::lock_guard lock(mailbox->mutex);
    mailbox->frames.push_back(std::move(f));
  }
  mailbox->cv.notify_all();
  return WireStatus::sent;
}

void InProcessTransport::wire_progress() {
  std::deque<detail::Mailbox::Frame> frames;
  {
    std::lock_guard lock(mailbox_->mutex);
    frames.swap(mailbox_->frames);
  }
  for (auto& f : frames) {
    // The hub always knows the sender: one that is not a peer of the job cannot claim to be.
    auto it = by_address_.find(f.from);
    if (it == by_address_.end()) {
      add_error("dropped a frame from " + f.from + ", which is not a peer of this job");
      continue;
    }
    on_frame(it->second, f.bytes);
  }
}

void InProcessTransport::wire_wait(Clock::time_point until, unsigned /*round*/) {
  std::unique_lock lock(mailbox_->mutex);
  mailbox_->cv.wait_until(lock, until, [&] { return !mailbox_->frames.empty(); });
}

}  // namespace renoir::transport
